using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using Vigie.Core.Csaf;
using Vigie.Data;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>One feed Vigie pulls on a schedule (<c>Vigie:Vulnerabilities:Feeds</c>, docs/vulnerability-watch.md).</summary>
public sealed class PulledFeed
{
    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary><c>auto</c>, <c>cve5</c>, <c>nvd</c>, <c>kev</c>, <c>epss</c>, <c>csaf</c> (one file) or <c>csaf-provider</c> (a provider's metadata and feeds).</summary>
    public string Format { get; set; } = "auto";

    /// <summary>A Quartz cron expression (seconds first), in UTC: "0 15 */6 * * ?" is every six hours at a quarter past.</summary>
    public string Schedule { get; set; } = "0 15 3 * * ?";

    public bool Enabled { get; set; } = true;

    /// <summary>For a CSAF provider: the OpenPGP fingerprint its metadata must list (pinned out of band).</summary>
    public string? Fingerprint { get; set; }

    public bool AllowUnsigned { get; set; }

    public bool IsCsafProvider => string.Equals(Format, "csaf-provider", StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL its <see cref="FeedState"/> is kept under: the provider's metadata for a CSAF provider, else the feed's.</summary>
    public string StateUrl => IsCsafProvider ? CsafFetch.MetadataUrl(Url).AbsoluteUri : Url;
}

public sealed class FeedPullOptions
{
    public const string Section = "Vigie:Vulnerabilities";

    public List<PulledFeed> Feeds { get; set; } = [];

    /// <summary>Largest download accepted (the cvelistV5 release zip is about 500 MiB).</summary>
    public int MaxDownloadMegabytes { get; set; } = 2048;
}

/// <summary>Names every faulty feed setting at start-up.</summary>
internal sealed class FeedPullOptionsValidator : IValidateOptions<FeedPullOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedPullOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Feeds.Count; i++)
        {
            var f = options.Feeds[i];
            var at = $"{FeedPullOptions.Section}:Feeds:{i}";
            if (string.IsNullOrWhiteSpace(f.Name) || f.Name.Length > 64 || !f.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                failures.Add($"{at}:Name must be 1–64 letters, digits, '-', '_' or '.'.");
            }
            if (options.Feeds.Take(i).Any(o => string.Equals(o.Name, f.Name, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{at}:Name '{f.Name}' is used twice.");
            }
            if (!Uri.TryCreate(f.Url, UriKind.Absolute, out var url) || FeedDownload.Refusal(url) is not null)
            {
                failures.Add($"{at}:Url must be an absolute https:// URL (http:// only to this machine).");
            }
            if (!f.IsCsafProvider && !Enum.TryParse<FeedFormat>(f.Format, ignoreCase: true, out _))
            {
                failures.Add($"{at}:Format must be auto, cve5, nvd, kev, epss, csaf or csaf-provider.");
            }
            if (!CronExpression.TryParse(f.Schedule, out _))
            {
                failures.Add($"{at}:Schedule '{f.Schedule}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week).");
            }
        }
        if (options.MaxDownloadMegabytes is < 1 or > 65536)
        {
            failures.Add($"{FeedPullOptions.Section}:MaxDownloadMegabytes must be between 1 and 65536.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>What one pull did.</summary>
public sealed record PullOutcome(string Feed, bool NotModified, ImportResult? Import, CsafFetchResult? Csaf, RematchResult? Rematch, string? Error)
{
    /// <summary>The ETag and Last-Modified of the body imported, sent back on the next pull.</summary>
    public (string? ETag, string? LastModified)? Validators { get; init; }

    /// <summary>One line for the operator (also kept as the feed's last outcome).</summary>
    public string Summary => Error is not null ? Error
        : NotModified ? "not modified"
        : (Csaf is { } c
            ? FormattableString.Invariant($"{c.Entries} entries: {c.Verified} verified, {c.Unchanged} unchanged, {c.Rejected.Count} refused; {c.Import.New} new and {c.Import.Updated} updated facts")
            : FormattableString.Invariant($"{Import!.Read} read: {Import.New} new, {Import.Updated} updated, {Import.Unchanged} unchanged, {Import.Rejected.Count} rejected"))
          + (Rematch is { } r ? FormattableString.Invariant($"; {r.New} new matches, {r.Alerts} alerts") : "");
}

/// <summary>
/// Pulls a configured feed: a conditional GET (If-None-Match / If-Modified-Since from the last pull, so an unchanged
/// feed costs one 304), the body streamed to a temporary file under the size cap, imported like <c>vigie vulns import</c>,
/// then the changed CVEs rematched; a CSAF provider goes through <see cref="CsafFetch"/>. The outcome is kept in
/// <see cref="FeedState"/> and logged; a failing pull leaves the store as it was.
/// </summary>
public sealed class FeedPull(IHttpClientFactory clients, IOptions<FeedPullOptions> options, VulnerabilityImport import, CsafFetch csaf, WatchService watch,
    VigieDb db, TimeProvider time, ILogger<FeedPull> log)
{
    public IReadOnlyList<PulledFeed> Feeds => options.Value.Feeds;

    /// <summary>The last state of each configured feed, by feed name.</summary>
    public static async Task<Dictionary<string, FeedState>> LastStatesAsync(VigieDb db, IReadOnlyList<PulledFeed> feeds, CancellationToken ct)
    {
        var urls = feeds.ToDictionary(f => f.StateUrl, f => f.Name);
        var keys = urls.Keys.ToList();
        return (await db.Set<FeedState>().AsNoTracking().Where(s => keys.Contains(s.Url)).ToListAsync(ct)).ToDictionary(s => urls[s.Url]);
    }

    public async Task<PullOutcome> PullAsync(PulledFeed feed, CancellationToken ct)
    {
        var url = feed.StateUrl;
        var state = await FeedStates.FindAsync(db, url, ct);
        PullOutcome outcome;
        try
        {
            outcome = feed.IsCsafProvider ? await PullProviderAsync(feed, ct) : await PullFileAsync(feed, state, ct);
        }
        catch (CsafFeedException e)
        {
            outcome = new PullOutcome(feed.Name, false, null, null, null, e.Message);
        }
        var changed = outcome.Import?.Changed ?? outcome.Csaf?.Import.Changed;
        if (changed is { Count: > 0 })
        {
            outcome = outcome with { Rematch = await watch.RematchAsync(changed, ct) };
        }
        await FeedStates.RecordAsync(db, url, time.GetUtcNow(), s =>
        {
            s.Failed = outcome.Error is not null;
            s.Outcome = outcome.Summary;
            if (outcome.Validators is { } v)
            {
                (s.ETag, s.LastModified) = v;
            }
        }, ct);
        if (outcome.Error is not null)
        {
            log.LogWarning("Feed {Feed} ({Url}) failed: {Error}", feed.Name, url, outcome.Error);
        }
        else
        {
            log.LogInformation("Feed {Feed} pulled: {Summary}", feed.Name, outcome.Summary);
        }
        return outcome;
    }

    private async Task<PullOutcome> PullProviderAsync(PulledFeed feed, CancellationToken ct)
    {
        var result = await csaf.FetchAsync(CsafFetch.MetadataUrl(feed.Url), new CsafFetchOptions(Fingerprint: feed.Fingerprint, AllowUnsigned: feed.AllowUnsigned), null, ct);
        return new PullOutcome(feed.Name, false, null, result, null, null);
    }

    private async Task<PullOutcome> PullFileAsync(PulledFeed feed, FeedState? state, CancellationToken ct)
    {
        var url = new Uri(feed.Url);
        var directory = Directory.CreateTempSubdirectory("vigie-feed-");
        try
        {
            // The importer recognises .zip and .gz by name: keep the URL's last segment, reduced to harmless characters.
            var name = new string([.. Uri.UnescapeDataString(url.Segments[^1]).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).Trim('.');
            var path = Path.Combine(directory.FullName, name.Length == 0 ? "feed" : name);
            Downloaded got;
            await using (var file = File.Create(path))
            {
                got = await FeedDownload.CopyAsync(clients.CreateClient(FeedDownload.Client), url, file, (long)options.Value.MaxDownloadMegabytes << 20,
                    state is { Failed: false } ? state.ETag : null, state is { Failed: false } ? state.LastModified : null, ct);
            }
            if (got.NotModified)
            {
                return new PullOutcome(feed.Name, true, null, null, null, null);
            }
            if (got.Error is not null)
            {
                return new PullOutcome(feed.Name, false, null, null, null, got.Error);
            }
            var result = await import.ImportAsync(path, Enum.Parse<FeedFormat>(feed.Format, ignoreCase: true), null, ct);
            return new PullOutcome(feed.Name, false, result, null, null, null) { Validators = (got.ETag, got.LastModified) };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>Runs one configured feed's pull (Quartz, one job per feed, never two at once for the same feed).</summary>
[DisallowConcurrentExecution]
public sealed class FeedPullJob(IServiceScopeFactory scopes, ILogger<FeedPullJob> log) : IJob
{
    public const string FeedKey = "feed";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.MergedJobDataMap.GetString(FeedKey);
        await using var scope = scopes.CreateAsyncScope();
        var pull = scope.ServiceProvider.GetRequiredService<FeedPull>();
        if (pull.Feeds.FirstOrDefault(f => f.Name == name) is not { Enabled: true } feed)
        {
            return;
        }
        try
        {
            await pull.PullAsync(feed, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Scheduled pull of feed {Feed} failed", name);
        }
    }
}

/// <summary>
/// <c>/health</c> says "Degraded" while an enabled feed's last pull failed, so that monitoring notices a watch gone
/// blind (the feeds' names and errors are on <c>/vulnerabilities</c>, not on this anonymous endpoint).
/// </summary>
internal sealed class FeedHealthCheck(VigieDb db, Microsoft.Extensions.Options.IOptions<FeedPullOptions> options) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var enabled = options.Value.Feeds.Where(f => f.Enabled).ToList();
        var states = await FeedPull.LastStatesAsync(db, enabled, cancellationToken);
        var failing = states.Values.Count(s => s.Failed);
        return failing == 0
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy($"{enabled.Count} feed(s) scheduled, none failing.")
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Degraded($"{failing} of {enabled.Count} feed(s) failed their last pull.");
    }
}
