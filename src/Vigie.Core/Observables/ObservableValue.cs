using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigie.Core.Observables;

/// <summary>
/// An indicator attached to incidents (IP, CIDR, domain, URL, e-mail, hash, CVE, ASN), stored in a
/// normal form so that the same indicator correlates across incidents whatever way it was written.
/// </summary>
/// <remarks>
/// Build values with <see cref="TryNormalize"/>; the constructor does not normalise and exists for
/// rehydrating values that were normalised before (e.g. read back from the database).
/// </remarks>
/// <param name="Kind">What the value denotes.</param>
/// <param name="Value">The normal form (see <see cref="TryNormalize"/> for the rules per kind).</param>
public readonly record struct ObservableValue(ObservableKind Kind, string Value)
{
    /// <summary>Longer inputs are refused before any parsing: no indicator is this long, and it bounds the work done on hostile input.</summary>
    public const int MaxInputLength = 8192;

    // Bracketed defanging forms, matched case-insensitively. Only bracketed forms are undone:
    // "example dot com" or "user at example" are prose, not defanged indicators.
    private static readonly (string Token, string Replacement)[] DefangTokens =
    [
        ("[://]", "://"), ("[:]", ":"),
        ("[.]", "."), ("(.)", "."), ("{.}", "."),
        ("[dot]", "."), ("(dot)", "."), ("{dot}", "."),
        (@"\.", "."),
        ("[@]", "@"), ("(@)", "@"), ("{@}", "@"),
        ("[at]", "@"), ("(at)", "@"), ("{at}", "@"),
    ];

    /// <summary>
    /// Undoes the usual ways analysts "defang" indicators so nobody clicks them:
    /// <c>[.]</c> <c>(.)</c> <c>{.}</c> <c>[dot]</c> <c>(dot)</c> <c>{dot}</c> <c>\.</c> → <c>.</c>;
    /// <c>[@]</c> <c>(@)</c> <c>{@}</c> <c>[at]</c> <c>(at)</c> <c>{at}</c> → <c>@</c>;
    /// <c>[:]</c> → <c>:</c>; <c>[://]</c> → <c>://</c>; and <c>hxxp://</c>/<c>hxxps://</c> (any case of the x's) → <c>http://</c>/<c>https://</c>.
    /// </summary>
    /// <remarks>
    /// Conservative: matching is case-insensitive but only the bracketed forms above are undone, so
    /// text without them comes back unchanged (the same instance). <c>hxxp</c> is only undone as a
    /// whole scheme directly followed by <c>://</c>. Nested forms (<c>[[.]]</c>) are undone until none
    /// is left, so refanging is idempotent.
    /// </remarks>
    /// <param name="text">The text to refang.</param>
    /// <returns>The refanged text.</returns>
    public static string Refang(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var current = text;
        // Every replacement is shorter than its token, so this loop ends.
        while (ReplaceDefangTokens(current) is { } shorter)
        {
            current = shorter;
        }

        return RefangScheme(current);
    }

    /// <summary>
    /// Refangs, trims and normalises <paramref name="input"/> as an observable of
    /// <paramref name="kind"/>, or of the kind detected from its shape when <paramref name="kind"/> is null.
    /// </summary>
    /// <remarks>
    /// <para>Detection order (first match wins, then that kind's rules decide and explain failures):
    /// CVE (<c>CVE-</c> prefix), ASN (<c>AS</c>/<c>ASN</c> + number), hash (hex of length 32/40/64/128),
    /// CIDR (address + <c>/</c> + length), IPv4 (digits and dots), IPv6 (hex and colons),
    /// URL (<c>scheme://</c>), e-mail (contains <c>@</c>), domain (contains a dot).</para>
    /// <para>Normal forms:</para>
    /// <list type="bullet">
    /// <item>IPv4: dotted decimal; octets with leading zeros are refused (octal in some parsers).</item>
    /// <item>IPv6: RFC 5952 canonical (lower case, longest zero run compressed); zone indexes refused;
    /// IPv4-mapped addresses (<c>::ffff:192.0.2.1</c>) become <see cref="ObservableKind.IPv4"/>,
    /// whichever of IPv4/IPv6 was asked for.</item>
    /// <item>CIDR: <c>network/length</c> with the network canonical as above; host bits set is an error
    /// that proposes the network. A /32 or /128 stays a CIDR.</item>
    /// <item>Domain: lower case, one trailing dot removed, IDN labels to punycode (RFC 5891); labels of
    /// 1–63 letters, digits, hyphens or underscores; at most 253 characters; at least two labels and
    /// a top-level label that is not all digits.</item>
    /// <item>URL: scheme lower-cased; host normalised as a domain (single-label hosts allowed) or IP;
    /// an empty or default port (http 80, https 443, ftp 21, ws 80, wss 443) removed; an empty http(s)
    /// path becomes <c>/</c> (RFC 9110 §4.2.3). User info, path, query and fragment are kept verbatim,
    /// never decoded or re-encoded: they are evidence (the fragment too).</item>
    /// <item>E-mail: local part kept as given; domain normalised as a domain; exactly one <c>@</c>
    /// outside a quoted local part.</item>
    /// <item>Hashes: lower-case hex. CVE: <c>CVE-YYYY-NNNN</c> upper case, year ≥ 1999, at least four
    /// sequence digits (superfluous leading zeros dropped). ASN: <c>AS</c> + asplain number
    /// (0–4294967295); <c>ASN</c> prefix and asdot <c>AS1.10</c> (RFC 5396) accepted; with an explicit
    /// kind a bare number is accepted too.</item>
    /// </list>
    /// </remarks>
    /// <param name="input">What the analyst pasted; may be defanged (see <see cref="Refang"/>).</param>
    /// <param name="kind">The expected kind, or null to detect it.</param>
    /// <param name="value">The normalised observable when the method returns true.</param>
    /// <param name="error">An English sentence naming the input and saying what is wrong, when the method returns false.</param>
    /// <returns>Whether <paramref name="input"/> is a valid observable.</returns>
    public static bool TryNormalize(string? input, ObservableKind? kind, out ObservableValue value, out string? error)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = ObservableErrors.Empty;
            return false;
        }

        var shown = input.Trim();
        if (shown.Length > MaxInputLength)
        {
            error = ObservableErrors.Format(ObservableErrors.TooLong, shown, shown.Length, MaxInputLength);
            return false;
        }

        var text = Refang(shown);
        var target = kind ?? Detect(text);
        error = target switch
        {
            null => UnrecognisedError(text, shown),
            ObservableKind.IPv4 or ObservableKind.IPv6 => NormalizeIp(text, shown, target.Value, out value),
            ObservableKind.Cidr => NormalizeCidr(text, shown, out value),
            ObservableKind.Domain => NormalizeDomainObservable(text, shown, out value),
            ObservableKind.Url => NormalizeUrl(text, shown, out value),
            ObservableKind.Email => NormalizeEmail(text, shown, out value),
            ObservableKind.Md5 or ObservableKind.Sha1 or ObservableKind.Sha256 or ObservableKind.Sha512
                => NormalizeHash(text, shown, target.Value, out value),
            ObservableKind.Cve => NormalizeCve(text, shown, out value),
            ObservableKind.Asn => NormalizeAsn(text, shown, out value),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown observable kind."),
        };
        return error is null;
    }

    /// <summary>
    /// Whether an IP address lies in, or a CIDR block lies wholly inside, a special-purpose block that is
    /// not globally reachable (RFC 6890 and its updates): private, loopback, link-local, shared (CGNAT),
    /// documentation, benchmarking, unique-local, multicast, reserved, unspecified, broadcast.
    /// </summary>
    /// <param name="v">The observable; it is normalised again, so a hand-built value is fine.</param>
    /// <returns>False for other kinds, for invalid values and for blocks that merely overlap a special-purpose block.</returns>
    public static bool IsPrivateOrReserved(ObservableValue v)
    {
        if (v.Kind is not (ObservableKind.IPv4 or ObservableKind.IPv6 or ObservableKind.Cidr)
            || !TryNormalize(v.Value, v.Kind, out var normal, out _))
        {
            return false;
        }

        var slash = normal.Value.IndexOf('/', StringComparison.Ordinal);
        var address = IPAddress.Parse(slash < 0 ? normal.Value : normal.Value[..slash]);
        var prefixLength = slash < 0
            ? (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            : int.Parse(normal.Value.AsSpan(slash + 1), CultureInfo.InvariantCulture);
        return SpecialPurposeAddresses.Contains(address, prefixLength);
    }

    private static string? ReplaceDefangTokens(string text)
    {
        StringBuilder? builder = null; // allocated on the first token only: undefanged text is returned as is
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = text[i] is '[' or '(' or '{' or '\\' ? MatchDefangToken(text.AsSpan(i)) : -1;
            if (match < 0)
            {
                i++;
                continue;
            }

            var (token, replacement) = DefangTokens[match];
            builder ??= new StringBuilder(text.Length);
            builder.Append(text, copied, i - copied).Append(replacement);
            i += token.Length;
            copied = i;
        }

        return builder?.Append(text, copied, text.Length - copied).ToString();
    }

    private static int MatchDefangToken(ReadOnlySpan<char> text)
    {
        for (var t = 0; t < DefangTokens.Length; t++)
        {
            if (text.StartsWith(DefangTokens[t].Token, StringComparison.OrdinalIgnoreCase))
            {
                return t;
            }
        }

        return -1;
    }

    // "hxxp://" and "hxxps://", any case of the x's, at the start of a scheme (not inside a longer word).
    private static string RefangScheme(string text)
    {
        char[]? chars = null;
        for (var i = 0; i + "hxxp://".Length <= text.Length; i++)
        {
            if (i > 0 && IsSchemeChar(text[i - 1]))
            {
                continue;
            }

            var rest = text.AsSpan(i);
            if (!rest.StartsWith("hxxp", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var schemeLength = rest[4] is 's' or 'S' ? 5 : 4;
            if (rest[schemeLength..].StartsWith("://", StringComparison.Ordinal))
            {
                chars ??= text.ToCharArray();
                "https".AsSpan(0, schemeLength).CopyTo(chars.AsSpan(i));
            }
        }

        return chars is null ? text : new string(chars);
    }

    private static ObservableKind? Detect(string text)
    {
        // "cve-2021-44228.example" is a domain: only a bare identifier is taken for a CVE.
        if (text.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) && text.AsSpan().IndexOfAny("./:@") < 0)
        {
            return ObservableKind.Cve;
        }

        if (LooksLikeAsn(text))
        {
            return ObservableKind.Asn;
        }

        if (IsHex(text) && HashKindForLength(text.Length) is { } hash)
        {
            return hash;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && LooksLikeIp(text.AsSpan(0, slash)) && text.AsSpan(slash + 1).ContainsAnyExceptInRange('0', '9') is false)
        {
            return ObservableKind.Cidr;
        }

        if (LooksLikeIp(text))
        {
            return text.Contains(':', StringComparison.Ordinal) ? ObservableKind.IPv6 : ObservableKind.IPv4;
        }

        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator > 0 && IsScheme(text.AsSpan(0, separator)))
        {
            return ObservableKind.Url;
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            return ObservableKind.Email;
        }

        return text.AsSpan().IndexOfAny(LabelSeparators) >= 0 ? ObservableKind.Domain : null;
    }

    private static bool LooksLikeAsn(string text)
    {
        if (!text.StartsWith("AS", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var number = text.AsSpan(text.Length > 2 && text[2] is 'N' or 'n' ? 3 : 2);
        return number.Length > 0 && char.IsAsciiDigit(number[0]) && !number.ContainsAnyExcept("0123456789.");
    }

    // Digits and dots with a dot (IPv4), or hex digits, colons and dots with a colon (IPv6),
    // possibly followed by a zone index so that NormalizeIp can explain why it is refused.
    private static bool LooksLikeIp(ReadOnlySpan<char> text)
    {
        if (text.Contains(':'))
        {
            var percent = text.IndexOf('%');
            var address = percent < 0 ? text : text[..percent];
            return !address.ContainsAnyExcept("0123456789abcdefABCDEF:.");
        }

        return text.Contains('.') && !text.ContainsAnyExcept("0123456789.");
    }

    private static string UnrecognisedError(string text, string shown) =>
        IsHex(text) && text.Length >= 16
            ? ObservableErrors.Format(ObservableErrors.HashLength, shown, text.Length)
            : ObservableErrors.Format(ObservableErrors.Unrecognised, shown);

    private static string? NormalizeIp(string text, string shown, ObservableKind requested, out ObservableValue value)
    {
        value = default;
        if (TryParseIp(text, shown, unmap: true, out var address) is { } error)
        {
            return error;
        }

        var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        var writtenAsV6 = text.Contains(':', StringComparison.Ordinal);
        if (requested == ObservableKind.IPv4 && !isV4)
        {
            return ObservableErrors.Format(ObservableErrors.IsIPv6NotIPv4, shown);
        }

        if (requested == ObservableKind.IPv6 && !writtenAsV6)
        {
            return ObservableErrors.Format(ObservableErrors.IsIPv4NotIPv6, shown);
        }

        value = new ObservableValue(isV4 ? ObservableKind.IPv4 : ObservableKind.IPv6, address.ToString());
        return null;
    }

    // IPv6 when the text has a colon, strict dotted-decimal IPv4 otherwise. IPAddress.TryParse alone is too
    // lenient for evidence: it takes "1", "0x7f.1", "[::1]:80" and zone indexes.
    private static string? TryParseIp(string text, string shown, bool unmap, out IPAddress address)
    {
        address = IPAddress.None;
        if (!text.Contains(':', StringComparison.Ordinal))
        {
            return TryParseIPv4(text, shown, out address);
        }

        if (text.Contains('%', StringComparison.Ordinal))
        {
            return ObservableErrors.Format(ObservableErrors.ZoneIndex, shown);
        }

        if (text.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF:.")
            || !IPAddress.TryParse(text, out var parsed)
            || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ObservableErrors.Format(ObservableErrors.NotIPv6, shown);
        }

        // The same host must correlate however it was written: ::ffff:192.0.2.1 is 192.0.2.1 (RFC 4291 §2.5.5.2).
        address = unmap && parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return null;
    }

    private static string? TryParseIPv4(string text, string shown, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> octets = stackalloc byte[4];
        var count = 0;
        foreach (var range in text.AsSpan().Split('.'))
        {
            var part = text.AsSpan(range);
            if (count == 4 || part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9'))
            {
                return ObservableErrors.Format(ObservableErrors.NotIPv4, shown);
            }

            if (part.Length > 1 && part[0] == '0')
            {
                return ObservableErrors.Format(ObservableErrors.LeadingZeroOctet, shown);
            }

            var number = int.Parse(part, CultureInfo.InvariantCulture);
            if (number > 255)
            {
                return ObservableErrors.Format(ObservableErrors.NotIPv4, shown);
            }

            octets[count++] = (byte)number;
        }

        if (count != 4)
        {
            return ObservableErrors.Format(ObservableErrors.NotIPv4, shown);
        }

        address = new IPAddress(octets);
        return null;
    }

    private static string? NormalizeCidr(string text, string shown, out ObservableValue value)
    {
        value = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var lengthText = slash < 0 ? default : text.AsSpan(slash + 1);
        if (slash <= 0 || lengthText.Length is 0 or > 3 || lengthText.ContainsAnyExceptInRange('0', '9'))
        {
            return ObservableErrors.Format(ObservableErrors.NotCidr, shown);
        }

        if (TryParseIp(text[..slash], shown, unmap: false, out var address) is { } error)
        {
            return error;
        }

        var prefixLength = int.Parse(lengthText, CultureInfo.InvariantCulture);
        // ::ffff:0:0/96 and longer are IPv4 networks written in IPv6 (RFC 4291 §2.5.5.2).
        if (address.IsIPv4MappedToIPv6 && prefixLength is >= 96 and <= 128)
        {
            address = address.MapToIPv4();
            prefixLength -= 96;
        }

        var bytes = address.GetAddressBytes();
        if (prefixLength > bytes.Length * 8)
        {
            return ObservableErrors.Format(ObservableErrors.PrefixTooLong, shown, prefixLength, bytes.Length * 8);
        }

        var network = new IPAddress(MaskToPrefix(bytes, prefixLength));
        var canonical = string.Create(CultureInfo.InvariantCulture, $"{network}/{prefixLength}");
        if (!network.Equals(address))
        {
            return ObservableErrors.Format(ObservableErrors.HostBitsSet, shown, canonical);
        }

        value = new ObservableValue(ObservableKind.Cidr, canonical);
        return null;
    }

    private static byte[] MaskToPrefix(byte[] bytes, int prefixLength)
    {
        var masked = new byte[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var kept = Math.Clamp(prefixLength - (i * 8), 0, 8);
            masked[i] = (byte)(bytes[i] & (0xFF << (8 - kept)));
        }

        return masked;
    }

    private static string? NormalizeDomainObservable(string text, string shown, out ObservableValue value)
    {
        value = default;
        if (NormalizeDomain(text, shown, requireDot: true, out var domain) is { } error)
        {
            return error;
        }

        value = new ObservableValue(ObservableKind.Domain, domain);
        return null;
    }

    // IDNA label separators (RFC 3490 §3.1): full stop, ideographic, full-width and half-width full stops.
    private const string LabelSeparators = ".\u3002\uFF0E\uFF61";

    private static string? NormalizeDomain(string text, string shown, bool requireDot, out string domain)
    {
        domain = "";
        var name = text.Replace('\u3002', '.').Replace('\uFF0E', '.').Replace('\uFF61', '.');
        if (name.EndsWith('.'))
        {
            name = name[..^1]; // the root label (RFC 1034 §3.1): "example.com." is "example.com"
        }

        if (name.Length == 0)
        {
            return ObservableErrors.Format(ObservableErrors.NotDomain, shown);
        }

        var labels = name.Split('.');
        if (requireDot && labels.Length < 2)
        {
            return ObservableErrors.Format(ObservableErrors.SingleLabel, shown);
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (NormalizeLabel(labels[i], shown, out labels[i]) is { } error)
            {
                return error;
            }
        }

        if (labels[^1].AsSpan().ContainsAnyExceptInRange('0', '9') is false)
        {
            return ObservableErrors.Format(ObservableErrors.NumericTld, shown);
        }

        domain = string.Join('.', labels);
        // RFC 1035 §2.3.4 allows 255 octets on the wire, which is 253 characters in text without the root dot.
        return domain.Length > 253 ? ObservableErrors.Format(ObservableErrors.DomainTooLong, shown, domain.Length) : null;
    }

    private static string? NormalizeLabel(string label, string shown, out string ascii)
    {
        ascii = label.ToLowerInvariant();
        if (label.Length == 0)
        {
            return ObservableErrors.Format(ObservableErrors.EmptyLabel, shown);
        }

        // IdnMapping instances are not documented as thread-safe, so each conversion gets its own. Defaults:
        // no unassigned code points (RFC 5891 §5.4) and no STD3 rules, so underscores pass (RFC 2181 §11).
        var idn = new IdnMapping();
        try
        {
            if (!Ascii.IsValid(label))
            {
                // RFC 5891 §4: U-labels are stored as their A-label (punycode) form.
                ascii = idn.GetAscii(label).ToLowerInvariant();
            }
            else if (ascii.StartsWith("xn--", StringComparison.Ordinal))
            {
                _ = idn.GetUnicode(ascii); // an A-label must decode to a valid U-label (RFC 5891 §5.4)
            }
        }
        catch (ArgumentException)
        {
            return ObservableErrors.Format(ObservableErrors.InvalidIdn, shown, label);
        }

        if (ascii.Length > 63)
        {
            return ObservableErrors.Format(ObservableErrors.LabelTooLong, shown, ascii.Length);
        }

        var bad = ascii.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-_");
        if (bad < 0)
        {
            return null;
        }

        return ascii[bad] is '/' or ':' or '?' or '#'
            ? ObservableErrors.Format(ObservableErrors.DomainLooksLikeUrl, shown)
            : ObservableErrors.Format(ObservableErrors.DomainBadCharacter, shown, ascii[bad]);
    }

    private static string? NormalizeUrl(string text, string shown, out ObservableValue value)
    {
        value = default;
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !IsScheme(text.AsSpan(0, separator)))
        {
            return ObservableErrors.Format(ObservableErrors.NotUrl, shown);
        }

        if (text.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0 || text.Contains('\u007F', StringComparison.Ordinal))
        {
            return ObservableErrors.Format(ObservableErrors.UrlWhitespace, shown);
        }

        // RFC 3986 §3: scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ];
        // the authority ends at the first '/', '?' or '#'.
        var scheme = text[..separator].ToLowerInvariant();
        var afterScheme = separator + 3;
        var authorityEnd = text.IndexOfAny(['/', '?', '#'], afterScheme);
        if (authorityEnd < 0)
        {
            authorityEnd = text.Length;
        }

        var authority = text[afterScheme..authorityEnd];
        var tail = text[authorityEnd..];

        // User info (RFC 3986 §3.2.1) is kept verbatim: "https://bank.example@evil.example/" is evidence.
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? null : authority[..at];
        var hostPort = authority[(at + 1)..];

        if (SplitHostPort(hostPort, out var host, out var port, out var bracketed) is false || host.Length == 0)
        {
            return ObservableErrors.Format(ObservableErrors.UrlNoHost, shown);
        }

        string normalHost;
        if (bracketed || LooksLikeIp(host))
        {
            // RFC 3986 §3.2.2: IPv6 literals are bracketed; IPv4 hosts are dotted decimal.
            if (TryParseIp(host, host, unmap: true, out var address) is { } ipError)
            {
                return ObservableErrors.Format(ObservableErrors.UrlBadHost, shown, ipError);
            }

            if (bracketed != (host.Contains(':', StringComparison.Ordinal)))
            {
                return ObservableErrors.Format(ObservableErrors.UrlNoHost, shown);
            }

            normalHost = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }
        else if (NormalizeDomain(host, host, requireDot: false, out normalHost) is { } hostError)
        {
            return ObservableErrors.Format(ObservableErrors.UrlBadHost, shown, hostError);
        }

        var portSuffix = "";
        if (port.Length > 0)
        {
            if (port.Length > 5 || port.AsSpan().ContainsAnyExceptInRange('0', '9')
                || int.Parse(port, CultureInfo.InvariantCulture) is var number && number > 65535)
            {
                return ObservableErrors.Format(ObservableErrors.UrlBadPort, shown, port);
            }

            // RFC 3986 §6.2.3: the scheme's default port is the same as no port.
            portSuffix = number == DefaultPort(scheme) ? "" : string.Create(CultureInfo.InvariantCulture, $":{number}");
        }

        // RFC 9110 §4.2.3: for http(s) an empty path is the same as "/".
        if (scheme is "http" or "https" && !tail.StartsWith('/'))
        {
            tail = "/" + tail;
        }

        // System.Uri checks the rest of the URI, with a stand-in host: its own host rules refuse some names
        // that our domain rules (and DNS) accept, e.g. "a.bc._d.example" (RFC 2181 §11).
        var prefix = $"{scheme}://{(userInfo is null ? "" : userInfo + "@")}";
        if (!Uri.TryCreate($"{prefix}host.invalid{portSuffix}{tail}", UriKind.Absolute, out _))
        {
            return ObservableErrors.Format(ObservableErrors.NotUrl, shown);
        }

        value = new ObservableValue(ObservableKind.Url, $"{prefix}{normalHost}{portSuffix}{tail}");
        return null;
    }

    private static bool SplitHostPort(string hostPort, out string host, out string port, out bool bracketed)
    {
        bracketed = hostPort.StartsWith('[');
        var colon = hostPort.LastIndexOf(':');
        if (bracketed)
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? "" : hostPort[1..close];
            port = close < 0 || close == hostPort.Length - 1 ? "" : hostPort[(close + 1)..];
            if (port.Length > 0 && port[0] != ':')
            {
                return false;
            }

            port = port.Length > 0 ? port[1..] : port;
            return close > 0;
        }

        host = colon < 0 ? hostPort : hostPort[..colon];
        port = colon < 0 ? "" : hostPort[(colon + 1)..];
        return true;
    }

    private static int DefaultPort(string scheme) => scheme switch
    {
        "http" or "ws" => 80,
        "https" or "wss" => 443,
        "ftp" => 21,
        _ => -1,
    };

    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    private static bool IsScheme(ReadOnlySpan<char> text) =>
        text.Length > 0 && char.IsAsciiLetter(text[0]) && !text.ContainsAnyExcept(SchemeChars);

    private const string SchemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";

    private static bool IsSchemeChar(char c) => SchemeChars.Contains(c, StringComparison.Ordinal);

    private static string? NormalizeEmail(string text, string shown, out ObservableValue value)
    {
        value = default;
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            return ObservableErrors.Format(ObservableErrors.NotEmail, shown);
        }

        var local = text[..at];
        var quoted = local.Length >= 2 && local[0] == '"' && local[^1] == '"';
        if (!quoted && local.Contains('@', StringComparison.Ordinal))
        {
            return ObservableErrors.Format(ObservableErrors.EmailManyAt, shown);
        }

        if (!IsValidLocalPart(local, quoted))
        {
            return ObservableErrors.Format(ObservableErrors.EmailBadLocal, shown, local);
        }

        if (NormalizeDomain(text[(at + 1)..], text[(at + 1)..], requireDot: true, out var domain) is { } domainError)
        {
            return ObservableErrors.Format(ObservableErrors.EmailBadDomain, shown, domainError);
        }

        // The local part is kept as given: RFC 5321 §2.4 lets the receiving host treat it case-sensitively.
        value = new ObservableValue(ObservableKind.Email, $"{local}@{domain}");
        return null;
    }

    // RFC 5322 §3.4.1 dot-atom or quoted-string, with UTF-8 allowed (RFC 6531 §3.3); at most 64 octets (RFC 5321 §4.5.3.1.1).
    private static bool IsValidLocalPart(string local, bool quoted)
    {
        // Control characters are never allowed; spaces only inside a quoted string (checked by the atext loop below).
        if (Encoding.UTF8.GetByteCount(local) > 64 || local.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0 || local.Contains('\u007F', StringComparison.Ordinal))
        {
            return false;
        }

        if (quoted)
        {
            return true;
        }

        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (c < 0x80 && !char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string? NormalizeHash(string text, string shown, ObservableKind kind, out ObservableValue value)
    {
        value = default;
        var (name, length) = kind switch
        {
            ObservableKind.Md5 => ("MD5", 32),
            ObservableKind.Sha1 => ("SHA-1", 40),
            ObservableKind.Sha256 => ("SHA-256", 64),
            _ => ("SHA-512", 128),
        };
        if (text.Length != length || !IsHex(text))
        {
            return ObservableErrors.Format(ObservableErrors.NotHash, shown, name, length);
        }

        value = new ObservableValue(kind, text.ToLowerInvariant());
        return null;
    }

    private static bool IsHex(string text) => text.Length > 0 && !text.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF");

    private static ObservableKind? HashKindForLength(int length) => length switch
    {
        32 => ObservableKind.Md5,
        40 => ObservableKind.Sha1,
        64 => ObservableKind.Sha256,
        128 => ObservableKind.Sha512,
        _ => null,
    };

    // CVE ID syntax (cve.org): CVE-YYYY-NNNN with four or more sequence digits; the first CVEs are from 1999.
    private static string? NormalizeCve(string text, string shown, out ObservableValue value)
    {
        value = default;
        var span = text.AsSpan();
        if (!span.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) || span.Length < 13 || span[8] != '-'
            || span[4..8].ContainsAnyExceptInRange('0', '9') || span[9..].ContainsAnyExceptInRange('0', '9')
            || int.Parse(span[4..8], CultureInfo.InvariantCulture) < 1999)
        {
            return ObservableErrors.Format(ObservableErrors.NotCve, shown);
        }

        // "CVE-2021-044228" is CVE-2021-44228: only IDs below 1000 are zero-padded, to four digits.
        var sequence = span[9..].TrimStart('0');
        var padding = Math.Max(0, 4 - sequence.Length);
        value = new ObservableValue(ObservableKind.Cve, $"CVE-{span[4..8]}-{new string('0', padding)}{sequence}");
        return null;
    }

    private static string? NormalizeAsn(string text, string shown, out ObservableValue value)
    {
        value = default;
        var span = text.AsSpan();
        if (span.StartsWith("ASN", StringComparison.OrdinalIgnoreCase))
        {
            span = span[3..];
        }
        else if (span.StartsWith("AS", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        if (!TryParseAsNumber(span, out var number))
        {
            return ObservableErrors.Format(ObservableErrors.NotAsn, shown);
        }

        value = new ObservableValue(ObservableKind.Asn, string.Create(CultureInfo.InvariantCulture, $"AS{number}"));
        return null;
    }

    // RFC 5396 §1: "asplain" is a decimal up to 4294967295; "asdot" is high.low with two 16-bit halves.
    private static bool TryParseAsNumber(ReadOnlySpan<char> text, out uint number)
    {
        number = 0;
        if (text.Length is 0 or > 11 || !char.IsAsciiDigit(text[0]) || text.ContainsAnyExcept("0123456789."))
        {
            return false;
        }

        var dot = text.IndexOf('.');
        if (dot < 0)
        {
            return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number);
        }

        if (!ushort.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            || !ushort.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        number = ((uint)high << 16) | low;
        return true;
    }
}

/// <summary>
/// The error sentences of <see cref="ObservableValue.TryNormalize"/>, in English for people; {0} is always
/// the input as given. Kept in one table so the UI layer can localise them later.
/// </summary>
internal static class ObservableErrors
{
    public const string Empty = "An observable is required; the input is empty.";
    public const string TooLong = "'{0}' is {1} characters long; an observable is at most {2} characters.";
    public const string Unrecognised = "'{0}' is not recognised as an IP address, CIDR block, domain name, URL, e-mail address, hash, CVE identifier or AS number.";
    public const string HashLength = "'{0}' looks like a hash but has {1} hexadecimal digits; MD5, SHA-1, SHA-256 and SHA-512 have 32, 40, 64 and 128.";
    public const string NotIPv4 = "'{0}' is not a valid IPv4 address; expected four numbers from 0 to 255 separated by dots, such as 192.0.2.1.";
    public const string LeadingZeroOctet = "'{0}' has an octet with a leading zero, which some systems read as octal and others as decimal; write each octet without leading zeros.";
    public const string NotIPv6 = "'{0}' is not a valid IPv6 address (RFC 4291 §2.2).";
    public const string ZoneIndex = "'{0}' has a zone index ('%…'), which only means something on one host; remove it.";
    public const string IsIPv6NotIPv4 = "'{0}' is an IPv6 address, not an IPv4 address.";
    public const string IsIPv4NotIPv6 = "'{0}' is an IPv4 address, not an IPv6 address.";
    public const string NotCidr = "'{0}' is not a valid CIDR block; expected an address, a slash and a prefix length, such as 198.51.100.0/24.";
    public const string PrefixTooLong = "'{0}' has prefix length {1}, but this address family allows at most {2}.";
    public const string HostBitsSet = "'{0}' has host bits set; did you mean {1}?";
    public const string NotDomain = "'{0}' is not a valid domain name.";
    public const string SingleLabel = "'{0}' is not a valid domain name: it needs at least two labels, such as example.com.";
    public const string EmptyLabel = "'{0}' is not a valid domain name: it has an empty label (a leading dot or two dots in a row).";
    public const string LabelTooLong = "'{0}' is not a valid domain name: a label has {1} characters, more than the 63 allowed (RFC 1035 §2.3.4).";
    public const string DomainTooLong = "'{0}' is not a valid domain name: it has {1} characters, more than the 253 allowed (RFC 1035 §2.3.4).";
    public const string NumericTld = "'{0}' is not a valid domain name: its last label is all digits, which no top-level domain is (RFC 3696 §2).";
    public const string DomainBadCharacter = "'{0}' is not a valid domain name: '{1}' is not allowed (only letters, digits, hyphens and underscores).";
    public const string DomainLooksLikeUrl = "'{0}' is not a domain name; if it is a URL, include its scheme, such as https://.";
    public const string InvalidIdn = "'{0}' is not a valid internationalised domain name: label '{1}' cannot be converted (RFC 5891).";
    public const string NotUrl = "'{0}' is not a valid URL; expected an absolute URL with a scheme and a host, such as https://example.com/path (RFC 3986).";
    public const string UrlWhitespace = "'{0}' is not a valid URL: it contains spaces or control characters, which must be percent-encoded (RFC 3986 §2.1).";
    public const string UrlNoHost = "'{0}' is not a valid URL: its host is missing or malformed (RFC 3986 §3.2.2).";
    public const string UrlBadHost = "'{0}' is not a valid URL because of its host: {1}";
    public const string UrlBadPort = "'{0}' is not a valid URL: port '{1}' is not a number from 0 to 65535.";
    public const string NotEmail = "'{0}' is not a valid e-mail address; expected local-part@domain (RFC 5321 §4.1.2).";
    public const string EmailManyAt = "'{0}' is not a valid e-mail address: it has more than one '@'.";
    public const string EmailBadLocal = "'{0}' is not a valid e-mail address: local part '{1}' is malformed (RFC 5322 §3.4.1).";
    public const string EmailBadDomain = "'{0}' is not a valid e-mail address because of its domain: {1}";
    public const string NotHash = "'{0}' is not a valid {1} hash; expected {2} hexadecimal digits.";
    public const string NotCve = "'{0}' is not a valid CVE identifier; expected CVE-YYYY-NNNN with a year from 1999 and at least four sequence digits.";
    public const string NotAsn = "'{0}' is not a valid AS number; expected AS followed by a number from 0 to 4294967295, such as AS64496.";

    private const int ShownLength = 100;

    /// <summary>Formats <paramref name="template"/>, shortening the input so a pasted log does not become the message.</summary>
    public static string Format(string template, string shown, params object[] args)
    {
        var input = shown.Length > ShownLength ? string.Concat(shown.AsSpan(0, ShownLength), "…") : shown;
        return string.Format(CultureInfo.InvariantCulture, template, [input, .. args]);
    }
}

/// <summary>
/// Special-purpose address blocks that are not globally reachable: the IANA registries described by
/// RFC 6890 §2.2.2 (IPv4) and §2.2.3 (IPv6), with the later additions noted.
/// </summary>
internal static class SpecialPurposeAddresses
{
    private static readonly IPNetwork[] Blocks =
    [
        // IPv4 — RFC 6890 §2.2.2
        IPNetwork.Parse("0.0.0.0/8"),          // "this network", RFC 791 / RFC 1122 §3.2.1.3
        IPNetwork.Parse("10.0.0.0/8"),         // private-use, RFC 1918
        IPNetwork.Parse("100.64.0.0/10"),      // shared address space (CGNAT), RFC 6598
        IPNetwork.Parse("127.0.0.0/8"),        // loopback, RFC 1122 §3.2.1.3
        IPNetwork.Parse("169.254.0.0/16"),     // link-local, RFC 3927
        IPNetwork.Parse("172.16.0.0/12"),      // private-use, RFC 1918
        IPNetwork.Parse("192.0.0.0/24"),       // IETF protocol assignments, RFC 6890 §2.1
        IPNetwork.Parse("192.0.2.0/24"),       // documentation TEST-NET-1, RFC 5737
        IPNetwork.Parse("192.88.99.0/24"),     // 6to4 relay anycast, RFC 3068 (deprecated by RFC 7526)
        IPNetwork.Parse("192.168.0.0/16"),     // private-use, RFC 1918
        IPNetwork.Parse("198.18.0.0/15"),      // benchmarking, RFC 2544
        IPNetwork.Parse("198.51.100.0/24"),    // documentation TEST-NET-2, RFC 5737
        IPNetwork.Parse("203.0.113.0/24"),     // documentation TEST-NET-3, RFC 5737
        IPNetwork.Parse("224.0.0.0/4"),        // multicast, RFC 5771
        IPNetwork.Parse("240.0.0.0/4"),        // reserved, RFC 1112 §4
        IPNetwork.Parse("255.255.255.255/32"), // limited broadcast, RFC 919 / RFC 8190 (inside 240/4, listed for the record)

        // IPv6 — RFC 6890 §2.2.3
        IPNetwork.Parse("::/128"),             // unspecified, RFC 4291 §2.5.2
        IPNetwork.Parse("::1/128"),            // loopback, RFC 4291 §2.5.3
        IPNetwork.Parse("::ffff:0:0/96"),      // IPv4-mapped, RFC 4291 §2.5.5.2 (normalised to IPv4 before we get here)
        IPNetwork.Parse("64:ff9b:1::/48"),     // local-use IPv4/IPv6 translation, RFC 8215
        IPNetwork.Parse("100::/64"),           // discard-only, RFC 6666
        IPNetwork.Parse("2001:2::/48"),        // benchmarking, RFC 5180
        IPNetwork.Parse("2001:db8::/32"),      // documentation, RFC 3849
        IPNetwork.Parse("3fff::/20"),          // documentation, RFC 9637
        IPNetwork.Parse("fc00::/7"),           // unique local, RFC 4193
        IPNetwork.Parse("fe80::/10"),          // link-local unicast, RFC 4291 §2.5.6
        IPNetwork.Parse("fec0::/10"),          // site-local, deprecated by RFC 3879
        IPNetwork.Parse("ff00::/8"),           // multicast, RFC 4291 §2.7
    ];

    /// <summary>Whether the block <paramref name="network"/>/<paramref name="prefixLength"/> lies wholly inside a special-purpose block.</summary>
    public static bool Contains(IPAddress network, int prefixLength)
    {
        foreach (var block in Blocks)
        {
            if (prefixLength >= block.PrefixLength && block.Contains(network))
            {
                return true;
            }
        }

        return false;
    }
}
