using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Advisories;
using Vigie.Core.Csaf;
using Vigie.Data;
using Vigie.Features.Advisories;
using Vigie.Features.Pgp;
using Vigie.Features.Vulnerabilities;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Pgp;
using Vigie.Tests.PublicSite;

namespace Vigie.Tests.Watch;

/// <summary>
/// Fetching a vendor's CSAF advisories from a provider. The provider is real: Vigie's own CSAF provider (metadata,
/// ROLIE feed, documents, .sha512, .asc by the team key) publishes two TLP:CLEAR bulletins, and its files are mirrored
/// onto a local HTTP server (the internet is out of reach) where the tests then play a tampered or careless provider:
/// changed bytes, a stale hash, a signature by another key, a document under the wrong name, invalid CSAF, a key that
/// is not the pinned one. Each bad document is refused with its reason while the good ones still come in.
/// </summary>
public abstract class CsafFetchTests(Rfc2350App app) : IAsyncLifetime
{
    private const string PublicUrl = "https://csirt.example.test";
    private readonly StaticWebServer _provider = new();
    private readonly GpgHome _gpg = new();
    private readonly List<string> _documents = [];
    private readonly List<string> _trackingIds = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri Metadata => _provider.Url("/.well-known/csaf/provider-metadata.json");

    public async ValueTask InitializeAsync()
    {
        if (app.Unavailable)
        {
            return;
        }
        await _provider.StartAsync();
        await PublishAndMirrorAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _gpg.Dispose();
    }

    /// <summary>Publishes two bulletins (once per host) and copies Vigie's provider files onto the local server, URLs rewritten.</summary>
    private async Task PublishAndMirrorAsync()
    {
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            if (!await db.Set<Advisory>().AnyAsync(a => a.PublishedAt != null && a.Tlp == "CLEAR", Ct))
            {
                var dir = Directory.CreateTempSubdirectory("vigie-cves-");
                foreach (var id in new[] { "CVE-2021-44228", "CVE-2024-6387" })
                {
                    File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", id + ".json"), Path.Combine(dir.FullName, id + ".json"));
                }
                await scope.ServiceProvider.GetRequiredService<VulnerabilityImport>().ImportAsync(dir.FullName, FeedFormat.Auto, null, Ct);
                dir.Delete(recursive: true);
                var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
                foreach (var cve in new[] { "CVE-2021-44228", "CVE-2024-6387" })
                {
                    var advisory = (await service.DraftFromCveAsync(cve, new Vigie.Features.Audit.AuditActor(null, "analyst@csirt.test", null), "test", Ct)).Value!;
                    var d = advisory.Document;
                    advisory.Set(d with
                    {
                        Fr = new AdvisoryText("Vulnérabilité : " + d.En.Title, "Une vulnérabilité permet d'exécuter du code à distance.", "Appliquer la mise à jour.", "Filtrer l'accès."),
                        En = d.En with { Recommendations = "Apply the update.", Workarounds = "Filter access." },
                    }, app.Time.GetUtcNow());
                    await db.SaveChangesAsync(Ct);
                    Assert.True((await service.PublishAsync(advisory, "Initial publication", new Vigie.Features.Audit.AuditActor(null, "analyst@csirt.test", null), "test", Ct)).IsSuccess);
                }
            }
        }
        var vigie = app.Factory.CreateClient();
        string Local(string text) => text.Replace(PublicUrl, _provider.BaseAddress.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal);
        async Task Mirror(string path, bool rewrite = false)
        {
            var bytes = await vigie.GetByteArrayAsync(path, Ct);
            _provider.Files[path] = rewrite ? Encoding.UTF8.GetBytes(Local(Encoding.UTF8.GetString(bytes))) : bytes;
        }
        await Mirror("/.well-known/csaf/provider-metadata.json", rewrite: true);
        await Mirror("/.well-known/csaf/white/csaf-feed-tlp-white.json", rewrite: true);
        await Mirror("/team-key.asc");
        var feed = JsonNode.Parse(_provider.Files["/.well-known/csaf/white/csaf-feed-tlp-white.json"])!;
        foreach (var entry in feed["feed"]!["entry"]!.AsArray())
        {
            var path = new Uri(entry!["content"]!["src"]!.GetValue<string>()).AbsolutePath;
            _documents.Add(path);
            _trackingIds.Add(entry["id"]!.GetValue<string>());
            foreach (var suffix in new[] { "", ".sha512", ".asc" })
            {
                await Mirror(path + suffix);
            }
        }
        Assert.True(_documents.Count >= 2);
    }

    private async Task<CsafFetchResult> FetchAsync(CsafFetchOptions? options = null)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<CsafFetch>().FetchAsync(Metadata, options ?? new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint), null, Ct);
    }

    private async Task<List<string>> CsafSourcesAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<VulnerabilityFact>()
            .Where(f => f.Source.StartsWith("csaf:csirt.example.test/")).Select(f => f.Source + " " + f.CveId).ToListAsync(Ct);
    }

    private async Task ForgetAsync()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        await db.Set<FeedState>().Where(s => s.Url.StartsWith(_provider.BaseAddress.AbsoluteUri)).ExecuteDeleteAsync(Ct);
        await db.Set<VulnerabilityFact>().Where(f => f.Source.StartsWith("csaf:csirt.example.test/")).ExecuteDeleteAsync(Ct);
    }

    private async Task<string> SignAsync(byte[] content, string? gpgUser = null)
    {
        if (gpgUser is null)
        {
            await using var scope = app.Scope();
            return scope.ServiceProvider.GetRequiredService<TeamSigner>().DetachedSign(content)!;
        }
        var input = _gpg.NewPath("json");
        var output = input + ".asc";
        await File.WriteAllBytesAsync(input, content, Ct);
        var (code, _, error) = await _gpg.RunAsync(["--local-user", gpgUser, "--armor", "--detach-sign", "--output", output, input], Ct);
        Assert.True(code == 0, error);
        return await File.ReadAllTextAsync(output, Ct);
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> with a right hash and a team signature.</summary>
    private async Task ServeSignedAsync(string path, byte[] content)
    {
        _provider.Files[path] = content;
        _provider.Files[path + ".sha512"] = Encoding.UTF8.GetBytes($"{Convert.ToHexStringLower(SHA512.HashData(content))}  {path.Split('/')[^1]}\n");
        _provider.Files[path + ".asc"] = Encoding.UTF8.GetBytes(await SignAsync(content));
    }

    [Fact]
    public async Task A_trusted_provider_is_fetched_checked_and_imported_once()
    {
        app.SkipIfUnavailable();
        await ForgetAsync();

        var dry = await FetchAsync(new CsafFetchOptions(DryRun: true, Fingerprint: TestKeys.TeamFingerprint));
        Assert.Equal((_documents.Count, _documents.Count, 0), (dry.Entries, dry.Verified, dry.Rejected.Count));
        Assert.Empty(await CsafSourcesAsync());

        var first = await FetchAsync();
        Assert.Empty(first.Rejected);
        Assert.Equal((_documents.Count, _documents.Count, 0), (first.Entries, first.Verified, first.Unchanged));
        var sources = await CsafSourcesAsync();
        foreach (var (id, cve) in _trackingIds.Zip(new[] { "CVE-2021-44228", "CVE-2024-6387" }.Order()))
        {
            Assert.Contains(sources, s => s.StartsWith($"csaf:csirt.example.test/{id} CVE-", StringComparison.Ordinal));
        }
        Assert.Contains(sources, s => s.EndsWith(" CVE-2021-44228", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.EndsWith(" CVE-2024-6387", StringComparison.Ordinal));

        // The entries' dates did not change: nothing is downloaded again.
        var before = _documents.Sum(_provider.RequestsFor);
        var second = await FetchAsync();
        Assert.Equal((_documents.Count, 0, _documents.Count), (second.Entries, second.Verified, second.Unchanged));
        Assert.Equal(before, _documents.Sum(_provider.RequestsFor));
    }

    [Fact]
    public async Task Each_tampered_document_is_refused_with_its_reason_and_the_others_still_come_in()
    {
        app.SkipIfUnavailable();
        await ForgetAsync();
        var original = _documents.ToDictionary(p => p, p => (_provider.Files[p], _provider.Files[p + ".sha512"], _provider.Files[p + ".asc"]));
        try
        {
            var (target, other) = (_documents[0], _documents[1]);
            var changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_provider.Files[target]).Replace("\"title\":", "\"title\" :", StringComparison.Ordinal));
            Assert.NotEqual(_provider.Files[target], changed);

            // 1. Bytes changed after hashing.
            _provider.Files[target] = changed;
            var result = await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true));
            var refused = Assert.Single(result.Rejected);
            Assert.Equal(_provider.Url(target).AbsoluteUri, refused.Where);
            Assert.StartsWith("SHA-512 mismatch", refused.Reason);
            Assert.Equal(1, result.Verified);
            Assert.Contains(await CsafSourcesAsync(), s => s.StartsWith($"csaf:csirt.example.test/{_trackingIds[1]} ", StringComparison.Ordinal));
            Assert.DoesNotContain(await CsafSourcesAsync(), s => s.StartsWith($"csaf:csirt.example.test/{_trackingIds[0]} ", StringComparison.Ordinal));

            // 2. The hash follows the change, the signature cannot.
            _provider.Files[target + ".sha512"] = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA512.HashData(changed)) + "  x.json\n");
            Assert.Contains("does not match the document", Assert.Single((await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true))).Rejected).Reason);

            // 3. Signed, but by someone else's key.
            _provider.Files[target + ".asc"] = Encoding.UTF8.GetBytes(await SignAsync(changed, "mallory@elsewhere.test"));
            Assert.Contains($"signed by key {TestKeys.MalloryFingerprint[^16..]}, not by the provider's key",
                Assert.Single((await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true))).Rejected).Reason);

            // 4. No signature at all.
            _provider.Files.TryRemove(target + ".asc", out _);
            Assert.StartsWith("no signature", Assert.Single((await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true))).Rejected).Reason);

            // 5. Properly hashed and signed, but served under a name its tracking id does not give (§5.1).
            var feedPath = "/.well-known/csaf/white/csaf-feed-tlp-white.json";
            var feed = _provider.Files[feedPath];
            var renamed = target.Replace(".json", "-copy.json", StringComparison.Ordinal);
            await ServeSignedAsync(renamed, original[target].Item1);
            _provider.Files[feedPath] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(feed).Replace(target, renamed, StringComparison.Ordinal));
            Assert.Contains("(CSAF §5.1)", Assert.Single((await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true))).Rejected).Reason);
            _provider.Files[feedPath] = feed;

            // 6. Properly hashed and signed, but not valid CSAF: refused with the validator's finding, never half-read.
            var invalid = JsonNode.Parse(original[target].Item1)!;
            invalid["document"]!.AsObject().Remove("title");
            await ServeSignedAsync(target, Encoding.UTF8.GetBytes(invalid.ToJsonString()));
            var reason = Assert.Single((await FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.TeamFingerprint, Force: true))).Rejected).Reason;
            Assert.StartsWith("invalid CSAF: schema", reason);
            Assert.Contains("title", reason);
            Assert.DoesNotContain(await CsafSourcesAsync(), s => s.StartsWith($"csaf:csirt.example.test/{_trackingIds[0]} ", StringComparison.Ordinal));

            // Put right, the document comes in; its state no longer says "failed".
            (_provider.Files[target], _provider.Files[target + ".sha512"], _provider.Files[target + ".asc"]) = original[target];
            var repaired = await FetchAsync();
            Assert.Empty(repaired.Rejected);
            Assert.Equal(1, repaired.Verified);
            Assert.Contains(await CsafSourcesAsync(), s => s.StartsWith($"csaf:csirt.example.test/{_trackingIds[0]} ", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var (path, (doc, sha, asc)) in original)
            {
                (_provider.Files[path], _provider.Files[path + ".sha512"], _provider.Files[path + ".asc"]) = (doc, sha, asc);
            }
        }
    }

    [Fact]
    public async Task A_provider_that_cannot_be_trusted_is_not_fetched_at_all()
    {
        app.SkipIfUnavailable();
        var requests = _documents.Sum(_provider.RequestsFor);

        // The operator pinned another key than the one the provider lists.
        var e = await Assert.ThrowsAsync<CsafFeedException>(() => FetchAsync(new CsafFetchOptions(Fingerprint: TestKeys.MalloryFingerprint)));
        Assert.Contains($"does not list the key {TestKeys.MalloryFingerprint}", e.Message);

        var metadata = _provider.Files["/.well-known/csaf/provider-metadata.json"];
        var key = _provider.Files["/team-key.asc"];
        try
        {
            // The key file holds another key than the fingerprint listed.
            _provider.Files["/team-key.asc"] = await File.ReadAllBytesAsync(TestKeys.File("mallory.pub.asc"), Ct);
            e = await Assert.ThrowsAsync<CsafFeedException>(() => FetchAsync());
            Assert.Contains($"not the key {TestKeys.TeamFingerprint}", e.Message);
            _provider.Files["/team-key.asc"] = key;

            // Metadata off the provider schema.
            var broken = JsonNode.Parse(metadata)!;
            broken["role"] = "csaf_best_provider";
            _provider.Files["/.well-known/csaf/provider-metadata.json"] = Encoding.UTF8.GetBytes(broken.ToJsonString());
            e = await Assert.ThrowsAsync<CsafFeedException>(() => FetchAsync());
            Assert.Contains("/role", e.Message);

            // Truncated metadata.
            _provider.Files["/.well-known/csaf/provider-metadata.json"] = metadata[..(metadata.Length / 2)];
            e = await Assert.ThrowsAsync<CsafFeedException>(() => FetchAsync());
            Assert.Contains("not valid JSON", e.Message);
        }
        finally
        {
            _provider.Files["/.well-known/csaf/provider-metadata.json"] = metadata;
            _provider.Files["/team-key.asc"] = key;
        }
        Assert.Equal(requests, _documents.Sum(_provider.RequestsFor));

        // Plain HTTP to anything but this machine is refused before any request.
        e = await Assert.ThrowsAsync<CsafFeedException>(() => FetchAtAsync(new Uri("http://csaf.vendor.example/.well-known/csaf/provider-metadata.json")));
        Assert.Contains("HTTPS only", e.Message);
    }

    private async Task<CsafFetchResult> FetchAtAsync(Uri url)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<CsafFetch>().FetchAsync(url, new CsafFetchOptions(), null, Ct);
    }

    [Fact]
    public async Task The_cli_fetches_a_provider_and_validates_files()
    {
        app.SkipIfUnavailable();
        await ForgetAsync();
        var (code, output, error) = await CliTests.Run(app.Settings(), null, "csaf", "fetch", Metadata.AbsoluteUri, "--fingerprint", TestKeys.TeamFingerprint, "--dry-run");
        Assert.True(code == 0, error);
        Assert.Contains($"entries={_documents.Count} verified={_documents.Count} unchanged=0 refused=0 new=0", output);
        Assert.Empty(await CsafSourcesAsync());

        (code, _, error) = await CliTests.Run(app.Settings(), null, "csaf", "fetch", Metadata.AbsoluteUri, "--fingerprint", TestKeys.MalloryFingerprint);
        Assert.Equal(2, code);
        Assert.Contains("nothing was fetched", error);

        var good = Path.Combine(AppContext.BaseDirectory, "TestData", "csaf", "examples", "csaf", "bsi-2022-0001.json");
        var bad = Path.Combine(app.DataDirectory, "broken.json");
        var node = JsonNode.Parse(await File.ReadAllTextAsync(good, Ct))!;
        node["document"]!["tracking"]!["version"] = "one";
        await File.WriteAllTextAsync(bad, node.ToJsonString(), Ct);
        (code, output, _) = await CliTests.Run(app.Settings(), null, "csaf", "validate", good, bad);
        Assert.Equal(1, code);
        Assert.Contains("bsi-2022-0001.json\tvalid", output);
        Assert.Contains("broken.json\tinvalid", output);
        Assert.Contains("broken.json\tschema\t/document/tracking/version", output);
    }
}

public sealed class CsafFetchSqliteTests(Rfc2350SqliteApp app) : CsafFetchTests(app), IClassFixture<Rfc2350SqliteApp>;

public sealed class CsafFetchPostgresTests(Rfc2350PostgresApp app) : CsafFetchTests(app), IClassFixture<Rfc2350PostgresApp>;
