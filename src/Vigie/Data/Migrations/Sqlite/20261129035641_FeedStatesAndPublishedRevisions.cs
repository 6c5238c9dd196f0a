using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishedTlp",
                table: "Advisories",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            // Bulletins published before this version: their current content is what was published.
            migrationBuilder.Sql("UPDATE \"Advisories\" SET \"PublishedContent\" = \"Content\", \"PublishedTlp\" = \"Tlp\" WHERE \"PublishedAt\" IS NOT NULL;");

            migrationBuilder.CreateTable(
                name: "FeedStates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    ETag = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastModified = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Updated = table.Column<long>(type: "INTEGER", nullable: true),
                    Sha512 = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Failed = table.Column<bool>(type: "INTEGER", nullable: false)
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
