using System.Buffers;
using System.Collections.Frozen;

namespace Vigie.Core.Observables;

/// <summary>One observable found in free text, with where it was written.</summary>
/// <param name="Observable">The normalised value (see <see cref="ObservableValue.TryNormalize"/>).</param>
/// <param name="Start">Index of the first character in the original text, defanged spelling included.</param>
/// <param name="Length">Number of characters of the original text it covers.</param>
/// <param name="IsPrivateOrReserved">
/// Whether the address or block is not globally reachable (<see cref="ObservableValue.IsPrivateOrReserved"/>);
/// for a URL, whether its host is such an IP literal. False for other kinds.
/// </param>
public readonly record struct ExtractedObservable(ObservableValue Observable, int Start, int Length, bool IsPrivateOrReserved);

/// <summary>
/// Finds observables in free text (abuse reports, mail bodies, analyst notes): IPv4 and IPv6 addresses,
/// CIDR blocks, domain names, URLs, e-mail addresses, MD5/SHA-1/SHA-256/SHA-512 digests and CVE ids,
/// including their defanged spellings.
/// </summary>
/// <remarks>
/// <para>Hand-written scanners, no regular expressions: each looks for its anchor with vectorised searches
/// (<c>://</c>, <c>@</c>, <c>:</c>, <c>.</c>, <c>CVE-</c>, hex runs) and widens it over a character class, and a
/// scanner never goes back over text it has passed, so the work is linear in the text length. Only the first
/// <see cref="MaxTextLength"/> characters are scanned.</para>
/// <para>Defanging (the usual bracketed forms, see <see cref="ObservableValue.Refang"/>, plus the <c>fxp://</c>
/// scheme) is undone on a working copy whose positions map back to the original text, so a span covers the
/// spelling as written: <c>203[.]0.113[.]5</c> is one IPv4 of length 15.</para>
/// <para>Overlaps are settled by priority: URL, e-mail address, IPv6 (or CIDR), IPv4 (or CIDR), domain, CVE,
/// hash. A higher-priority observable claims its characters and nothing else may use them, so a URL wins
/// over the domain or IP inside it, an e-mail address over its domain, a CIDR block over its address.</para>
/// <para>Heuristics, to keep prose from turning into indicators:</para>
/// <list type="bullet">
/// <item>A bare domain (and the domain of an e-mail address) needs a plausible top-level label: at least two
/// letters (or an <c>xn--</c> A-label), and not one of the common file extensions in
/// <see cref="FileExtensionLabels"/>, because <c>invoice.pdf</c> or <c>icon@2x.png</c> in a report is a file
/// name. A few of those are real TLDs (<c>sh</c>, <c>py</c>, <c>md</c>, <c>zip</c>, <c>mov</c>, <c>one</c>, <c>cab</c>, <c>dot</c>):
/// such names are still found in URLs, whose scheme leaves no doubt, and under a generic second-level label
/// (<c>gov.py</c>, <c>com.sh</c>).</item>
/// <item>E-mail local parts are letters, digits and <c>. - _ + %</c>: not <c>=</c>, since pasted headers are full of
/// <c>smtp.mailfrom=user@example.com</c>. An address right after <c>Message-ID:</c>, <c>In-Reply-To:</c>,
/// <c>References:</c>, <c>Content-ID:</c>, <c>mid:</c> or <c>cid:</c> is a message id, not an address. A dotted name
/// followed by <c>=</c> (<c>header.d=</c>) is a key, not a domain.</item>
/// <item>A dotted quad is an IPv4 address, version number or not, as long as it is not glued to letters or to
/// a fifth number (<c>1.2.3.4.5</c> is not an address); leading zeros are refused (octal ambiguity).</item>
/// <item>An IPv6 address needs two colons and a decimal digit, so <c>a::b</c> in code and <c>12:34:56</c> are not
/// addresses. A CIDR with host bits set (<c>192.0.2.5/24</c>, an interface address) yields the address.</item>
/// <item>A hash is a run of exactly 32, 40, 64 or 128 hex digits, with both digits and letters, not glued to
/// another letter, digit or underscore (so not inside a longer hex run, a base64 blob or <c>0x…</c>).</item>
/// <item>URLs stop at white space, quotes and angle brackets, and drop trailing punctuation
/// (<c>.,;:!?'*</c>) and closing brackets they did not open.</item>
/// </list>
/// </remarks>
public static class ObservableExtractor
{
    /// <summary>
    /// Characters scanned at most (2,000,000). Longer texts are scanned up to this point only: an abuse report is
    /// a few kilobytes, and the cap bounds time and memory spent on hostile input.
    /// </summary>
    public const int MaxTextLength = 2_000_000;

    /// <summary>
    /// Top-level labels refused for bare domains and e-mail domains because, in reports, they are file
    /// extensions far more often than domains (see the remarks on <see cref="ObservableExtractor"/>).
    /// </summary>
    public static IReadOnlyCollection<string> FileExtensionLabels => s_fileExtensions;

    private static readonly FrozenSet<string> s_fileExtensions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        // documents and data
        "txt", "pdf", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm", "ppt", "pptx", "rtf", "odt", "ods",
        "csv", "log", "json", "xml", "yaml", "yml", "ini", "cfg", "conf", "md", "eml", "msg", "one", "tmp", "bak", "dat",
        // executables, scripts and libraries
        "exe", "dll", "sys", "scr", "msi", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "hta", "lnk", "jar",
        "apk", "bin", "elf", "py", "sh", "php", "asp", "aspx", "jsp", "cgi", "css", "html", "htm",
        // archives and images
        "zip", "rar", "gz", "tgz", "tar", "xz", "iso", "img", "cab", "png", "jpg", "jpeg", "gif", "bmp", "svg", "webp",
        "tif", "tiff", "ico", "mov", "avi", "wav", "mkv",
    ]);

    // Second-level labels under which a file-extension-like TLD is a country's registry, e.g. mec.gov.py.
    private static readonly FrozenSet<string> s_genericSecondLevel = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        ["com", "net", "org", "gov", "gob", "gouv", "edu", "ac", "co", "mil"]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_fileExtensionLookup =
        s_fileExtensions.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_genericSecondLevelLookup =
        s_genericSecondLevel.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Finds the observables in <paramref name="text"/>.
    /// </summary>
    /// <param name="text">The text; only its first <see cref="MaxTextLength"/> characters are scanned.</param>
    /// <param name="maxResults">At most this many results, the first ones by position.</param>
    /// <returns>
    /// Observables ordered by <see cref="ExtractedObservable.Start"/>, never overlapping; Start/Length index the
    /// original text (the defanged spelling as written); values are normalised through
    /// <see cref="ObservableValue.TryNormalize"/>; every occurrence is listed, duplicates included.
    /// </returns>
    public static IReadOnlyList<ExtractedObservable> Extract(string text, int maxResults = 10_000)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxResults);
        if (maxResults == 0 || text.Length == 0)
        {
            return [];
        }

        var view = RefangedText.Create(text, MaxTextLength);
        var claimed = ArrayPool<bool>.Shared.Rent(view.Text.Length);
        try
        {
            Array.Clear(claimed, 0, view.Text.Length);
            var scanner = new Scanner(view.Text, claimed, maxResults);
            scanner.Run();
            var found = scanner.Found;
            found.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            var count = Math.Min(found.Count, maxResults);
            var results = new ExtractedObservable[count];
            for (var i = 0; i < count; i++)
            {
                var f = found[i];
                var start = view.ToOriginal(f.Start);
                var end = view.ToOriginal(f.End);
                results[i] = new ExtractedObservable(f.Value, start, end - start, IsPrivate(f.Value));
            }

            return results;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(claimed);
        }
    }

    private static bool IsPrivate(ObservableValue value)
    {
        if (value.Kind != ObservableKind.Url)
        {
            return ObservableValue.IsPrivateOrReserved(value);
        }

        // The normal form is scheme://[userinfo@]host[:port]path: take the host when it is an IP literal.
        var authority = value.Value.AsSpan(value.Value.IndexOf("://", StringComparison.Ordinal) + 3);
        var end = authority.IndexOfAny('/', '?', '#');
        authority = end < 0 ? authority : authority[..end];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close > 1 && ObservableValue.IsPrivateOrReserved(new(ObservableKind.IPv6, authority[1..close].ToString()));
        }

        var colon = authority.IndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        return !host.ContainsAnyExcept("0123456789.")
            && ObservableValue.IsPrivateOrReserved(new(ObservableKind.IPv4, host.ToString()));
    }

    /// <summary>Whether a bare or e-mail domain looks like a domain rather than a file name or prose.</summary>
    internal static bool IsPlausibleDomain(ReadOnlySpan<char> domain)
    {
        var lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0 || domain[0] == '.' || domain.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        var tld = domain[(lastDot + 1)..];
        if (!IsPlausibleTld(tld))
        {
            return false;
        }

        if (!s_fileExtensionLookup.Contains(tld))
        {
            return true;
        }

        var rest = domain[..lastDot];
        var secondLevel = rest[(rest.LastIndexOf('.') + 1)..];
        return rest.Contains('.') && s_genericSecondLevelLookup.Contains(secondLevel);
    }

    private static bool IsPlausibleTld(ReadOnlySpan<char> tld)
    {
        if (tld.Length < 2 || tld.Length > 63)
        {
            return false;
        }

        if (tld.Length > 4 && tld.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return true; // an A-label (RFC 5890 §2.3.2.1), e.g. xn--p1ai
        }

        foreach (var c in tld)
        {
            if (!(char.IsAsciiLetter(c) || (c > '\u007F' && char.IsLetter(c))))
            {
                return false;
            }
        }

        return true;
    }

    // Letters and digits (any script, for internationalised names) and the underscore: what may not touch
    // an indicator on either side without making it part of a longer word.
    internal static bool IsWordChar(char c) =>
        c < '\u0080' ? char.IsAsciiLetterOrDigit(c) || c == '_' : char.IsLetterOrDigit(c);

    private static bool IsLabelChar(char c) => IsWordChar(c) || c == '-';

    private static bool IsDomainChar(char c) => IsLabelChar(c) || c == '.';

    // A pragmatic subset of RFC 5322 atext: what real addresses use. '=' is left out on purpose: pasted headers
    // are full of "smtp.mailfrom=user@example.com" and "envelope-from=…", where it is not part of the address
    // (an SRS or BATV address, "prvs=…=user@example.com", then yields its last part).
    private static bool IsLocalChar(char c) =>
        IsWordChar(c) || c is '.' or '-' or '+' or '%';

    private static bool IsSchemeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '-';

    private static bool IsUrlStop(char c) =>
        c <= ' ' || c is '\u007F' or '"' or '<' or '>' or '`' or '\\' or '|'
            or '\u00AB' or '\u00BB' or '\u2018' or '\u2019' or '\u201C' or '\u201D'
        || (c > '\u007F' && (char.IsWhiteSpace(c) || char.IsControl(c)));

    private readonly record struct Found(int Start, int End, ObservableValue Value);

    /// <summary>The scanners, run in priority order over the refanged text, each claiming what it keeps.</summary>
    private sealed class Scanner(string s, bool[] claimed, int cap)
    {
        private const int MaxSchemeLength = 32;
        private const int MaxLocalPartLength = 64;  // RFC 5321 §4.5.3.1.1
        private const int MaxDomainLength = 253;    // RFC 1035 §2.3.4, in text form
        private const int MaxIPv6RunLength = 64;    // the longest IPv6 text form is 45 characters

        private static readonly SearchValues<char> s_hex = SearchValues.Create("0123456789abcdefABCDEF");

        private int _kept; // kept by the current scanner: each stops at the cap (see Extract's contract)

        public List<Found> Found { get; } = [];

        public void Run()
        {
            Scan(ScanUrls);
            Scan(ScanEmails);
            Scan(ScanIPv6);
            Scan(ScanIPv4);
            Scan(ScanDomains);
            Scan(ScanCves);
            Scan(ScanHashes);
        }

        private void Scan(Action scanner)
        {
            _kept = 0;
            scanner();
        }

        private bool Full => _kept >= cap;

        private bool Keep(int start, int end, string candidate, ObservableKind kind)
        {
            var span = claimed.AsSpan(start, end - start);
            if (span.Contains(true) || !ObservableValue.TryNormalize(candidate, kind, out var value, out _))
            {
                return false;
            }

            span.Fill(true);
            Found.Add(new Found(start, end, value));
            _kept++;
            return true;
        }

        private void ScanUrls()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var k = s.IndexOf("://", i, StringComparison.Ordinal);
                if (k < 0)
                {
                    return;
                }

                i = k + 3;
                var b = k;
                while (b > 0 && k - b <= MaxSchemeLength && IsSchemeChar(s[b - 1]))
                {
                    b--;
                }

                if (k - b > MaxSchemeLength)
                {
                    continue;
                }

                while (b < k && !char.IsAsciiLetter(s[b]))
                {
                    b++; // RFC 3986 §3.1: a scheme starts with a letter
                }

                var e = k + 3;
                while (e < s.Length && !IsUrlStop(s[e]))
                {
                    e++;
                }

                i = e; // the next "://" inside this run belongs to this URL (a redirect parameter, say)
                var end = TrimUrlEnd(k + 3, e);
                if (b < k && end > k + 3 && end - b <= ObservableValue.MaxInputLength)
                {
                    Keep(b, end, string.Concat(RefangScheme(s.AsSpan(b, k - b)), s.AsSpan(k, end - k)), ObservableKind.Url);
                }
            }
        }

        // hxxp/hxxps (any case of the x's) and fxp are the defanged http, https and ftp.
        private static string RefangScheme(ReadOnlySpan<char> scheme) =>
            scheme.Equals("hxxp", StringComparison.OrdinalIgnoreCase) ? "http"
            : scheme.Equals("hxxps", StringComparison.OrdinalIgnoreCase) ? "https"
            : scheme.Equals("fxp", StringComparison.OrdinalIgnoreCase) ? "ftp"
            : scheme.ToString();

        // Sentence punctuation after a URL is not part of it; a closing bracket is, only if the URL opened it
        // ("https://en.wikipedia.org/wiki/Foo_(bar)" keeps its parenthesis, "(see https://x.example/)" does not).
        private int TrimUrlEnd(int start, int end)
        {
            var body = s.AsSpan(start, end - start);
            var parens = body.Count('(') - body.Count(')');
            var squares = body.Count('[') - body.Count(']');
            var braces = body.Count('{') - body.Count('}');
            while (end > start)
            {
                switch (s[end - 1])
                {
                    case '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '*':
                        break;
                    case ')' when parens < 0:
                        parens++;
                        break;
                    case ']' when squares < 0:
                        squares++;
                        break;
                    case '}' when braces < 0:
                        braces++;
                        break;
                    default:
                        return end;
                }

                end--;
            }

            return end;
        }

        private void ScanEmails()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var at = s.IndexOf('@', i);
                if (at < 0)
                {
                    return;
                }

                i = at + 1;
                if (claimed[at])
                {
                    continue;
                }

                var b = at;
                while (b > 0 && at - b <= MaxLocalPartLength && IsLocalChar(s[b - 1]))
                {
                    b--;
                }

                if (at - b > MaxLocalPartLength)
                {
                    continue;
                }

                while (b < at && s[b] == '.')
                {
                    b++;
                }

                var e = at + 1;
                while (e < s.Length && e - at <= MaxDomainLength + 1 && IsDomainChar(s[e]))
                {
                    e++;
                }

                e = TrimDomainEnd(at + 1, e);
                if (b < at && e - at - 1 <= MaxDomainLength && IsPlausibleDomain(s.AsSpan(at + 1, e - at - 1))
                    && !IsMessageId(b) && Keep(b, e, s[b..e], ObservableKind.Email))
                {
                    i = e;
                }
            }
        }

        // A msg-id (RFC 5322 §3.6.4) looks like an address: "Message-ID: <1234.abcd@mail.example.com>". One right
        // after a header that carries message ids is not taken for an e-mail address (its domain still counts).
        private bool IsMessageId(int localStart)
        {
            var before = s.AsSpan(0, localStart).TrimEnd("< \t");
            foreach (var header in s_messageIdHeaders)
            {
                if (before.EndsWith(header, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly string[] s_messageIdHeaders =
            ["message-id:", "in-reply-to:", "references:", "content-id:", "mid:", "cid:"];

        private int TrimDomainEnd(int start, int end)
        {
            while (end > start && s[end - 1] is '.' or '-' or '_')
            {
                end--;
            }

            return end;
        }

        private void ScanIPv6()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var colon = s.IndexOf(':', i);
                if (colon < 0)
                {
                    return;
                }

                var b = colon;
                while (b > 0 && IsIPv6Char(s[b - 1]))
                {
                    b--;
                }

                var e = colon + 1;
                while (e < s.Length && IsIPv6Char(s[e]))
                {
                    e++;
                }

                i = e;
                if (e - b > MaxIPv6RunLength)
                {
                    continue;
                }

                // "Address:2001:db8::1": a single leading colon is the label's; "::1" keeps both.
                if (s[b] == ':' && (b + 1 >= e || s[b + 1] != ':'))
                {
                    b++;
                }
                else if (b > 0 && IsWordChar(s[b - 1]))
                {
                    continue; // "IPv6:" or a longer word
                }

                while (e > b && s[e - 1] == '.')
                {
                    e--;
                }

                if (e - b >= 2 && s[e - 1] == ':' && s[e - 2] != ':')
                {
                    e--; // "… 2001:db8::1:" ends a sentence or a label
                }

                if (e < s.Length && IsWordChar(s[e]))
                {
                    continue;
                }

                var address = s.AsSpan(b, e - b);
                if (address.Count(':') < 2 || address.IndexOfAnyInRange('0', '9') < 0)
                {
                    continue;
                }

                KeepAddressOrBlock(b, e, ObservableKind.IPv6);
            }
        }

        private static bool IsIPv6Char(char c) => char.IsAsciiHexDigit(c) || c is ':' or '.';

        private void ScanIPv4()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var dot = s.IndexOf('.', i);
                if (dot < 0)
                {
                    return;
                }

                var b = dot;
                while (b > 0 && (char.IsAsciiDigit(s[b - 1]) || s[b - 1] == '.'))
                {
                    b--;
                }

                var e = dot + 1;
                while (e < s.Length && (char.IsAsciiDigit(s[e]) || s[e] == '.'))
                {
                    e++;
                }

                i = e;
                if ((b > 0 && IsWordChar(s[b - 1])) || (e < s.Length && IsWordChar(s[e])))
                {
                    continue; // "v1.2.3.4", "1.2.3.4.example"
                }

                while (b < e && s[b] == '.')
                {
                    b++;
                }

                while (e > b && s[e - 1] == '.')
                {
                    e--;
                }

                if (IsDottedQuad(s.AsSpan(b, e - b)))
                {
                    KeepAddressOrBlock(b, e, ObservableKind.IPv4);
                }
            }
        }

        private static bool IsDottedQuad(ReadOnlySpan<char> text)
        {
            var parts = 0;
            foreach (var range in text.Split('.'))
            {
                var length = range.End.Value - range.Start.Value;
                if (++parts > 4 || length is 0 or > 3)
                {
                    return false;
                }
            }

            return parts == 4;
        }

        // An address followed by "/N" is a CIDR block if the block is valid; otherwise (host bits set, prefix
        // too long) the address alone is kept.
        private void KeepAddressOrBlock(int b, int e, ObservableKind kind)
        {
            var suffix = e;
            if (e + 1 < s.Length && s[e] == '/')
            {
                var d = e + 1;
                while (d < s.Length && d - e <= 3 && char.IsAsciiDigit(s[d]))
                {
                    d++;
                }

                if (d > e + 1 && (d == s.Length || !IsWordChar(s[d])))
                {
                    suffix = d;
                }
            }

            if (suffix > e && Keep(b, suffix, s[b..suffix], ObservableKind.Cidr))
            {
                return;
            }

            Keep(b, e, s[b..e], kind);
        }

        private void ScanDomains()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var dot = s.IndexOf('.', i);
                if (dot < 0)
                {
                    return;
                }

                var b = dot;
                while (b > 0 && IsDomainChar(s[b - 1]))
                {
                    b--;
                }

                var e = dot + 1;
                while (e < s.Length && IsDomainChar(s[e]))
                {
                    e++;
                }

                i = e;
                // A run followed by '@' is a local part (its address was not valid, or it would be claimed).
                var runEnd = e < s.Length && s[e] == '@' ? LastSegmentStart(b, e) : e;
                ScanDomainRun(b, runEnd);
            }
        }

        private int LastSegmentStart(int b, int e)
        {
            var split = s.AsSpan(b, e - b).LastIndexOf("..", StringComparison.Ordinal);
            return split < 0 ? b : b + split;
        }

        // Empty labels ("a..b") split a run into candidates; each is trimmed of separators at its ends.
        private void ScanDomainRun(int b, int e)
        {
            while (b < e && !Full)
            {
                var split = s.AsSpan(b, e - b).IndexOf("..", StringComparison.Ordinal);
                var segmentEnd = split < 0 ? e : b + split;
                var start = b;
                while (start < segmentEnd && s[start] is '.' or '-') // a leading '_' is a service label: _dmarc.example.com
                {
                    start++;
                }

                var end = TrimDomainEnd(start, segmentEnd);
                // "smtp.mailfrom=…", "header.d=…" in pasted Authentication-Results: a key, not a domain.
                var isKey = end < s.Length && s[end] == '=';
                if (!isKey && end - start <= MaxDomainLength && IsPlausibleDomain(s.AsSpan(start, end - start)))
                {
                    Keep(start, end, s[start..end], ObservableKind.Domain);
                }

                b = segmentEnd + 2;
            }
        }

        private void ScanCves()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var k = s.IndexOf("CVE-", i, StringComparison.OrdinalIgnoreCase);
                if (k < 0)
                {
                    return;
                }

                i = k + 4;
                if (k > 0 && IsWordChar(s[k - 1]))
                {
                    continue;
                }

                // CVE-YYYY-NNNN…: four year digits, then four or more sequence digits (the CVE ID syntax of 2014).
                var d = k + 4;
                var year = CountDigits(d, 4);
                if (year != 4 || d + 4 >= s.Length || s[d + 4] != '-')
                {
                    continue;
                }

                d += 5;
                var digits = CountDigits(d, 20);
                var end = d + digits;
                if (digits < 4 || (end < s.Length && IsWordChar(s[end])))
                {
                    continue;
                }

                if (Keep(k, end, s[k..end], ObservableKind.Cve))
                {
                    i = end;
                }
            }
        }

        private int CountDigits(int start, int max)
        {
            var n = 0;
            while (start + n < s.Length && n < max && char.IsAsciiDigit(s[start + n]))
            {
                n++;
            }

            return n;
        }

        private void ScanHashes()
        {
            var i = 0;
            while (!Full && i < s.Length)
            {
                var found = s.AsSpan(i).IndexOfAny(s_hex);
                if (found < 0)
                {
                    return;
                }

                var start = i + found;
                var length = s.AsSpan(start).IndexOfAnyExcept(s_hex);
                var end = length < 0 ? s.Length : start + length;
                i = end;
                var kind = (end - start) switch
                {
                    32 => ObservableKind.Md5,
                    40 => ObservableKind.Sha1,
                    64 => ObservableKind.Sha256,
                    128 => ObservableKind.Sha512,
                    _ => (ObservableKind?)null,
                };
                if (kind is null
                    || (start > 0 && IsWordChar(s[start - 1]))
                    || (end < s.Length && IsWordChar(s[end])))
                {
                    continue;
                }

                // A digest has both digits and letters; a long decimal number or "deadbeef…" filler is no hash.
                var run = s.AsSpan(start, end - start);
                if (run.IndexOfAnyInRange('0', '9') >= 0 && run.IndexOfAnyExceptInRange('0', '9') >= 0)
                {
                    Keep(start, end, s[start..end], kind.Value);
                }
            }
        }
    }

    /// <summary>
    /// The text with the bracketed defanging forms undone, and the map from its positions back to the original.
    /// </summary>
    private sealed class RefangedText
    {
        // Same forms as ObservableValue.Refang, matched case-insensitively.
        private static readonly (string Token, string Replacement)[] s_tokens =
        [
            ("[://]", "://"), ("[:]", ":"),
            ("[.]", "."), ("(.)", "."), ("{.}", "."),
            ("[dot]", "."), ("(dot)", "."), ("{dot}", "."),
            (@"\.", "."),
            ("[@]", "@"), ("(@)", "@"), ("{@}", "@"),
            ("[at]", "@"), ("(at)", "@"), ("{at}", "@"),
        ];

        private static readonly SearchValues<char> s_tokenStarts = SearchValues.Create("[({\\");

        // Breakpoints: from _clean[k] on, clean position c is original position _original[k] + (c - _clean[k]).
        private readonly int[] _clean;
        private readonly int[] _original;

        private RefangedText(string text, int[] clean, int[] original)
        {
            Text = text;
            _clean = clean;
            _original = original;
        }

        public string Text { get; }

        public static RefangedText Create(string source, int maxLength)
        {
            var input = source.AsSpan(0, Math.Min(source.Length, maxLength));
            if (input.IndexOfAny(s_tokenStarts) < 0)
            {
                return new RefangedText(input.Length == source.Length ? source : input.ToString(), [], []);
            }

            var buffer = new char[input.Length]; // every replacement is no longer than its token
            List<int> clean = [];
            List<int> original = [];
            var w = 0;
            var r = 0;
            while (r < input.Length)
            {
                var next = input[r..].IndexOfAny(s_tokenStarts);
                var copy = next < 0 ? input.Length - r : next;
                input.Slice(r, copy).CopyTo(buffer.AsSpan(w));
                w += copy;
                r += copy;
                if (r == input.Length)
                {
                    break;
                }

                var token = MatchToken(input[r..]);
                if (token < 0)
                {
                    buffer[w++] = input[r++];
                    continue;
                }

                var (text, replacement) = s_tokens[token];
                Add(clean, original, w, r);
                replacement.CopyTo(buffer.AsSpan(w));
                w += replacement.Length;
                r += text.Length;
                Add(clean, original, w, r);
            }

            return new RefangedText(new string(buffer, 0, w), [.. clean], [.. original]);
        }

        private static void Add(List<int> clean, List<int> original, int c, int o)
        {
            if (clean.Count > 0 && clean[^1] == c)
            {
                original[^1] = o; // two tokens back to back: the later mapping is the one that applies from c on
                return;
            }

            clean.Add(c);
            original.Add(o);
        }

        private static int MatchToken(ReadOnlySpan<char> text)
        {
            // Every token's second character is one of these: most brackets in prose are rejected here.
            if (text.Length < 2 || text[1] is not ('.' or ':' or '@' or 'd' or 'D' or 'a' or 'A'))
            {
                return -1;
            }

            for (var t = 0; t < s_tokens.Length; t++)
            {
                if (text.StartsWith(s_tokens[t].Token, StringComparison.OrdinalIgnoreCase))
                {
                    return t;
                }
            }

            return -1;
        }

        /// <summary>Maps a position (start, or exclusive end) in <see cref="Text"/> to the original text.</summary>
        public int ToOriginal(int cleanIndex)
        {
            var k = Array.BinarySearch(_clean, cleanIndex);
            if (k < 0)
            {
                k = ~k - 1;
            }

            return k < 0 ? cleanIndex : _original[k] + (cleanIndex - _clean[k]);
        }
    }
}
