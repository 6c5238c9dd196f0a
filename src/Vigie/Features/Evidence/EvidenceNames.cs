using System.Globalization;
using System.Text;

namespace Vigie.Features.Evidence;

/// <summary>
/// Makes an uploaded file's name and declared type safe to store, show and send back in a
/// <c>Content-Disposition</c> header: the name arrives from the client and is hostile input.
/// </summary>
public static class EvidenceNames
{
    public const int MaxFileNameLength = 200;

    public const string Fallback = "evidence.bin";

    /// <summary>
    /// The last path segment (some clients send C:\Users\…\file), without control characters,
    /// quotes, path separators or bidirectional overrides (which make "exe.pdf" read as "fdp.exe"),
    /// trimmed of leading dots and spaces, at most <see cref="MaxFileNameLength"/> characters with the
    /// extension kept; "evidence.bin" when nothing is left.
    /// </summary>
    public static string Sanitize(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var b = new StringBuilder(last.Length);
        foreach (var rune in last.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator)
            {
                continue;
            }
            b.Append(rune.Value is '"' or '*' or '?' or '<' or '>' or '|' or ':' or ';' ? "_" : rune.ToString());
        }
        var clean = b.ToString().Trim().TrimStart('.').Trim();
        if (clean.Length == 0)
        {
            return Fallback;
        }
        if (clean.Length > MaxFileNameLength)
        {
            var ext = Path.GetExtension(clean);
            ext = ext.Length is > 1 and <= 16 ? ext : "";
            clean = Truncate(clean[..^ext.Length], MaxFileNameLength - ext.Length) + ext;
        }
        return clean;
    }

    /// <summary>A well-formed <c>type/subtype</c> (parameters dropped), else application/octet-stream.</summary>
    public static string ContentType(string? declared)
    {
        var value = (declared ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return value.Length is > 2 and <= 255 && slash > 0 && slash < value.Length - 1 && value.Count(c => c == '/') == 1
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_')
            ? value : "application/octet-stream";
    }

    /// <summary>"100 MiB", "4 KiB", "512 bytes": sizes as people read them, in binary units.</summary>
    public static string FormatSize(long bytes, CultureInfo culture)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        if (bytes < 1024)
        {
            return string.Format(culture, "{0:N0} {1}", bytes, culture.TwoLetterISOLanguageName == "fr" ? "octets" : "bytes");
        }
        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Format(culture, value % 1 == 0 ? "{0:N0} {1}" : "{0:N1} {1}", value, units[unit]);
    }

    // Never split a surrogate pair.
    private static string Truncate(string s, int length) =>
        s.Length <= length ? s : char.IsHighSurrogate(s[length - 1]) ? s[..(length - 1)] : s[..length];
}
