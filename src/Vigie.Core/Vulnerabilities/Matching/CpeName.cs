using System.Text;

namespace Vigie.Core.Vulnerabilities.Matching;

/// <summary>
/// A CPE name as a well-formed name (WFN, NISTIR 7695): eleven attributes, each a value, ANY ("*") or NA ("-").
/// Parsed from a CPE 2.3 formatted string (<c>cpe:2.3:a:apache:http_server:2.4.55:*:*:*:*:*:*:*</c>) or a 2.2 URI
/// (<c>cpe:/o:redhat:enterprise_linux:9::baseos</c>). Values are kept unescaped and lower-cased (CPE matching is
/// case-insensitive); wildcards in a value are kept as <see cref="Wildcard"/> marks.
/// </summary>
public sealed record CpeName(string Part, string Vendor, string Product, string Version, string Update, string Edition,
    string Language, string SwEdition, string TargetSw, string TargetHw, string Other)
{
    public const string Any = "*";
    public const string NotApplicable = "-";

    /// <summary>Marks an unescaped "*" or "?" inside a value (never produced by an escaped character).</summary>
    public const char Wildcard = '\u0001';
    public const char SingleWildcard = '\u0002';

    private const int MaxLength = 1024;

    /// <summary>"vendor:product", the key products are indexed by.</summary>
    public string ProductKey => $"{Vendor}:{Product}";

    public static bool TryParse(string? text, out CpeName name)
    {
        name = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }
        text = text.Trim();
        if (text.StartsWith("cpe:2.3:", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseFormatted(text, out name);
        }
        if (text.StartsWith("cpe:/", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUri(text, out name);
        }
        return false;
    }

    private static bool TryParseFormatted(string text, out CpeName name)
    {
        name = null!;
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = "cpe:2.3:".Length; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                current.Append(char.ToLowerInvariant(text[++i]));
            }
            else if (c == ':')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else if (c == '*')
            {
                current.Append(Wildcard);
            }
            else if (c == '?')
            {
                current.Append(SingleWildcard);
            }
            else
            {
                current.Append(char.ToLowerInvariant(c));
            }
        }
        parts.Add(current.ToString());
        if (parts.Count != 11 || parts[0] is not ("a" or "o" or "h" or "\u0001"))
        {
            return false;
        }
        var values = parts.Select(p => p == Wildcard.ToString() ? Any : p).ToArray();
        name = FromValues(values);
        return true;
    }

    private static bool TryParseUri(string text, out CpeName name)
    {
        name = null!;
        var raw = text["cpe:/".Length..].Split(':');
        if (raw.Length is < 1 or > 7)
        {
            return false;
        }
        var values = new string[11];
        Array.Fill(values, Any);
        for (var i = 0; i < raw.Length; i++)
        {
            if (!WellEncoded(raw[i]))
            {
                return false;
            }
            var decoded = Uri.UnescapeDataString(raw[i]).ToLowerInvariant();
            // 2.2: an empty component is ANY, "-" is NA.
            values[i] = decoded.Length == 0 ? Any : decoded;
        }
        // A packed edition "~edition~sw_edition~target_sw~target_hw~other" (CPE 2.3 §6.1.3.5).
        if (values[5].StartsWith('~'))
        {
            var packed = values[5].Split('~');
            values[5] = Empty(packed.ElementAtOrDefault(1));
            values[7] = Empty(packed.ElementAtOrDefault(2));
            values[8] = Empty(packed.ElementAtOrDefault(3));
            values[9] = Empty(packed.ElementAtOrDefault(4));
            values[10] = Empty(packed.ElementAtOrDefault(5));
        }
        if (values[0] is not ("a" or "o" or "h"))
        {
            return false;
        }
        name = FromValues(values);
        return true;

        static string Empty(string? v) => string.IsNullOrEmpty(v) ? Any : v;
    }

    /// <summary>Every "%" starts a two-digit hex escape (Uri.UnescapeDataString would leave a bad one in place).</summary>
    private static bool WellEncoded(string s)
    {
        for (var i = s.IndexOf('%', StringComparison.Ordinal); i >= 0; i = s.IndexOf('%', i + 1))
        {
            if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
            {
                return false;
            }
        }
        return true;
    }

    private static CpeName FromValues(string[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);

    /// <summary>True when a value names nothing in particular (ANY, NA, or only wildcards): such a vendor or product never identifies a product.</summary>
    public static bool IsUnspecific(string value) =>
        value is Any or NotApplicable or "" || value.All(c => c is Wildcard or SingleWildcard);

    /// <summary>True when the value is a plain value without wildcards.</summary>
    public static bool IsLiteral(string value) =>
        value is not (Any or NotApplicable) && value.Length > 0 && !value.Any(c => c is Wildcard or SingleWildcard);

    /// <summary>
    /// NISTIR 7696 attribute comparison of a source value (from a feed, may hold wildcards) with a target value
    /// (from the inventory): true unless the relation is DISJOINT. ANY on either side is compatible; NA only with NA or ANY.
    /// </summary>
    public static bool Compatible(string source, string target)
    {
        if (source == Any || target == Any)
        {
            return true;
        }
        if (source == NotApplicable || target == NotApplicable)
        {
            return source == target;
        }
        return source.Contains(Wildcard, StringComparison.Ordinal) || source.Contains(SingleWildcard, StringComparison.Ordinal)
            ? WildcardMatch(source, 0, target, 0)
            : source == target;
    }

    private static bool WildcardMatch(string pattern, int p, string text, int t)
    {
        while (p < pattern.Length)
        {
            if (pattern[p] == Wildcard)
            {
                for (var k = t; k <= text.Length; k++)
                {
                    if (WildcardMatch(pattern, p + 1, text, k))
                    {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.Length || (pattern[p] != SingleWildcard && pattern[p] != text[t]))
            {
                return false;
            }
            p++;
            t++;
        }
        return t == text.Length;
    }

    /// <summary>
    /// Whether this source name (a feed's) can denote the target product (an inventory's), attribute by attribute,
    /// leaving the version out (ranges decide it). A source with an unspecific vendor or product never matches.
    /// </summary>
    public bool SameProductAs(CpeName target) =>
        !IsUnspecific(Vendor) && !IsUnspecific(Product) && Part == target.Part && Vendor == target.Vendor && Product == target.Product
        && Compatible(Update, target.Update) && Compatible(Edition, target.Edition) && Compatible(Language, target.Language)
        && Compatible(SwEdition, target.SwEdition) && Compatible(TargetSw, target.TargetSw) && Compatible(TargetHw, target.TargetHw)
        && Compatible(Other, target.Other);

    /// <summary>The 2.3 formatted string (wildcards written back, specials escaped).</summary>
    public override string ToString()
    {
        var b = new StringBuilder("cpe:2.3");
        foreach (var v in new[] { Part, Vendor, Product, Version, Update, Edition, Language, SwEdition, TargetSw, TargetHw, Other })
        {
            b.Append(':');
            if (v is Any or NotApplicable)
            {
                b.Append(v);
                continue;
            }
            foreach (var c in v)
            {
                if (c == Wildcard)
                {
                    b.Append('*');
                }
                else if (c == SingleWildcard)
                {
                    b.Append('?');
                }
                else
                {
                    if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
                    {
                        b.Append('\\');
                    }
                    b.Append(c);
                }
            }
        }
        return b.ToString();
    }
}
