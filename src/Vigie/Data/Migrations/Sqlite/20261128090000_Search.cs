using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Vigie.Features.Search;

#nullable disable

namespace Vigie.Data.Migrations.Sqlite
{
    /// <summary>
    /// Hand-written: the full-text and observable search structures EF does not model
    /// (<see cref="SearchSchema"/>). Raw SQL only, so the model snapshot is untouched.
    /// </summary>
    [DbContext(typeof(SqliteVigieDb))]
    [Migration("20261128090000_Search")]
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SearchSchema.SqliteUp)
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SearchSchema.SqliteDown)
            {
                migrationBuilder.Sql(sql);
            }
        }
    }
}
