using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Cli;

namespace Vigie.Data;

/// <summary><c>vigie db migrate</c> and the start-up migration of the embedded database.</summary>
public static class DbCommands
{
    public static Command Build()
    {
        var migrate = new Command("migrate", "Apply the database migrations of the configured provider (SQLite or PostgreSQL).");
        migrate.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            await DataSetup.MigrateAsync(app.Services, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var applied = await scope.ServiceProvider.GetRequiredService<VigieDb>().Database.GetAppliedMigrationsAsync(ct);
            Console.WriteLine($"{options.Provider}: database up to date ({applied.Count()} migrations applied).");
            return 0;
        });
        return new Command("db", "Database maintenance.") { migrate };
    }

    /// <summary>
    /// SQLite is migrated at every start (it is embedded; nobody else will). PostgreSQL only when
    /// Vigie:Database:MigrateOnStart is true: in production, schema changes are an operator's step.
    /// </summary>
    public static async Task MigrateOnStartAsync(WebApplication app, CancellationToken ct)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.Provider == DatabaseProvider.Sqlite || app.Configuration.GetValue<bool>("Vigie:Database:MigrateOnStart"))
        {
            await DataSetup.MigrateAsync(app.Services, ct);
        }
    }
}
