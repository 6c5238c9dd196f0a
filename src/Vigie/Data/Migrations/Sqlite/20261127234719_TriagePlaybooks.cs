using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TriagePlaybooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "playbooks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NameFr = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RsitClass = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RsitType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_playbooks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "playbook_steps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlaybookId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    TitleFr = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    TitleEn = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DueOffsetHours = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_playbook_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_playbook_steps_playbooks_PlaybookId",
                        column: x => x.PlaybookId,
                        principalTable: "playbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_playbook_steps_PlaybookId_Position",
                table: "playbook_steps",
                columns: new[] { "PlaybookId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_playbooks_NameEn",
                table: "playbooks",
                column: "NameEn",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_playbooks_RsitClass_RsitType",
                table: "playbooks",
                columns: new[] { "RsitClass", "RsitType" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "playbook_steps");

            migrationBuilder.DropTable(
                name: "playbooks");
        }
    }
}
