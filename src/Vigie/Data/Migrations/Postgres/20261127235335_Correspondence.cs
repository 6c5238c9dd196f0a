using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Correspondence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "consents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConstituentId = table.Column<Guid>(type: "uuid", nullable: false),
                    GivenBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_consents_constituents_ConstituentId",
                        column: x => x.ConstituentId,
                        principalTable: "constituents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_consents_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "correspondence_parties",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConstituentId = table.Column<Guid>(type: "uuid", nullable: true),
                    NamedRecipient = table.Column<bool>(type: "boolean", nullable: false),
                    AddedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_parties", x => x.Id);
                    table.ForeignKey(
                        name: "FK_correspondence_parties_constituents_ConstituentId",
                        column: x => x.ConstituentId,
                        principalTable: "constituents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_correspondence_parties_contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_correspondence_parties_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "correspondence_templates",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Subject = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    Body = table.Column<string>(type: "character varying(100000)", maxLength: 100000, nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_templates", x => new { x.Key, x.Language });
                });

            migrationBuilder.CreateTable(
                name: "correspondence_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    PartyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Direction = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Subject = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Tlp = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Encrypted = table.Column<bool>(type: "boolean", nullable: false),
                    Redacted = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RefusalCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    NeedToKnow = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    TemplateKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OutboundMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    ReportId = table.Column<Guid>(type: "uuid", nullable: true),
                    BatchId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnswerReportId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_correspondence_messages_correspondence_parties_PartyId",
                        column: x => x.PartyId,
                        principalTable: "correspondence_parties",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_correspondence_messages_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_correspondence_messages_outbound_messages_OutboundMessageId",
                        column: x => x.OutboundMessageId,
                        principalTable: "outbound_messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_correspondence_messages_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consents_ConstituentId_IncidentId",
                table: "consents",
                columns: new[] { "ConstituentId", "IncidentId" });

            migrationBuilder.CreateIndex(
                name: "IX_consents_IncidentId",
                table: "consents",
                column: "IncidentId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_messages_BatchId",
                table: "correspondence_messages",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_messages_IncidentId_CreatedAt",
                table: "correspondence_messages",
                columns: new[] { "IncidentId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_messages_OutboundMessageId",
                table: "correspondence_messages",
                column: "OutboundMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_messages_PartyId",
                table: "correspondence_messages",
                column: "PartyId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_messages_ReportId",
                table: "correspondence_messages",
                column: "ReportId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_parties_ConstituentId",
                table: "correspondence_parties",
                column: "ConstituentId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_parties_ContactId",
                table: "correspondence_parties",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_correspondence_parties_IncidentId_Email",
                table: "correspondence_parties",
                columns: new[] { "IncidentId", "Email" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consents");

            migrationBuilder.DropTable(
                name: "correspondence_messages");

            migrationBuilder.DropTable(
                name: "correspondence_templates");

            migrationBuilder.DropTable(
                name: "correspondence_parties");
        }
    }
}
