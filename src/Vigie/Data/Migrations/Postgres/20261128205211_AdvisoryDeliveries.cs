using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AdvisoryDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdvisoryDeliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    ConstituentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Sent = table.Column<bool>(type: "boolean", nullable: false),
                    Encrypted = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    OutboundMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdvisoryDeliveries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryDeliveries_AdvisoryId_Revision_Email",
                table: "AdvisoryDeliveries",
                columns: new[] { "AdvisoryId", "Revision", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryDeliveries_ConstituentId",
                table: "AdvisoryDeliveries",
                column: "ConstituentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdvisoryDeliveries");
        }
    }
}
