using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace Vigie.Data;

public static class DataSetup
{
    /// <summary>Registers <see cref="VigieDb"/> on the configured provider and the blob store.</summary>
    public static IHostApplicationBuilder AddVigieData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Vigie:Database:ConnectionString is required when Vigie:Database:Provider is Postgres.")
            .ValidateOnStart();

        // Both contexts are registered and the provider is chosen when VigieDb is resolved, from
        // the final configuration (tests and hosts may add sources after this call).
        builder.Services.AddDbContext<SqliteVigieDb>((sp, o) => o.UseSqlite(SqliteConnectionString(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<IOptions<VigieOptions>>().Value))
            .AddInterceptors(s_busyTimeout));
        builder.Services.AddDbContext<PostgresVigieDb>((sp, o) => o.UseNpgsql(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        builder.Services.AddScoped<VigieDb>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? sp.GetRequiredService<PostgresVigieDb>()
                : sp.GetRequiredService<SqliteVigieDb>());

        builder.Services.AddSingleton<BlobStore>();
        return builder;
    }

    private static readonly SqliteBusyTimeout s_busyTimeout = new();

    internal static string SqliteConnectionString(DatabaseOptions db, VigieOptions vigie)
    {
        if (!string.IsNullOrWhiteSpace(db.ConnectionString))
        {
            return db.ConnectionString;
        }
        Directory.CreateDirectory(vigie.DataPath);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(vigie.DataPath, "vigie.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>
    /// Applies the provider's migrations. SQLite is switched to WAL first (a property of the file,
    /// kept across connections) so readers never block the intake's writes.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await MigrateQuietlyAsync(db, ct);
                // Refresh the planner's statistics where they are missing or stale (SQLite ≥ 3.46:
                // 0x10002 = check every table, as recommended when a long-lived connection opens).
                await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            return;
        }
        await MigrateQuietlyAsync(db, ct);
    }

    // On an empty PostgreSQL database EF reads the history table before creating it and logs the
    // failed SELECT as an error, which alarms whoever reads the log. Creating it first avoids that.
    private static async Task MigrateQuietlyAsync(VigieDb db, CancellationToken ct)
    {
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
        await db.Database.MigrateAsync(ct);
    }
}
