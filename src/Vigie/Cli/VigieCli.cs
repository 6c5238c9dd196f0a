using System.CommandLine;
using Vigie.Data;
using Vigie.Features.Constituents;
using Vigie.Features.Identity;
using Vigie.Features.Intake;
using Vigie.Features.Metrics;
using Vigie.Features.Pgp;

namespace Vigie.Cli;

/// <summary>The command line: one command tree, each command in its feature folder.</summary>
public static class VigieCli
{
    /// <summary>Accepted by every command: where the data lives (overrides Vigie:DataDirectory).</summary>
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Data directory (database, blobs, keys). Default: ./data, or Vigie:DataDirectory.",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("Vigie — operations platform of a CSIRT (RFC 2350). Run 'vigie serve' to start the web host.");
        root.Options.Add(DataDir);
        root.Subcommands.Add(ServeCommand());
        root.Subcommands.Add(DbCommands.Build());
        root.Subcommands.Add(IdentityCommands.UserCommand());
        root.Subcommands.Add(IdentityCommands.TokenCommand());
        root.Subcommands.Add(ConstituentImport.Command());
        root.Subcommands.Add(IntakeCommands.Build());
        root.Subcommands.Add(PgpCommands.Build());
        root.Subcommands.Add(Features.Sla.SlaCommands.Build());
        root.Subcommands.Add(MetricsCommands.Build());
        root.Subcommands.Add(Features.PublicSite.Rfc2350Commands.Build());
        root.Subcommands.Add(Features.Privacy.PrivacyCommands.Build());
        root.Subcommands.Add(SecretCommands.Build());
        root.Subcommands.Add(Features.PublicSite.SecurityTxtCommands.Build());
        root.Subcommands.Add(Features.Audit.AuditCommands.Build());
        root.Subcommands.Add(Features.Retention.RetentionCommands.Build());
        root.Subcommands.Add(Features.Watch.WatchCommands.Vulns());
        root.Subcommands.Add(Features.Watch.WatchCommands.Inventory());
        root.Subcommands.Add(Features.Watch.WatchCommands.Watch());
        root.Subcommands.Add(Features.Advisories.AdvisoryCommands.Build());
        root.Subcommands.Add(Features.Watch.FeedCommands.Csaf());
        return root;
    }

    /// <summary>Configuration set on the command line, applied over every other source.</summary>
    public static Dictionary<string, string?> Overrides(ParseResult parse, string? urls = null)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(DataDir) is { Length: > 0 } dir)
        {
            overrides["Vigie:DataDirectory"] = dir;
        }
        if (urls is not null)
        {
            overrides["urls"] = urls;
        }
        return overrides;
    }

    /// <summary>A host with every service, for commands that do not serve HTTP.</summary>
    public static WebApplication BuildHost(ParseResult parse)
    {
        // A command's output is its answer (a document, CSV, JSON) and may be redirected to a file: logs go to stderr.
        var overrides = Overrides(parse);
        overrides["Logging:Console:LogToStandardErrorThreshold"] = "Trace";
        return VigieHost.CreateBuilder([], overrides).Build();
    }

    private static Command ServeCommand()
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5080 (the default)." };
        var command = new Command("serve", "Run the web host (API, UI, workers). Migrates the embedded database first.") { urls };
        command.SetAction((parse, ct) => ServeAsync([], Overrides(parse, parse.GetValue(urls)), ct));
        return command;
    }

    /// <summary>Runs the web host until it is stopped (SIGTERM, Ctrl+C).</summary>
    public static async Task<int> ServeAsync(string[] hostArgs, IReadOnlyDictionary<string, string?> overrides, CancellationToken ct)
    {
        var app = VigieHost.BuildApp(VigieHost.CreateBuilder(hostArgs, overrides));
        await DbCommands.MigrateOnStartAsync(app, ct);
        if (await Features.Identity.AdminPasswordGuard.FindDefaultAsync(app.Services, ct) is { Count: > 0 } weak)
        {
            weak.ToList().ForEach(email => Console.Error.WriteLine(Features.Identity.AdminPasswordGuard.Message(email)));
            return 2;
        }
        await app.RunAsync();
        return 0;
    }
}
