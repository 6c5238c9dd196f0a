using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Vigie.Data;

// Used by `dotnet ef` (scripts/add-migration.sh): the model does not depend on the connection,
// so placeholder connection strings are enough to generate migrations.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteVigieDb>
{
    public SqliteVigieDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteVigieDb>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresVigieDb>
{
    public PostgresVigieDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresVigieDb>().UseNpgsql("Host=localhost;Database=vigie_design").Options);
}
