using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigie.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EvidenceAndReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "evidence_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DeclaredContentType = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AddedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    TimelineSummary = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    RootCause = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    WhatWorked = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    WhatDidNotWork = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    PreventiveMeasures = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    Lessons = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "evidence_custody",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EvidenceId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Actor = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClientIp = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReviewId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Owner = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
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
                name: "IX_review_recommendations_ReviewId_Position",
                table: "review_recommendations",
                columns: new[] { "ReviewId", "Position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "evidence_custody");

            migrationBuilder.DropTable(
                name: "review_recommendations");

            migrationBuilder.DropTable(
                name: "evidence_items");

            migrationBuilder.DropTable(
                name: "incident_reviews");
        }
    }
}
