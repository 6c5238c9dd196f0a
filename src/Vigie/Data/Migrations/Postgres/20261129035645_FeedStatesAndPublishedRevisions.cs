using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FeedStatesAndPublishedRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Advisories_Tlp_PublishedAt",
                table: "Advisories");

            migrationBuilder.AddColumn<string>(
                name: "PublishedContent",
                table: "Advisories",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishedTlp",
                table: "Advisories",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            // Bulletins published before this version: their current content is what was published.
            migrationBuilder.Sql("UPDATE \"Advisories\" SET \"PublishedContent\" = \"Content\", \"PublishedTlp\" = \"Tlp\" WHERE \"PublishedAt\" IS NOT NULL;");

            migrationBuilder.CreateTable(
                name: "FeedStates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    ETag = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastModified = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Updated = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Sha512 = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Failed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeedStates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Advisories_PublishedTlp_PublishedAt",
                table: "Advisories",
                columns: new[] { "PublishedTlp", "PublishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FeedStates_Url",
                table: "FeedStates",
                column: "Url",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FeedStates");

            migrationBuilder.DropIndex(
                name: "IX_Advisories_PublishedTlp_PublishedAt",
                table: "Advisories");

            migrationBuilder.DropColumn(
                name: "PublishedContent",
                table: "Advisories");

            migrationBuilder.DropColumn(
                name: "PublishedTlp",
                table: "Advisories");

            migrationBuilder.CreateIndex(
                name: "IX_Advisories_Tlp_PublishedAt",
                table: "Advisories",
                columns: new[] { "Tlp", "PublishedAt" });
        }
    }
}
