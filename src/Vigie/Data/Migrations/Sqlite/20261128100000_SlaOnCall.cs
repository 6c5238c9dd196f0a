using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SlaOnCall : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Sla_AcknowledgedAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sla_ContainedAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sla_FirstRespondedAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Sla_FirstResponseBreached",
                table: "incidents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "Sla_FirstResponseDueAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_FirstResponseTarget",
                table: "incidents",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sla_ReceivedAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Sla_ResolutionBreached",
                table: "incidents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "Sla_ResolutionDueAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_ResolutionTarget",
                table: "incidents",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sla_ResolvedAt",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_TargetSource",
                table: "incidents",
                type: "TEXT",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sla_WaitingSince",
                table: "incidents",
                type: "INTEGER",
                nullable: true);

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
                name: "IX_incidents_Sla_FirstRespondedAt_Sla_FirstResponseDueAt",
                table: "incidents",
                columns: new[] { "Sla_FirstRespondedAt", "Sla_FirstResponseDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Sla_ReceivedAt",
                table: "incidents",
                column: "Sla_ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Sla_ResolvedAt_Sla_ResolutionDueAt",
                table: "incidents",
                columns: new[] { "Sla_ResolvedAt", "Sla_ResolutionDueAt" });

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

            migrationBuilder.DropIndex(
                name: "IX_incidents_Sla_FirstRespondedAt_Sla_FirstResponseDueAt",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "IX_incidents_Sla_ReceivedAt",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "IX_incidents_Sla_ResolvedAt_Sla_ResolutionDueAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_AcknowledgedAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ContainedAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_FirstRespondedAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_FirstResponseBreached",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_FirstResponseDueAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_FirstResponseTarget",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ReceivedAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ResolutionBreached",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ResolutionDueAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ResolutionTarget",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_ResolvedAt",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_TargetSource",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "Sla_WaitingSince",
                table: "incidents");
        }
    }
}
