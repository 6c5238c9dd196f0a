using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Intake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AnswerId",
                table: "reports",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerNote",
                table: "reports",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ClaimToken",
                table: "reports",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClaimedAt",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConstituentReason",
                table: "reports",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Decryption",
                table: "reports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DecryptionError",
                table: "reports",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FailureReason",
                table: "reports",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Flagged",
                table: "reports",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Format",
                table: "reports",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FormatSubtype",
                table: "reports",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Html",
                table: "reports",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "reports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<List<string>>(
                name: "Problems",
                table: "reports",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ProcessedAt",
                table: "reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Recipient",
                table: "reports",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RecordCount",
                table: "reports",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "RelatedOutboundId",
                table: "reports",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Signature",
                table: "reports",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SignatureKind",
                table: "reports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SignerContactId",
                table: "reports",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SignerEmail",
                table: "reports",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SignerFingerprint",
                table: "reports",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuggestedClass",
                table: "reports",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SuggestedConstituentId",
                table: "reports",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuggestedType",
                table: "reports",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SuggestionRule",
                table: "reports",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Text",
                table: "reports",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "outbound_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    From = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    Subject = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReportId = table.Column<Guid>(type: "uuid", nullable: true),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: true),
                    SenderKey = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbound_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_outbound_messages_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_outbound_messages_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "report_attachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReportId = table.Column<Guid>(type: "uuid", nullable: false),
                    FileName = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ContentType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: true),
                    Entries = table.Column<string>(type: "text", nullable: true),
                    Problem = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_attachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_attachments_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "report_observables",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReportId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(8192)", maxLength: 8192, nullable: false),
                    IsPrivateOrReserved = table.Column<bool>(type: "boolean", nullable: false),
                    Location = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Start = table.Column<int>(type: "integer", nullable: false),
                    Length = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_observables", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_observables_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_reports_ClaimToken",
                table: "reports",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_reports_Flagged_ReceivedAt",
                table: "reports",
                columns: new[] { "Flagged", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_reports_SignerContactId",
                table: "reports",
                column: "SignerContactId");

            migrationBuilder.CreateIndex(
                name: "IX_reports_SuggestedConstituentId",
                table: "reports",
                column: "SuggestedConstituentId");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_IncidentId",
                table: "outbound_messages",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_MessageId",
                table: "outbound_messages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_ReportId",
                table: "outbound_messages",
                column: "ReportId");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_SenderKey_CreatedAt",
                table: "outbound_messages",
                columns: new[] { "SenderKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_Status_NextAttemptAt",
                table: "outbound_messages",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_report_attachments_ReportId",
                table: "report_attachments",
                column: "ReportId");

            migrationBuilder.CreateIndex(
                name: "IX_report_attachments_Sha256",
                table: "report_attachments",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_report_observables_Kind_Value",
                table: "report_observables",
                columns: new[] { "Kind", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_report_observables_ReportId",
                table: "report_observables",
                column: "ReportId");

            migrationBuilder.AddForeignKey(
                name: "FK_reports_constituents_SuggestedConstituentId",
                table: "reports",
                column: "SuggestedConstituentId",
                principalTable: "constituents",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_reports_contacts_SignerContactId",
                table: "reports",
                column: "SignerContactId",
                principalTable: "contacts",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_reports_constituents_SuggestedConstituentId",
                table: "reports");

            migrationBuilder.DropForeignKey(
                name: "FK_reports_contacts_SignerContactId",
                table: "reports");

            migrationBuilder.DropTable(
                name: "outbound_messages");

            migrationBuilder.DropTable(
                name: "report_attachments");

            migrationBuilder.DropTable(
                name: "report_observables");

            migrationBuilder.DropIndex(
                name: "IX_reports_ClaimToken",
                table: "reports");

            migrationBuilder.DropIndex(
                name: "IX_reports_Flagged_ReceivedAt",
                table: "reports");

            migrationBuilder.DropIndex(
                name: "IX_reports_SignerContactId",
                table: "reports");

            migrationBuilder.DropIndex(
                name: "IX_reports_SuggestedConstituentId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "AnswerId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "AnswerNote",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "ClaimToken",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "ClaimedAt",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "ConstituentReason",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Decryption",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "DecryptionError",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "FailureReason",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Flagged",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "FormatSubtype",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Html",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Problems",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "ProcessedAt",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Recipient",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "RecordCount",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "RelatedOutboundId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Signature",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SignatureKind",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SignerContactId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SignerEmail",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SignerFingerprint",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SuggestedClass",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SuggestedConstituentId",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SuggestedType",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "SuggestionRule",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "Text",
                table: "reports");
        }
    }
}
