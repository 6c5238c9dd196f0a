using System.Globalization;
using System.Text;
using System.Net;

namespace Vigie.Core.Lookup;

/// <summary>
/// Normalises domain names typed by people or pulled out of reports, so that a constituent's
/// scope and an observable compare as plain strings.
/// </summary>
public static class DomainName
{
    /// <summary>RFC 1035 §2.3.4: 255 octets on the wire, i.e. 253 characters in text without the trailing dot.</summary>
    public const int MaxLength = 253;

    /// <summary>RFC 1035 §2.3.4.</summary>
    public const int MaxLabelLength = 63;

    // Non-transitional UTS #46 processing as IDNA2008 (RFC 5891) expects. STD3 rules stay off so
    // that '_' (SRV/DKIM-style labels such as _dmarc) reaches our own character check.
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>
    /// Normalises <paramref name="text"/>: trims, undoes defanging (<c>[.]</c>, <c>(.)</c>, <c>{.}</c>),
    /// maps internationalised names to their A-label (punycode) form (RFC 5891 §4), lower-cases,
    /// drops the trailing root dot, then checks the result: labels of 1–63 letters, digits, hyphens
    /// (not first or last) or underscores, at most 253 characters, not an IP literal, no wildcard.
    /// </summary>
    /// <returns>false with an English sentence for people in <paramref name="error"/>.</returns>
    public static bool TryNormalize(string? text, out string normalized, out string? error)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a domain name is required";
            return false;
        }

        var t = text.Trim()
            .Replace("[.]", ".", StringComparison.Ordinal)
            .Replace("(.)", ".", StringComparison.Ordinal)
            .Replace("{.}", ".", StringComparison.Ordinal);

        if (t.Contains('*', StringComparison.Ordinal))
        {
            var rest = t.StartsWith("*.", StringComparison.Ordinal) ? t[2..] : null;
            error = rest is null || rest.Contains('*', StringComparison.Ordinal)
                ? $"'{t}' contains a wildcard '*', which is not allowed in a domain name"
                : $"'{t}' is a wildcard; enter {rest} instead (its subdomains match anyway)";
            return false;
        }

        var literal = t.StartsWith('[') && t.EndsWith(']') ? t[1..^1] : t;
        if (IPAddress.TryParse(literal, out _))
        {
            error = $"'{t}' is an IP address, not a domain name";
            return false;
        }

        var name = t;
        if (!Ascii.IsValid(name))
        {
            try
            {
                // Also maps full-width and ideographic dots (U+3002…) to '.', and case-folds (UTS #46 §4).
                name = Idn.GetAscii(name);
            }
            catch (ArgumentException)
            {
                error = $"'{t}' is not a valid internationalised domain name (RFC 5891)";
                return false;
            }
        }

        name = name.ToLowerInvariant();
        if (name.EndsWith('.'))
        {
            name = name[..^1]; // the root label: "example.com." and "example.com" are the same name
        }

        if (!TryCheck(t, name, out error))
        {
            return false;
        }

        normalized = name;
        return true;
    }

    private static bool TryCheck(string original, string name, out string? error)
    {
        if (name.Length == 0 || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
        {
            error = $"'{original}' has an empty label";
            return false;
        }

        if (name.Length > MaxLength)
        {
            error = $"'{original}' is {name.Length} characters long; a domain name is at most {MaxLength}";
            return false;
        }

        var hasPunycode = false;
        foreach (var range in name.AsSpan().Split('.'))
        {
            var label = name.AsSpan(range);
            if (label.Length > MaxLabelLength)
            {
                error = $"label '{label}' of '{original}' is {label.Length} characters long; a label is at most {MaxLabelLength}";
                return false;
            }

            var bad = label.IndexOfAnyExcept(LabelChars);
            if (bad >= 0)
            {
                error = $"'{original}' contains '{label[bad]}', which is not allowed in a domain name";
                return false;
            }

            // RFC 1123 §2.1 host names and RFC 5891 §4.2.3.1 alike: no hyphen at either end.
            if (label[0] == '-' || label[^1] == '-')
            {
                error = $"label '{label}' of '{original}' starts or ends with a hyphen";
                return false;
            }

            hasPunycode |= label.StartsWith("xn--", StringComparison.Ordinal);
        }

        // RFC 3696 §2: a top-level domain is never all-numeric; "1.2.3.999" is a mistyped address.
        var tld = name.AsSpan(name.LastIndexOf('.') + 1);
        if (!tld.ContainsAnyExceptInRange('0', '9'))
        {
            error = $"'{original}' is an IP address, not a domain name";
            return false;
        }

        if (hasPunycode)
        {
            try
            {
                _ = Idn.GetUnicode(name); // an A-label must decode (RFC 5891 §5.4), else it is not one
            }
            catch (ArgumentException)
            {
                error = $"'{original}' is not a valid internationalised domain name (RFC 5891)";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LabelChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");
}
