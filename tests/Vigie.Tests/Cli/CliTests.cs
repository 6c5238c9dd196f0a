using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Cli;

/// <summary>
/// The real binary (vigie.dll, built beside the tests) run as a child process against the same
/// database as a test host, the way an operator runs it.
/// </summary>
public abstract class CliTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    internal static async Task<(int Code, string Out, string Err)> Run(IReadOnlyDictionary<string, string> settings, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigie.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private Task<(int Code, string Out, string Err)> Vigie(params string[] args) => Run(app.Settings(), null, args);

    [Fact]
    public async Task Help_lists_every_command()
    {
        app.SkipIfUnavailable();
        var (code, output, _) = await Vigie("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "serve", "db", "user", "token", "constituent", "--data-dir" })
        {
            Assert.Contains(command, output);
        }
        var (addCode, addHelp, _) = await Vigie("user", "add", "--help");
        Assert.Equal(0, addCode);
        Assert.Contains("--password-stdin", addHelp);
        Assert.Contains("--role", addHelp);
    }

    [Fact]
    public async Task User_add_then_token_create_gives_a_working_token()
    {
        app.SkipIfUnavailable();
        var email = $"Cli.User.{Guid.NewGuid():N}@CSIRT.test";
        var (code, output, error) = await Vigie("user", "add", "--email", email, "--role", "analyst", "--name", "Camille Martin");
        Assert.True(code == 0, error);
        Assert.Matches(@"Password \(shown once\): \S{20}", output);

        var again = await Vigie("user", "add", "--email", email.ToUpperInvariant(), "--role", "analyst");
        Assert.Equal(2, again.Code);
        Assert.Contains("already exists", again.Err);

        var (tokenCode, token, tokenErr) = await Vigie("token", "create", "--user", email, "--scope", "write", "--name", "SIEM");
        Assert.True(tokenCode == 0, tokenErr);
        token = token.Trim();
        Assert.StartsWith("vgt_", token);
        Assert.Contains("scope write", tokenErr);

        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await client.PostJson("/api/v1/incidents", new { title = "Created with a CLI token" }).Expect(HttpStatusCode.Created);
        Assert.Equal(email.ToLowerInvariant(), created.Str("createdBy"));

        var unknown = await Vigie("token", "create", "--user", "nobody@csirt.test");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("No user", unknown.Err);
    }

    [Fact]
    public async Task User_add_reads_a_password_from_stdin_and_refuses_a_short_one()
    {
        app.SkipIfUnavailable();
        var ok = await Run(app.Settings(), "correct horse battery staple", "user", "add", "--email", $"stdin-{Guid.NewGuid():N}@csirt.test", "--role", "auditor", "--password-stdin");
        Assert.True(ok.Code == 0, ok.Err);
        Assert.DoesNotContain("Password", ok.Out);

        var weak = await Run(app.Settings(), "short", "user", "add", "--email", $"weak-{Guid.NewGuid():N}@csirt.test", "--role", "auditor", "--password-stdin");
        Assert.Equal(2, weak.Code);
        Assert.Contains("at least 12 characters", weak.Err);

        var badRole = await Vigie("user", "add", "--email", "x@csirt.test", "--role", "superuser");
        Assert.NotEqual(0, badRole.Code);
    }

    [Fact]
    public async Task Constituent_import_csv_and_json_all_or_nothing()
    {
        app.SkipIfUnavailable();
        var settings = app.Settings();
        var bad = await Run(settings, null, "constituent", "import", TestData("constituents-bad.csv"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("nothing was imported", bad.Err);
        Assert.Contains("line 3: scopes[0].value: '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?", bad.Err);
        Assert.Contains("line 4: kind:", bad.Err);
        Assert.Contains("line 5: name: 'Bon élève' appears twice", bad.Err);
        Assert.Contains("line 6: on_site_support", bad.Err);
        await AssertNotImported("Bon élève");

        var badJson = await Run(settings, null, "constituent", "import", TestData("constituents-bad.json"));
        Assert.Equal(1, badJson.Code);
        Assert.Contains("line 6: scopes[0].value: '2001:db8::1/32' has host bits set", badJson.Err);
        await AssertNotImported("Correct");

        var dry = await Run(settings, null, "constituent", "import", TestData("constituents-good.csv"), "--dry-run");
        Assert.True(dry.Code == 0, dry.Err);
        Assert.Contains("3 constituent(s) checked, none imported", dry.Out);
        await AssertNotImported("Clinique des Lilas");

        var good = await Run(settings, null, "constituent", "import", TestData("constituents-good.csv"));
        Assert.True(good.Code == 0, good.Err);
        Assert.Contains("3 constituent(s) imported with 3 contact(s) and 10 scope entries", good.Out);
        var lilas = await Find("Clinique des Lilas");
        Assert.Equal("client", lilas.Str("kind"));
        Assert.True(lilas["contract"]!["onSiteSupport"]!.GetValue<bool>());
        Assert.Equal(["rssi@lilas.example", "soc@lilas.example"], lilas["contacts"]!.AsArray().Select(c => c.Str("email")).Order());
        Assert.Contains(lilas["scopes"]!.AsArray(), s => s.Str("value") == "2001:db8:100::/48");

        var again = await Run(settings, null, "constituent", "import", TestData("constituents-good.csv"));
        Assert.Equal(1, again.Code);
        Assert.Contains("line 2: name: A constituent named 'Clinique des Lilas' already exists.", again.Err);
        Assert.Contains("192.0.2.0/26 already belongs to 'Clinique des Lilas'", again.Err);

        var json = await Run(settings, null, "constituent", "import", TestData("constituents-good.json"));
        Assert.True(json.Code == 0, json.Err);
        Assert.Equal("AS64510", (await Find("Transporteur Réseau"))["scopes"]![0].Str("value"));

        var missing = await Run(settings, null, "constituent", "import", "/nonexistent/file.csv");
        Assert.Equal(2, missing.Code);
        Assert.Contains("does not exist", missing.Err);
    }

    [Fact]
    public async Task Db_migrate_reports_the_provider()
    {
        app.SkipIfUnavailable();
        var (code, output, error) = await Vigie("db", "migrate");
        Assert.True(code == 0, error);
        Assert.Contains($"{app.Provider}: database up to date", output);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> Find(string name)
    {
        var list = await app.Client("auditor").GetAsync($"/api/v1/constituents?q={Uri.EscapeDataString(name)}", Ct).Expect(HttpStatusCode.OK);
        return Assert.Single(list["items"]!.AsArray())!;
    }

    private async Task AssertNotImported(string name)
    {
        var list = await app.Client("auditor").GetAsync($"/api/v1/constituents?q={Uri.EscapeDataString(name)}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(0, list["total"]!.GetValue<int>());
    }
}

public sealed class CliSqliteTests(SqliteApp app) : CliTests(app), IClassFixture<SqliteApp>;

public sealed class CliPostgresTests(PostgresApp app) : CliTests(app), IClassFixture<PostgresApp>;

/// <summary>Start-up refuses a bad configuration with a message naming the field, not a stack trace.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Serve_with_an_invalid_team_profile_exits_1_naming_the_field()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-startup-").FullName;
        try
        {
            var (code, output, error) = await CliTests.Run(new Dictionary<string, string>
            {
                ["Vigie:DataDirectory"] = dir,
                ["Vigie:Team:IncidentEmail"] = "incident-at-example",
                ["urls"] = "http://127.0.0.1:0",
            }, null, "serve");
            Assert.Equal(1, code);
            Assert.Contains("Vigie:Team:IncidentEmail", error + output);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused_clearly()
    {
        var (code, _, error) = await CliTests.Run(new Dictionary<string, string>
        {
            ["Vigie:Database:Provider"] = "Postgres",
        }, null, "db", "migrate");
        Assert.Equal(1, code);
        Assert.Contains("Vigie:Database:ConnectionString is required", error);
    }
}
