using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Sla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_AcknowledgedAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_ContainedAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_FirstRespondedAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Sla_FirstResponseBreached",
                table: "incidents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_FirstResponseDueAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_FirstResponseTarget",
                table: "incidents",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_ReceivedAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Sla_ResolutionBreached",
                table: "incidents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_ResolutionDueAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_ResolutionTarget",
                table: "incidents",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_ResolvedAt",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sla_TargetSource",
                table: "incidents",
                type: "character varying(80)",
                maxLength: 80,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Sla_WaitingSince",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Sla_FirstRespondedAt_Sla_FirstResponseDueAt",
                table: "incidents",
                columns: new[] { "Sla_FirstRespondedAt", "Sla_FirstResponseDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Sla_ResolvedAt_Sla_ResolutionDueAt",
                table: "incidents",
                columns: new[] { "Sla_ResolvedAt", "Sla_ResolutionDueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_incidents_Sla_FirstRespondedAt_Sla_FirstResponseDueAt",
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
