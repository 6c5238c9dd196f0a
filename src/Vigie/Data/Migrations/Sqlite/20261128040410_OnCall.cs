using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OnCall : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OnCallEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: true),
                    Start = table.Column<long>(type: "INTEGER", nullable: true),
                    End = table.Column<long>(type: "INTEGER", nullable: true),
                    Primary = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Secondary = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnCallEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OnCallHoleAlerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    End = table.Column<long>(type: "INTEGER", nullable: false),
                    AlertedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnCallHoleAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OnCallPages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReportId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    OutboundMessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FailureRecorded = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OnCallPages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OnCallPages_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OnCallPages_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OnCallEntries_Source_Start",
                table: "OnCallEntries",
                columns: new[] { "Source", "Start" });

            migrationBuilder.CreateIndex(
                name: "IX_OnCallHoleAlerts_Start",
                table: "OnCallHoleAlerts",
                column: "Start",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OnCallPages_AcknowledgedAt_CreatedAt",
                table: "OnCallPages",
                columns: new[] { "AcknowledgedAt", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_OnCallPages_IncidentId_Level",
                table: "OnCallPages",
                columns: new[] { "IncidentId", "Level" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OnCallPages_ReportId_Level",
                table: "OnCallPages",
                columns: new[] { "ReportId", "Level" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OnCallPages_TokenHash",
                table: "OnCallPages",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OnCallEntries");

            migrationBuilder.DropTable(
                name: "OnCallHoleAlerts");

            migrationBuilder.DropTable(
                name: "OnCallPages");
        }
    }
}
