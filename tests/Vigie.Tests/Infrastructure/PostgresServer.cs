using Npgsql;

namespace Vigie.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL server that scripts/test.sh starts (VIGIE_TEST_POSTGRES). Each fixture gets
/// a database of its own, dropped afterwards. Outside CI and without a server, PostgreSQL tests
/// skip; under CI (or VIGIE_REQUIRE_POSTGRES=1) they fail instead, so they can never silently vanish.
/// </summary>
public static class PostgresServer
{
    public static string? AdminConnectionString => Environment.GetEnvironmentVariable("VIGIE_TEST_POSTGRES");

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("VIGIE_REQUIRE_POSTGRES") == "1";

    public const string SkipReason = "PostgreSQL is not configured: run scripts/test.sh, or set VIGIE_TEST_POSTGRES.";

    /// <summary>Creates an empty database and returns its connection string, or null when unavailable (and allowed).</summary>
    public static async Task<(string ConnectionString, string Database)?> CreateDatabaseAsync()
    {
        if (AdminConnectionString is not { Length: > 0 } admin)
        {
            return Required
                ? throw new InvalidOperationException("CI requires PostgreSQL tests to run, but VIGIE_TEST_POSTGRES is not set.")
                : null;
        }
        var name = "vigie_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 20 };
        return (builder.ConnectionString, name);
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // FORCE may not end a server process of another role (an autovacuum worker busy on the
                // database): wait for it. The throwaway cluster is deleted at the end of the run anyway,
                // so cleanup that keeps failing is not worth failing a test class for.
                if (attempt == 50)
                {
                    return;
                }
                await Task.Delay(200);
            }
        }
    }
}
