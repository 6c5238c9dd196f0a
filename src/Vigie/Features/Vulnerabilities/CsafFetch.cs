using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Vigie.Core.Csaf;
using Vigie.Core.Vulnerabilities;
using Vigie.Data;
using Vigie.Features.Pgp;

namespace Vigie.Features.Vulnerabilities;

/// <summary>How to fetch one provider.</summary>
/// <param name="DryRun">Check everything, store nothing.</param>
/// <param name="Fingerprint">The provider's OpenPGP key as the operator knows it (out of band); the metadata must list it.</param>
/// <param name="AllowUnsigned">Accept documents without a signature when the provider lists no key (a plain csaf_provider).</param>
/// <param name="Force">Fetch every document again, even those whose feed entry did not change.</param>
public sealed record CsafFetchOptions(bool DryRun = false, string? Fingerprint = null, bool AllowUnsigned = false, bool Force = false);

/// <summary>What a fetch did: the documents seen, checked, imported, skipped, and each refusal with its reason.</summary>
public sealed class CsafFetchResult
{
    public string? Publisher { get; set; }

    public int Feeds { get; set; }

    public int Entries { get; set; }

    /// <summary>Documents downloaded whose hash, signature and file name were right.</summary>
    public int Verified { get; set; }

    /// <summary>Entries skipped because neither their date nor their content changed since the last fetch.</summary>
    public int Unchanged { get; set; }

    public List<ImportRejection> Rejected { get; } = [];

    public ImportResult Import { get; } = new();
}

/// <summary>
/// Fetches a vendor's CSAF 2.0 advisories the way CSAF 2.0 §7.3 describes for a consumer: <c>provider-metadata.json</c>
/// (given, or found at <c>https://DOMAIN/.well-known/csaf/provider-metadata.json</c>), checked against the provider
/// schema; the provider's OpenPGP keys, each required to have the fingerprint the metadata gives (and the one the
/// operator pinned); then every entry of every ROLIE feed (or, without ROLIE, of each directory's <c>changes.csv</c>).
/// Each document is downloaded and refused, on its own, when its SHA-512 (else SHA-256) differs from the published
/// hash, when its signature is missing or not by the provider's key, when its name is not the one its tracking id
/// gives (§5.1), or when it is not valid CSAF; what passes is imported like any CSAF file. An entry whose date and
/// content did not change since the last fetch is not downloaded again (<see cref="FeedState"/>).
/// </summary>
public sealed class CsafFetch(IHttpClientFactory clients, VulnerabilityImport import, VulnerabilityStore store, VigieDb db, TimeProvider time,
    ILogger<CsafFetch> log)
{
    private const long MaxSmallFile = 1 << 20;
    private const long MaxFeed = 64L << 20;

    /// <summary>The metadata URL for a domain or a URL (a URL ending in .json is taken as is).</summary>
    public static Uri MetadataUrl(string target)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "https" or "http")
        {
            return url.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? url : new Uri(url, "/.well-known/csaf/provider-metadata.json");
        }
        return new Uri($"https://{target.Trim().TrimEnd('/')}/.well-known/csaf/provider-metadata.json");
    }

    /// <summary>Fetches the provider; a provider that cannot be trusted at all (metadata, keys) throws <see cref="CsafFeedException"/>.</summary>
    public async Task<CsafFetchResult> FetchAsync(Uri metadataUrl, CsafFetchOptions options, IProgress<CsafFetchResult>? progress, CancellationToken ct)
    {
        var http = clients.CreateClient(FeedDownload.Client);
        var result = new CsafFetchResult();
        var metadata = await ReadMetadataAsync(http, metadataUrl, ct);
        result.Publisher = metadata.PublisherName;
        var keys = await ReadKeysAsync(http, metadata, options, ct);

        var entries = new List<(RolieEntry Entry, string Feed)>();
        foreach (var feed in metadata.Feeds)
        {
            result.Feeds++;
            entries.AddRange(await ReadRolieAsync(http, feed.Url, result, ct));
        }
        if (metadata.Feeds.Count == 0)
        {
            foreach (var directory in metadata.Directories)
            {
                result.Feeds++;
                entries.AddRange(await ReadChangesAsync(http, directory, result, ct));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, feed) in entries.Where(e => seen.Add(e.Entry.Document.AbsoluteUri)))
        {
            ct.ThrowIfCancellationRequested();
            result.Entries++;
            await FetchDocumentAsync(http, entry, keys, options, result, ct);
            progress?.Report(result);
        }
        log.LogInformation("CSAF fetch of {Url} ({Publisher}): {Entries} entries, {Verified} verified, {Unchanged} unchanged, {Rejected} refused, {New} new facts{DryRun}",
            metadataUrl, metadata.PublisherName, result.Entries, result.Verified, result.Unchanged, result.Rejected.Count, result.Import.New, options.DryRun ? " (dry run)" : "");
        return result;
    }

    private static async Task<ProviderMetadata> ReadMetadataAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        var got = await FeedDownload.GetAsync(http, url, MaxSmallFile, ct);
        if (!got.Ok)
        {
            throw new CsafFeedException($"{url}: {got.Error}");
        }
        try
        {
            using var doc = JsonDocument.Parse(got.Content);
            return CsafProviderFeed.ReadMetadata(doc.RootElement, url);
        }
        catch (JsonException e)
        {
            throw new CsafFeedException($"{url}: not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The provider's key rings, each fetched and checked against the fingerprint listed with it.</summary>
    private async Task<List<PgpPublicKeyRing>> ReadKeysAsync(HttpClient http, ProviderMetadata metadata, CsafFetchOptions options, CancellationToken ct)
    {
        var listed = metadata.Keys;
        if (options.Fingerprint is { } pinned)
        {
            var fingerprint = CsafProviderFeed.Normalise(pinned);
            listed = [.. listed.Where(k => k.Fingerprint == fingerprint)];
            if (listed.Count == 0)
            {
                throw new CsafFeedException($"the provider does not list the key {fingerprint} you expect (it lists: {string.Join(", ", metadata.Keys.Select(k => k.Fingerprint))}); nothing was fetched");
            }
        }
        var rings = new List<PgpPublicKeyRing>();
        var problems = new List<string>();
        foreach (var key in listed)
        {
            if (key.Url is null)
            {
                problems.Add($"{key.Fingerprint}: no URL given");
                continue;
            }
            var got = await FeedDownload.GetAsync(http, key.Url, MaxSmallFile, ct);
            var (ring, error) = got.Ok ? DetachedSignature.ReadKey(got.Content!, key.Fingerprint) : (null, got.Error);
            if (ring is null)
            {
                problems.Add($"{key.Url}: {error}");
            }
            else
            {
                rings.Add(ring);
            }
        }
        if (rings.Count == 0 && (listed.Count > 0 || !options.AllowUnsigned))
        {
            throw new CsafFeedException(listed.Count == 0
                ? "the provider lists no OpenPGP key, so its documents cannot be checked (--allow-unsigned accepts them on their hash alone)"
                : $"none of the provider's keys can be used: {string.Join("; ", problems)}");
        }
        return rings;
    }

    private static async Task<List<(RolieEntry, string)>> ReadRolieAsync(HttpClient http, Uri url, CsafFetchResult result, CancellationToken ct)
    {
        var got = await FeedDownload.GetAsync(http, url, MaxFeed, ct);
        if (!got.Ok)
        {
            result.Rejected.Add(new ImportRejection(url.AbsoluteUri, got.Error!));
            return [];
        }
        var entries = new List<(RolieEntry, string)>();
        try
        {
            using var doc = JsonDocument.Parse(got.Content);
            foreach (var (entry, where, error) in CsafProviderFeed.ReadFeed(doc.RootElement, url))
            {
                if (entry is null)
                {
                    result.Rejected.Add(new ImportRejection($"{url} {where}", error!));
                }
                else
                {
                    entries.Add((entry, url.AbsoluteUri));
                }
            }
        }
        catch (Exception e) when (e is JsonException or CsafFeedException)
        {
            result.Rejected.Add(new ImportRejection(url.AbsoluteUri, e is JsonException ? $"not valid JSON ({e.Message.Split('\n')[0]})" : e.Message));
        }
        return entries;
    }

    /// <summary>A directory distribution's <c>changes.csv</c> (CSAF 2.0 §7.1.13): "path","time" per line, newest first.</summary>
    private static async Task<List<(RolieEntry, string)>> ReadChangesAsync(HttpClient http, Uri directory, CsafFetchResult result, CancellationToken ct)
    {
        var root = directory.AbsoluteUri.EndsWith('/') ? directory : new Uri(directory.AbsoluteUri + "/");
        var url = new Uri(root, "changes.csv");
        var got = await FeedDownload.GetAsync(http, url, MaxFeed, ct);
        if (!got.Ok)
        {
            result.Rejected.Add(new ImportRejection(url.AbsoluteUri, got.Error!));
            return [];
        }
        var entries = new List<(RolieEntry, string)>();
        using var reader = new CsvReader(new StreamReader(new MemoryStream(got.Content!), Encoding.UTF8),
            new CsvConfiguration(CultureInfo.InvariantCulture) { HasHeaderRecord = false, BadDataFound = null, MissingFieldFound = null });
        var line = 0;
        while (await reader.ReadAsync())
        {
            line++;
            var path = reader.GetField(0);
            var when = reader.GetField(1);
            if (string.IsNullOrEmpty(path) || !Uri.TryCreate(root, path, out var document) || !document.AbsoluteUri.StartsWith(root.AbsoluteUri, StringComparison.Ordinal)
                || !DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var updated))
            {
                result.Rejected.Add(new ImportRejection($"{url} line {line}", "expected \"path\",\"time\" with a path inside the directory"));
                continue;
            }
            entries.Add((new RolieEntry(path, document, [new Uri(document.AbsoluteUri + ".sha512"), new Uri(document.AbsoluteUri + ".sha256")],
                new Uri(document.AbsoluteUri + ".asc"), updated), url.AbsoluteUri));
        }
        return entries;
    }

    private async Task FetchDocumentAsync(HttpClient http, RolieEntry entry, List<PgpPublicKeyRing> keys, CsafFetchOptions options, CsafFetchResult result,
        CancellationToken ct)
    {
        var where = entry.Document.AbsoluteUri;
        var state = await FeedStates.FindAsync(db, where, ct);
        if (!options.Force && state is { Failed: false, Updated: { } last } && entry.Updated is { } updated && last == updated)
        {
            result.Unchanged++;
            return;
        }
        var (content, refusal) = await VerifiedAsync(http, entry, keys, options, ct);
        string? sha = content is null ? null : Convert.ToHexStringLower(SHA512.HashData(content));
        if (refusal is null && !options.Force && state is { Failed: false } && state.Sha512 == sha)
        {
            result.Unchanged++;
        }
        else if (refusal is null)
        {
            result.Verified++;
            var rejectedBefore = result.Import.Rejected.Count;
            var batch = new List<VulnerabilityRecord>();
            await import.ImportFileAsync(where, content!, FeedFormat.Csaf, batch, result.Import, ct);
            if (result.Import.Rejected.Count > rejectedBefore)
            {
                refusal = result.Import.Rejected[^1].Reason;
                result.Import.Rejected.RemoveAt(result.Import.Rejected.Count - 1);
            }
            else if (!options.DryRun)
            {
                result.Import.Add(await store.SaveAsync(batch, ct));
            }
        }
        if (refusal is not null)
        {
            result.Rejected.Add(new ImportRejection(where, refusal));
        }
        if (options.DryRun)
        {
            return;
        }
        await FeedStates.RecordAsync(db, where, time.GetUtcNow(), s =>
        {
            s.Updated = entry.Updated;
            s.Sha512 = refusal is null ? sha : s.Sha512;
            s.Failed = refusal is not null;
            s.Outcome = refusal ?? "imported";
        }, ct);
    }

    /// <summary>The document's bytes once its hash, signature and name are right; otherwise why not.</summary>
    private async Task<(byte[]? Content, string? Refusal)> VerifiedAsync(HttpClient http, RolieEntry entry, List<PgpPublicKeyRing> keys, CsafFetchOptions options,
        CancellationToken ct)
    {
        var got = await FeedDownload.GetAsync(http, entry.Document, FeedLimits.Default.MaxFileBytes, ct);
        if (!got.Ok)
        {
            return (null, got.Error);
        }
        var content = got.Content!;

        // The strongest published hash: SHA-512 first, SHA-256 else (§7.1.18). A provider must publish one.
        var hashes = entry.Hashes.Count > 0 ? entry.Hashes : [new Uri(entry.Document.AbsoluteUri + ".sha512")];
        string? hashError = "no .sha512 or .sha256 file is published for it";
        foreach (var hashUrl in hashes.OrderByDescending(h => h.AbsolutePath.EndsWith(".sha512", StringComparison.OrdinalIgnoreCase)))
        {
            var sha512 = hashUrl.AbsolutePath.EndsWith(".sha512", StringComparison.OrdinalIgnoreCase);
            var hashFile = await FeedDownload.GetAsync(http, hashUrl, 4096, ct);
            if (!hashFile.Ok)
            {
                continue;
            }
            var expected = CsafProviderFeed.ReadHashFile(Encoding.UTF8.GetString(hashFile.Content!), sha512 ? 128 : 64);
            var actual = Convert.ToHexStringLower(sha512 ? SHA512.HashData(content) : SHA256.HashData(content));
            hashError = expected is null ? $"{hashUrl.Segments[^1]} holds no {(sha512 ? "SHA-512" : "SHA-256")} digest"
                : expected != actual ? $"{(sha512 ? "SHA-512" : "SHA-256")} mismatch: the document is not the one the provider hashed (expected {expected[..16]}…, got {actual[..16]}…)"
                : null;
            break;
        }
        if (hashError is not null)
        {
            return (null, hashError);
        }

        if (keys.Count > 0)
        {
            var signatureUrl = entry.Signature ?? new Uri(entry.Document.AbsoluteUri + ".asc");
            var signature = await FeedDownload.GetAsync(http, signatureUrl, 64 * 1024, ct);
            if (!signature.Ok)
            {
                return (null, $"no signature ({signatureUrl.Segments[^1]}: {signature.Error})");
            }
            var errors = keys.Select(k => DetachedSignature.Check(content, signature.Content!, k, time.GetUtcNow())).ToList();
            if (errors.All(e => e is not null))
            {
                return (null, "OpenPGP signature refused: " + errors.First());
            }
        }
        else if (!options.AllowUnsigned)
        {
            return (null, "unsigned");
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("document", out var d)
                || !d.TryGetProperty("tracking", out var t) || !t.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return (null, "not a CSAF document (no /document/tracking/id)");
            }
            if (!CsafProviderFeed.NameMatches(entry.Document, id.GetString()!))
            {
                return (null, $"served as {entry.Document.Segments[^1]}, but its tracking id {id.GetString()} gives {CsafProviderFeed.FileName(id.GetString()!)} (CSAF §5.1)");
            }
        }
        catch (JsonException e)
        {
            return (null, $"not valid JSON ({e.Message.Split('\n')[0]})");
        }
        return (content, null);
    }
}
