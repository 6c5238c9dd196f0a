using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Vigie.Features.Audit;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <summary>
    /// Hand-written: triggers that refuse UPDATE and DELETE on the audit log (<see cref="AuditSchema"/>).
    /// Raw SQL only, so the model snapshot is untouched. Keep it after the migration that creates audit_entries.
    /// </summary>
    [DbContext(typeof(SqliteVigieDb))]
    [Migration("20261128121400_AuditAppendOnly")]
    public partial class AuditAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in AuditSchema.SqliteUp)
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in AuditSchema.SqliteDown)
            {
                migrationBuilder.Sql(sql);
            }
        }
    }
}
