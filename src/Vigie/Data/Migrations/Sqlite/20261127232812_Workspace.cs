using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Workspace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "DuplicateOfId",
                table: "reports",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Triage",
                table: "reports",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "TriagedAt",
                table: "reports",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TriagedBy",
                table: "reports",
                type: "TEXT",
                maxLength: 254,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_reports_Triage_ReceivedAt",
                table: "reports",
                columns: new[] { "Triage", "ReceivedAt" });

            // Reports already attached to an incident were triaged by whoever attached them.
            migrationBuilder.Sql("UPDATE reports SET \"Triage\" = 'Linked' WHERE \"IncidentId\" IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_reports_Triage_ReceivedAt",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "DuplicateOfId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Triage",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "TriagedAt",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "TriagedBy",
                table: "reports");
        }
    }
}
