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

            migrationBuilder.CreateTable(
                name: "consents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConstituentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GivenBy = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    ContactId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ConstituentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    NamedRecipient = table.Column<bool>(type: "INTEGER", nullable: false),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_correspondence_templates", x => new { x.Key, x.Language });
                });

            migrationBuilder.CreateTable(
                name: "evidence_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DeclaredContentType = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evidence_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_evidence_items_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "incident_reviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimelineSummary = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    RootCause = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    WhatWorked = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    WhatDidNotWork = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    PreventiveMeasures = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Lessons = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incident_reviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_incident_reviews_incidents_IncidentId",
                        column: x => x.IncidentId,
                        principalTable: "incidents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "correspondence_messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Tlp = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Encrypted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Redacted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RefusalCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    NeedToKnow = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    TemplateKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OutboundMessageId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReportId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BatchId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AnswerReportId = table.Column<Guid>(type: "TEXT", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "evidence_custody",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EvidenceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IncidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evidence_custody", x => x.Id);
                    table.ForeignKey(
                        name: "FK_evidence_custody_evidence_items_EvidenceId",
                        column: x => x.EvidenceId,
                        principalTable: "evidence_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "review_recommendations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReviewId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_recommendations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_review_recommendations_incident_reviews_ReviewId",
                        column: x => x.ReviewId,
                        principalTable: "incident_reviews",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
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
                name: "IX_reports_Triage_ReceivedAt",
                table: "reports",
                columns: new[] { "Triage", "ReceivedAt" });

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

            migrationBuilder.CreateIndex(
                name: "IX_evidence_custody_EvidenceId",
                table: "evidence_custody",
                column: "EvidenceId");

            migrationBuilder.CreateIndex(
                name: "IX_evidence_custody_IncidentId_At",
                table: "evidence_custody",
                columns: new[] { "IncidentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_evidence_items_IncidentId_AddedAt",
                table: "evidence_items",
                columns: new[] { "IncidentId", "AddedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_incident_reviews_IncidentId",
                table: "incident_reviews",
                column: "IncidentId",
                unique: true);

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

            migrationBuilder.CreateIndex(
                name: "IX_review_recommendations_ReviewId_Position",
                table: "review_recommendations",
                columns: new[] { "ReviewId", "Position" });

            // Reports already attached to an incident were triaged by whoever attached them.
            migrationBuilder.Sql("UPDATE reports SET \"Triage\" = 'Linked' WHERE \"IncidentId\" IS NOT NULL;");
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
                name: "evidence_custody");

            migrationBuilder.DropTable(
                name: "playbook_steps");

            migrationBuilder.DropTable(
                name: "review_recommendations");

            migrationBuilder.DropTable(
                name: "correspondence_parties");

            migrationBuilder.DropTable(
                name: "evidence_items");

            migrationBuilder.DropTable(
                name: "playbooks");

            migrationBuilder.DropTable(
                name: "incident_reviews");

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
