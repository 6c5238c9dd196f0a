using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Data;

/// <summary>The two migration sets stay complete and in step (scripts/check-migrations.sh checks the same).</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_model_has_no_pending_changes()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh: the SQLite migrations miss model changes.");
    }

    [Fact]
    public void Postgres_model_has_no_pending_changes()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run scripts/add-migration.sh: the PostgreSQL migrations miss model changes.");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        static IEnumerable<string> Names(DbContext db) =>
            db.GetService<IMigrationsAssembly>().Migrations.Keys.Select(id => id[15..]);
        Assert.Equal(Names(sqlite), Names(postgres));
        Assert.NotEmpty(Names(sqlite));
    }
}

/// <summary>The real migrations, applied by the host at start, leave nothing pending on a real server.</summary>
public abstract class AppliedMigrationsTests(VigieApp app)
{
    [Fact]
    public async Task Host_start_applied_every_migration()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(app.Provider == Provider.Postgres, db.Database.IsNpgsql());
    }
}

public sealed class AppliedMigrationsSqliteTests(SqliteApp app) : AppliedMigrationsTests(app), IClassFixture<SqliteApp>
{
    private readonly SqliteApp _app = app;

    [Fact]
    public async Task Sqlite_runs_in_WAL_mode()
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal("wal", Assert.Single(mode));
    }
}

public sealed class AppliedMigrationsPostgresTests(PostgresApp app) : AppliedMigrationsTests(app), IClassFixture<PostgresApp>;
