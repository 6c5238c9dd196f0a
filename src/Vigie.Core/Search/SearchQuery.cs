using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;

namespace Vigie.Core.Search;

/// <summary>What the search box was given, once read.</summary>
public enum SearchQueryKind
{
    /// <summary>Nothing to look for (empty, or only punctuation).</summary>
    Empty,

    /// <summary>An incident number, e.g. <c>2026-0042</c> (a leading <c>#</c> is accepted).</summary>
    IncidentNumber,

    /// <summary>One indicator: IP, CIDR, domain, URL, e-mail, hash, CVE or ASN (defanged forms accepted).</summary>
    Observable,

    /// <summary>Words, looked up in incident titles and descriptions and in report subjects, senders and texts.</summary>
    Text,
}

/// <summary>
/// One search-box input, classified. Pure: the database side (full-text index, observable tables)
/// lives in the host's Search feature; this decides what to look for and makes user text safe for
/// the full-text engines (SQLite FTS5 query syntax is never fed raw user text).
/// </summary>
public sealed record SearchQuery
{
    /// <summary>Inputs are clipped to this many characters: nobody types more, and it bounds the work on pasted junk.</summary>
    public const int MaxLength = 512;

    /// <summary>At most this many words go to the full-text engine (all must match).</summary>
    public const int MaxTerms = 16;

    /// <summary>Longer words are cut: no real word is longer, and hashes are 128 hex digits at most.</summary>
    public const int MaxTermLength = 128;

    private SearchQuery(SearchQueryKind kind, string text, IReadOnlyList<string> terms)
    {
        Kind = kind;
        Text = text;
        Terms = terms;
    }

    public SearchQueryKind Kind { get; }

    /// <summary>The input, trimmed and clipped to <see cref="MaxLength"/>.</summary>
    public string Text { get; }

    /// <summary>The incident number, normalised (<see cref="IncidentNumber.Format"/>), for <see cref="SearchQueryKind.IncidentNumber"/>.</summary>
    public string? Number { get; private init; }

    /// <summary>The normalised indicator, for <see cref="SearchQueryKind.Observable"/>.</summary>
    public ObservableValue? Observable { get; private init; }

    /// <summary>
    /// The words of the input (letters and digits; everything else separates), at most
    /// <see cref="MaxTerms"/>, each at most <see cref="MaxTermLength"/> characters. Empty when the
    /// input holds no word.
    /// </summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>
    /// Whether a full-text lookup is worth running: words, or an indicator that is one word (hash)
    /// or a fixed phrase (CVE), also found in incident descriptions. Not for names and addresses:
    /// as words, evil.example would also match evil.example.org; their observables find them exactly.
    /// </summary>
    public bool UsesText => Terms.Count > 0 && (Kind is SearchQueryKind.Text
        || Observable?.Kind is ObservableKind.Cve or ObservableKind.Md5 or ObservableKind.Sha1 or ObservableKind.Sha256 or ObservableKind.Sha512);

    /// <summary>Whether the words must follow each other (an indicator) rather than appear anywhere (free text).</summary>
    public bool IsPhrase => Kind is SearchQueryKind.Observable or SearchQueryKind.IncidentNumber;

    public static SearchQuery Parse(string? input)
    {
        var text = (input ?? "").Trim();
        if (text.Length > MaxLength)
        {
            text = text[..MaxLength].TrimEnd();
        }
        var terms = Words(text);
        if (text.Length == 0)
        {
            return new SearchQuery(SearchQueryKind.Empty, "", []);
        }
        var numberText = text.TrimStart('#').Trim();
        if (IncidentNumber.TryParse(numberText, out var year, out var sequence))
        {
            return new SearchQuery(SearchQueryKind.IncidentNumber, text, terms) { Number = IncidentNumber.Format(year, sequence) };
        }
        // An indicator is one token: "evil.example phishing" is words, not a domain.
        if (!text.Any(char.IsWhiteSpace) && ObservableValue.TryNormalize(text, null, out var value, out _))
        {
            return new SearchQuery(SearchQueryKind.Observable, text, terms) { Observable = value };
        }
        return terms.Count == 0
            ? new SearchQuery(SearchQueryKind.Empty, text, [])
            : new SearchQuery(SearchQueryKind.Text, text, terms);
    }

    /// <summary>
    /// The SQLite FTS5 query for these words: each word is a quoted string (so <c>AND</c>, <c>NEAR</c>,
    /// <c>*</c>, <c>^</c>, <c>:</c>, <c>-</c> and quotes typed by the user are plain text), all required;
    /// or, for an indicator, one quoted phrase (the words in a row). Null when there is no word.
    /// </summary>
    public string? ToFts5()
    {
        if (Terms.Count == 0)
        {
            return null;
        }
        // Terms hold only letters and digits, so no quote needs doubling; doubled anyway, should that change.
        static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return IsPhrase ? Quote(string.Join(' ', Terms)) : string.Join(' ', Terms.Select(Quote));
    }

    /// <summary>
    /// The text for PostgreSQL's <c>plainto_tsquery</c>/<c>phraseto_tsquery</c>: the clipped input
    /// (PostgreSQL's parser reads it as it read the documents, so <c>evil.example</c> stays one host
    /// token on both sides), without NUL, which PostgreSQL text cannot hold.
    /// </summary>
    public string ToPostgresText() => Text.Replace("\0", "", StringComparison.Ordinal);

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length && words.Count < MaxTerms)
        {
            while (i < text.Length && !IsWordChar(text, i))
            {
                i++;
            }
            var start = i;
            while (i < text.Length && IsWordChar(text, i))
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
            }
            if (i > start)
            {
                var word = text[start..i];
                words.Add(word.Length > MaxTermLength ? word[..MaxTermLength] : word);
            }
        }
        return words;
    }

    // The FTS5 unicode61 tokenizer's rule: letters, digits (and marks, which belong to the letter before them).
    private static bool IsWordChar(string text, int i)
    {
        var category = char.IsSurrogatePair(text, i)
            ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text, i))
            : CharUnicodeInfo.GetUnicodeCategory(text[i]);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }
}

/// <summary>Network arithmetic the observable search needs, on normalised values (<see cref="ObservableValue"/>).</summary>
public static class SearchNetworks
{
    /// <summary>
    /// Every CIDR value (normalised as <see cref="ObservableValue.TryNormalize"/> writes it) that contains
    /// <paramref name="address"/>/<paramref name="length"/>: its own block and each shorter prefix, down
    /// to /0. An IPv4 address gives 33 values, an IPv6 one 129: an exact lookup each on the
    /// <c>(Kind, Value)</c> index finds the CIDR observables an address lies in, whatever their number.
    /// </summary>
    public static IReadOnlyList<string> EnclosingCidrs(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        var max = bytes.Length * 8;
        if (length < 0 || length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }
        var result = new List<string>(length + 1);
        for (var l = length; l >= 0; l--)
        {
            var network = new IPAddress(Masked(bytes, l));
            var text = string.Create(CultureInfo.InvariantCulture, $"{network}/{l}");
            if (ObservableValue.TryNormalize(text, ObservableKind.Cidr, out var cidr, out _))
            {
                result.Add(cidr.Value);
            }
        }
        return result;
    }

    /// <summary>
    /// Reads a normalised IPv4, IPv6 or CIDR value as (address, length); false for other kinds.
    /// </summary>
    public static bool TryRead(ObservableValue value, out IPAddress network, out int length)
    {
        network = IPAddress.None;
        length = 0;
        if (value.Kind is not (ObservableKind.IPv4 or ObservableKind.IPv6 or ObservableKind.Cidr))
        {
            return false;
        }
        var slash = value.Value.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? value.Value : value.Value[..slash], out var parsed))
        {
            return false;
        }
        network = parsed;
        length = slash < 0 ? parsed.GetAddressBytes().Length * 8
            : int.Parse(value.Value.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Whether block a/la lies inside block b/lb (same family; equal counts as inside).</summary>
    public static bool IsInside(IPAddress a, int la, IPAddress b, int lb)
    {
        if (a.AddressFamily != b.AddressFamily || la < lb)
        {
            return false;
        }
        var x = Masked(a.GetAddressBytes(), lb);
        var y = Masked(b.GetAddressBytes(), lb);
        return x.AsSpan().SequenceEqual(y);
    }

    /// <summary>
    /// Key ranges of normalised IPv4 text that hold every address (and CIDR network) inside
    /// <paramref name="network"/>/<paramref name="length"/>: dotted-decimal text sorts by octet
    /// strings, so a block aligned on an octet is one range (<c>"10.1." ≤ v &lt; "10.1/"</c>), and
    /// any other block is the 2–128 octet-aligned blocks it covers. Candidates, to check with
    /// <see cref="IsInside"/>: a range also holds CIDRs of shorter prefixes starting there.
    /// </summary>
    public static IReadOnlyList<(string From, string To)> IPv4TextRanges(IPAddress network, int length)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.AddressFamily != AddressFamily.InterNetwork || length is < 0 or > 32)
        {
            throw new ArgumentException("An IPv4 network and a length of 0 to 32 are expected.", nameof(network));
        }
        if (length == 0)
        {
            // Every dotted quad starts with a digit: from "0" up to, not including, ":" (the character after "9").
            return [("0", ":")];
        }
        var aligned = (length + 7) / 8 * 8;
        var bytes = Masked(network.GetAddressBytes(), length);
        var count = 1 << (aligned - length);
        var ranges = new List<(string, string)>(count);
        var baseValue = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        for (var i = 0; i < count; i++)
        {
            var v = baseValue + ((uint)i << (32 - aligned));
            var octets = new[] { v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF }.Take(aligned / 8);
            var prefix = string.Join('.', octets.Select(o => o.ToString(CultureInfo.InvariantCulture)));
            // A full address ends its own range: "10.1.2.3" itself and "10.1.2.3/…" CIDRs ("/" sorts after ".").
            ranges.Add(aligned == 32 ? (prefix, prefix + "0") : (prefix + ".", prefix + "/"));
        }
        return ranges;
    }

    /// <summary>The first 16 bits of an IPv6 value as written (RFC 5952: the first group, no leading zeros), when the block fixes them.</summary>
    public static string? IPv6FirstGroup(IPAddress network, int length)
    {
        if (network.AddressFamily != AddressFamily.InterNetworkV6 || length < 16)
        {
            return null;
        }
        var bytes = network.GetAddressBytes();
        var group = bytes[0] << 8 | bytes[1];
        // A zero first group is written "::" or "0:", and compressed runs make text prefixes unreliable.
        return group == 0 ? null : group.ToString("x", CultureInfo.InvariantCulture);
    }

    private static byte[] Masked(byte[] bytes, int length)
    {
        var result = (byte[])bytes.Clone();
        for (var i = 0; i < result.Length; i++)
        {
            var keep = Math.Clamp(length - i * 8, 0, 8);
            result[i] &= (byte)(0xFF << (8 - keep));
        }
        return result;
    }
}

/// <summary>Host names in observables, for domain search (a domain finds itself, its subdomains, and URLs and addresses on them).</summary>
public static class SearchHosts
{
    /// <summary>
    /// The host a normalised value names: a domain itself, the domain of an e-mail address (after
    /// the last <c>@</c>), the host of a URL (after the scheme and any user info, up to <c>/ ? # :</c>);
    /// null for other kinds. The PostgreSQL index (SearchSchema.PostgresHost) computes the same.
    /// </summary>
    public static string? HostOf(ObservableValue value)
    {
        switch (value.Kind)
        {
            case ObservableKind.Domain:
                return value.Value;
            case ObservableKind.Email:
                var at = value.Value.LastIndexOf('@');
                return at < 0 ? null : value.Value[(at + 1)..];
            case ObservableKind.Url:
                var v = value.Value;
                var scheme = v.IndexOf("://", StringComparison.Ordinal);
                if (scheme < 0)
                {
                    return null;
                }
                var rest = v[(scheme + 3)..];
                var end = rest.IndexOfAny(['/', '?', '#']);
                var authority = end < 0 ? rest : rest[..end];
                var userInfo = authority.IndexOf('@', StringComparison.Ordinal);
                if (userInfo >= 0)
                {
                    authority = authority[(userInfo + 1)..];
                }
                var stop = authority.IndexOfAny([':', '[', ']']);
                var host = (stop < 0 ? authority : authority[..stop]).ToLowerInvariant();
                return host.Length == 0 ? null : host;
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="host"/> is <paramref name="domain"/> or a subdomain of it (label-wise, so notevil.example is not in evil.example).</summary>
    public static bool IsWithin(string? host, string domain) =>
        host is not null && (host == domain || host.EndsWith("." + domain, StringComparison.Ordinal));
}
