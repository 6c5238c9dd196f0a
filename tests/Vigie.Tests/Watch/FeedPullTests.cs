using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Vulnerabilities;
using Vigie.Features.Watch;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Watch;

/// <summary>
/// A host whose configuration names three feeds on a local HTTP server (standing in for CISA, the CVE program and
/// FIRST, out of reach here): "kev" and "cves" pulled by the tests, "scheduled" left to Quartz every two seconds.
/// </summary>
public abstract class FeedPullApp : VigieApp
{
    public StaticWebServer Feeds { get; } = new();

    public const string KevPath = "/kev/known_exploited_vulnerabilities.json";
    public const string ZipPath = "/cve/cvelistV5-delta.zip";
    public const string ScheduledPath = "/scheduled/known_exploited_vulnerabilities.json";

    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var settings = new Dictionary<string, string>();
        var feeds = new[]
        {
            ("kev", KevPath, "kev", "0 0 0 1 1 ? 2099"),
            ("cves", ZipPath, "auto", "0 0 0 1 1 ? 2099"),
            ("scheduled", ScheduledPath, "auto", "0/2 * * * * ?"),
        };
        for (var i = 0; i < feeds.Length; i++)
        {
            var (name, path, format, schedule) = feeds[i];
            settings[$"Vigie:Vulnerabilities:Feeds:{i}:Name"] = name;
            settings[$"Vigie:Vulnerabilities:Feeds:{i}:Url"] = Feeds.Url(path).AbsoluteUri;
            settings[$"Vigie:Vulnerabilities:Feeds:{i}:Format"] = format;
            settings[$"Vigie:Vulnerabilities:Feeds:{i}:Schedule"] = schedule;
        }
        return settings;
    }

    public override async ValueTask InitializeAsync()
    {
        await Feeds.StartAsync();
        Feeds.Files[ScheduledPath] = await File.ReadAllBytesAsync(FeedPullTests.Kev, TestContext.Current.CancellationToken);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Feeds.DisposeAsync();
    }
}

public sealed class FeedPullSqliteApp : FeedPullApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class FeedPullPostgresApp : FeedPullApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>Scheduled pulls: conditional requests, the import and rematch, failures kept as the feed's state, the schedule itself.</summary>
public abstract class FeedPullTests(FeedPullApp app)
{
    public static string Kev => Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "kev", "known_exploited_vulnerabilities.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<PullOutcome> PullAsync(string name)
    {
        await using var scope = app.Scope();
        var pull = scope.ServiceProvider.GetRequiredService<FeedPull>();
        return await pull.PullAsync(pull.Feeds.Single(f => f.Name == name), Ct);
    }

    private async Task<FeedState?> StateAsync(string path)
    {
        await using var scope = app.Scope();
        var url = app.Feeds.Url(path).AbsoluteUri;
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<FeedState>().AsNoTracking().FirstOrDefaultAsync(s => s.Url == url, Ct);
    }

    private async Task<int> KevCountAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<KevListing>().CountAsync(Ct);
    }

    [Fact]
    public async Task A_feed_is_imported_then_costs_one_304_until_it_changes_and_a_failure_changes_nothing()
    {
        app.SkipIfUnavailable();
        // A catalog version of its own, so that what other tests pulled before does not answer 304 here.
        var original = await File.ReadAllTextAsync(Kev, Ct);
        byte[] Version(string v) => Encoding.UTF8.GetBytes(original.Replace("\"2025.08.25\"", $"\"{v}\"", StringComparison.Ordinal));
        var kev = Version($"test-{Guid.NewGuid():N}");
        app.Feeds.Files[FeedPullApp.KevPath] = kev;

        var first = await PullAsync("kev");
        Assert.Null(first.Error);
        Assert.Equal(1404, first.Import!.Read);
        Assert.Empty(first.Import.Rejected);
        Assert.True(await KevCountAsync() >= 1404);
        var state = (await StateAsync(FeedPullApp.KevPath))!;
        Assert.False(state.Failed);
        Assert.NotNull(state.ETag);
        Assert.StartsWith("1404 read:", state.Outcome);

        var second = await PullAsync("kev");
        Assert.True(second.NotModified);
        Assert.True(app.Feeds.NotModified.GetValueOrDefault(FeedPullApp.KevPath) >= 1);
        Assert.Equal("not modified", (await StateAsync(FeedPullApp.KevPath))!.Outcome);

        // A new catalog version: a new ETag, the body is read again; the listings are unchanged.
        app.Feeds.Files[FeedPullApp.KevPath] = Version("2025.08.26");
        var third = await PullAsync("kev");
        Assert.False(third.NotModified);
        Assert.Equal(1404, third.Import!.Read);
        Assert.Equal(0, third.Import.New);

        // The publisher fails: the failure is the feed's state, the store is as it was.
        var listings = await KevCountAsync();
        app.Feeds.Files.TryRemove(FeedPullApp.KevPath, out _);
        var failed = await PullAsync("kev");
        Assert.StartsWith("HTTP 404", failed.Error);
        state = (await StateAsync(FeedPullApp.KevPath))!;
        Assert.True(state.Failed);
        Assert.StartsWith("HTTP 404", state.Outcome);
        Assert.Equal(listings, await KevCountAsync());
        var health = System.Text.Json.JsonDocument.Parse(await app.Client(null).GetStringAsync("/health", Ct)).RootElement;
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("feeds").GetProperty("status").GetString());
        Assert.DoesNotContain("kev", health.GetProperty("checks").GetProperty("feeds").GetProperty("description").GetString());

        // Truncated JSON: refused with the reason, nothing stored from it.
        app.Feeds.Files[FeedPullApp.KevPath] = kev[..(kev.Length / 2)];
        var truncated = await PullAsync("kev");
        Assert.Contains("not valid JSON", Assert.Single(truncated.Import!.Rejected).Reason);
        Assert.Equal(listings, await KevCountAsync());
        health = System.Text.Json.JsonDocument.Parse(await app.Client(null).GetStringAsync("/health", Ct)).RootElement;
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("feeds").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_zipped_delta_is_imported_entry_by_entry_and_rematched()
    {
        app.SkipIfUnavailable();
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in new[] { "CVE-2021-44228", "CVE-2024-21762", "CVE-2024-6387" })
            {
                var entry = archive.CreateEntry($"deltaCves/{id}.json");
                await using var s = await entry.OpenAsync(Ct);
                await s.WriteAsync(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", id + ".json"), Ct), Ct);
            }
            var evil = archive.CreateEntry("../../etc/cron.d/evil.json");
            await using (var s = await evil.OpenAsync(Ct))
            {
                await s.WriteAsync("{}"u8.ToArray(), Ct);
            }
        }
        app.Feeds.Files[FeedPullApp.ZipPath] = zip.ToArray();

        var outcome = await PullAsync("cves");
        Assert.Null(outcome.Error);
        Assert.Equal(3, outcome.Import!.Read);
        Assert.True(outcome.Import.New + outcome.Import.Updated + outcome.Import.Unchanged >= 3); // facts: one per source (CNA, ADP) and record
        var rejected = Assert.Single(outcome.Import.Rejected);
        Assert.Contains("../../etc/cron.d/evil.json", rejected.Where);
        Assert.Contains("leaves the archive", rejected.Reason);
        Assert.False(File.Exists("/etc/cron.d/evil.json"));
        if (outcome.Import.New > 0)
        {
            Assert.NotNull(outcome.Rematch);
        }
        await using var scope = app.Scope();
        var ids = await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<Vulnerability>().Select(v => v.Id).ToListAsync(Ct);
        Assert.Contains("CVE-2024-21762", ids);
    }

    [Fact]
    public async Task The_schedule_pulls_on_its_own()
    {
        app.SkipIfUnavailable();
        FeedState? state = null;
        // Quartz runs on the host's TimeProvider, the test's clock: it is moved on as the wall clock would.
        for (var i = 0; i < 60 && state?.Outcome is null; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(500, Ct);
            state = await StateAsync(FeedPullApp.ScheduledPath);
        }
        Assert.NotNull(state);
        Assert.False(state.Failed, state.Outcome);
        Assert.True(app.Feeds.RequestsFor(FeedPullApp.ScheduledPath) >= 1);
        // Later runs are conditional: the body is not sent again.
        for (var i = 0; i < 60 && app.Feeds.NotModified.GetValueOrDefault(FeedPullApp.ScheduledPath) == 0; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(500, Ct);
        }
        Assert.True(app.Feeds.NotModified.GetValueOrDefault(FeedPullApp.ScheduledPath) >= 1);
    }

    [Fact]
    public async Task The_cli_lists_and_pulls_feeds_and_names_a_wrong_setting()
    {
        app.SkipIfUnavailable();
        app.Feeds.Files[FeedPullApp.KevPath] = await File.ReadAllBytesAsync(Kev, Ct);
        var (code, output, error) = await CliTests.Run(app.Settings(), null, "vulns", "pull", "kev");
        Assert.True(code == 0, error);
        Assert.Matches(@"^kev\t(pulled|not-modified)\t", output);

        (code, output, _) = await CliTests.Run(app.Settings(), null, "vulns", "feeds");
        Assert.Equal(0, code);
        Assert.Contains($"kev\tkev\t0 0 0 1 1 ? 2099\t", output);
        Assert.Contains($"\t{app.Feeds.Url(FeedPullApp.KevPath).AbsoluteUri}", output);
        Assert.Contains("scheduled\tauto\t0/2 * * * * ?\t", output);

        // The analysts see the same on the vulnerabilities page.
        var page = System.Net.WebUtility.HtmlDecode(await app.Client("analyst").GetStringAsync("/vulnerabilities", Ct));
        Assert.Contains("Flux récupérés selon un calendrier (3)", page); // the default language is French
        Assert.Contains(app.Feeds.Url(FeedPullApp.KevPath).AbsoluteUri, page);
        Assert.Contains("0/2 * * * * ?", page);
        Assert.Matches("1404 read|not modified", page);

        (code, _, error) = await CliTests.Run(app.Settings(), null, "vulns", "pull", "nosuch");
        Assert.Equal(2, code);
        Assert.Contains("nosuch", error);
        Assert.Contains("kev, cves, scheduled", error);

        var wrong = app.Settings().ToDictionary();
        wrong["Vigie:Vulnerabilities:Feeds:0:Url"] = "http://feeds.vendor.example/kev.json";
        wrong["Vigie:Vulnerabilities:Feeds:1:Schedule"] = "every day";
        (code, _, error) = await CliTests.Run(wrong, null, "vulns", "feeds");
        Assert.NotEqual(0, code);
        Assert.Contains("Vigie:Vulnerabilities:Feeds:0:Url", error);
        Assert.Contains("Vigie:Vulnerabilities:Feeds:1:Schedule", error);
    }
}

public sealed class FeedPullSqliteTests(FeedPullSqliteApp app) : FeedPullTests(app), IClassFixture<FeedPullSqliteApp>;

public sealed class FeedPullPostgresTests(FeedPullPostgresApp app) : FeedPullTests(app), IClassFixture<FeedPullPostgresApp>;
