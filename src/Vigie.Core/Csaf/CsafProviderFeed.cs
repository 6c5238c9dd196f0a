using System.Globalization;
using System.Text.Json;
using Json.Schema;

namespace Vigie.Core.Csaf;

/// <summary>An OpenPGP key a provider lists (CSAF 2.0 §7.1.20): its fingerprint and where to fetch it.</summary>
public sealed record ProviderKey(string Fingerprint, Uri? Url);

/// <summary>One ROLIE feed of a provider: its TLP label (WHITE, GREEN, AMBER, RED, UNLABELED) and its URL.</summary>
public sealed record ProviderFeed(string TlpLabel, Uri Url, string? Summary);

/// <summary>What a provider's <c>provider-metadata.json</c> says (CSAF 2.0 §7.1.7), as far as fetching goes.</summary>
public sealed record ProviderMetadata(
    Uri CanonicalUrl,
    string Role,
    string PublisherName,
    string PublisherNamespace,
    DateTimeOffset LastUpdated,
    IReadOnlyList<ProviderKey> Keys,
    IReadOnlyList<ProviderFeed> Feeds,
    IReadOnlyList<Uri> Directories);

/// <summary>One entry of a ROLIE feed (CSAF 2.0 §7.1.15): the document, its hash and signature files, when it changed.</summary>
public sealed record RolieEntry(string Id, Uri Document, IReadOnlyList<Uri> Hashes, Uri? Signature, DateTimeOffset? Updated);

/// <summary>
/// Reads what a CSAF provider publishes about itself: <c>provider-metadata.json</c> (checked against the official
/// provider schema first), its ROLIE feeds, the <c>.sha256</c>/<c>.sha512</c> files. Relative URLs are resolved against
/// the file that holds them. Everything that is wrong is said in a <see cref="CsafFeedException"/> naming the place.
/// </summary>
public static class CsafProviderFeed
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        CsafValidator.CheckSchema(JsonDocument.Parse("{}").RootElement); // registers the CSAF schema the provider schema refers to
        using var stream = typeof(CsafProviderFeed).Assembly.GetManifestResourceStream("Vigie.Core.Csaf.provider_json_schema.json")
            ?? throw new InvalidOperationException("Missing embedded schema provider_json_schema.json.");
        return JsonSchema.FromText(new StreamReader(stream).ReadToEnd());
    });

    /// <summary>The metadata, or the reasons it cannot be used.</summary>
    public static ProviderMetadata ReadMetadata(JsonElement root, Uri location)
    {
        var result = Schema.Value.Evaluate(root, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = (result.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}")).Distinct().Take(3);
            throw new CsafFeedException($"provider-metadata.json does not follow the CSAF provider schema: {string.Join("; ", errors)}");
        }
        var publisher = root.GetProperty("publisher");
        var keys = Items(root, "public_openpgp_keys")
            .Select(k => new ProviderKey(Normalise(k.GetProperty("fingerprint").GetString()!), Url(k, "url", location)))
            .ToList();
        var feeds = new List<ProviderFeed>();
        var directories = new List<Uri>();
        foreach (var distribution in Items(root, "distributions"))
        {
            if (Url(distribution, "directory_url", location) is { } directory)
            {
                directories.Add(directory);
            }
            if (distribution.TryGetProperty("rolie", out var rolie))
            {
                feeds.AddRange(Items(rolie, "feeds").Select(f => new ProviderFeed(
                    f.GetProperty("tlp_label").GetString()!, Url(f, "url", location)!,
                    f.TryGetProperty("summary", out var s) ? s.GetString() : null)));
            }
        }
        return new ProviderMetadata(
            new Uri(root.GetProperty("canonical_url").GetString()!),
            root.GetProperty("role").GetString()!,
            publisher.GetProperty("name").GetString()!,
            publisher.GetProperty("namespace").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("last_updated").GetString()!, CultureInfo.InvariantCulture),
            keys, feeds, directories);
    }

    /// <summary>The entries of a ROLIE feed; an entry without a usable document link is refused (with its id) and skipped.</summary>
    public static IEnumerable<(RolieEntry? Entry, string Where, string? Error)> ReadFeed(JsonElement root, Uri location)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feed", out var feed) || feed.ValueKind != JsonValueKind.Object)
        {
            throw new CsafFeedException("not a ROLIE feed: no \"feed\" object");
        }
        var index = 0;
        foreach (var entry in Items(feed, "entry"))
        {
            var where = $"entry {index++}";
            var id = entry.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : where;
            var links = Items(entry, "link")
                .Where(l => l.TryGetProperty("rel", out var r) && r.ValueKind == JsonValueKind.String)
                .Select(l => (Rel: l.GetProperty("rel").GetString()!, Href: Url(l, "href", location)))
                .Where(l => l.Href is not null)
                .ToList();
            var document = entry.TryGetProperty("content", out var content) ? Url(content, "src", location) : null;
            document ??= links.FirstOrDefault(l => l.Rel == "self").Href;
            if (document is null)
            {
                yield return (null, id, "the entry links no document (content.src or a \"self\" link)");
                continue;
            }
            DateTimeOffset? updated = entry.TryGetProperty("updated", out var u) && u.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
            yield return (new RolieEntry(id, document, [.. links.Where(l => l.Rel == "hash").Select(l => l.Href!)],
                links.FirstOrDefault(l => l.Rel == "signature").Href, updated), id, null);
        }
    }

    /// <summary>
    /// The digest a <c>.sha256</c>/<c>.sha512</c> file gives (CSAF 2.0 §7.1.18: the hex digest, optionally followed by
    /// the file name, as <c>sha512sum</c> writes it), lower case; null when the text holds no digest of that length.
    /// </summary>
    public static string? ReadHashFile(string text, int hexLength)
    {
        var first = text.TrimStart().Split([' ', '\t', '\r', '\n'], 2)[0].TrimStart('\\').ToLowerInvariant();
        return first.Length == hexLength && first.All(char.IsAsciiHexDigit) ? first : null;
    }

    /// <summary>
    /// Whether a document's URL ends with the file name its tracking id gives (CSAF 2.0 §5.1 and requirement 3); a
    /// provider that serves a document under another name may be serving someone else's.
    /// </summary>
    public static bool NameMatches(Uri document, string trackingId) =>
        string.Equals(Uri.UnescapeDataString(document.Segments[^1]), FileName(trackingId), StringComparison.Ordinal);

    /// <summary>The CSAF file name of a tracking id (§5.1): lower case, every run of characters other than a-z, 0-9, +, - replaced by one _.</summary>
    public static string FileName(string trackingId)
    {
        var name = new System.Text.StringBuilder(trackingId.Length + 5);
        foreach (var c in trackingId.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '+' or '-')
            {
                name.Append(c);
            }
            else if (name.Length == 0 || name[^1] != '_')
            {
                name.Append('_');
            }
        }
        return name.Append(".json").ToString();
    }

    /// <summary>A fingerprint as 40 (v4) or 64 (v5) upper-case hex digits, spaces removed.</summary>
    public static string Normalise(string fingerprint) => fingerprint.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    private static IEnumerable<JsonElement> Items(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Take(100_000) : [];

    private static Uri? Url(JsonElement e, string name, Uri location) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && Uri.TryCreate(location, v.GetString(), out var url) && url.Scheme is "https" or "http" ? url : null;
}

/// <summary>A provider file that cannot be used, with the reason an operator reads.</summary>
public sealed class CsafFeedException(string message) : Exception(message);
