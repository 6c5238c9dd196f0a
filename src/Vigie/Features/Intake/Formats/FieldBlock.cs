using System.Text;
using Vigie.Features.Intake.Parsing;

namespace Vigie.Features.Intake.Formats;

/// <summary>
/// Reads "Name: value" fields with folded continuation lines (RFC 5322 §2.2 syntax), the shape of
/// RFC 5965 feedback reports, RFC 3464 status groups and, as a fallback, X-ARF 0.x YAML that is not
/// valid YAML. Blank lines separate groups. Lines that are not fields are counted, not fatal.
/// </summary>
internal static class FieldBlock
{
    public sealed record Result(List<Dictionary<string, string>> Groups, int BadLines);

    public static Result Parse(string text)
    {
        var groups = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        string? lastName = null;
        var badLines = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.TrimEnd();
            if (line.IsEmpty)
            {
                current = null;
                lastName = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (current is not null && lastName is not null)
                {
                    current[lastName] = Clip(current[lastName] + " " + line.Trim().ToString());
                }
                else
                {
                    badLines++;
                }
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].ContainsAny(" \t"))
            {
                // YAML document markers (--- / ...) are not fields, and not errors.
                if (line is not "---" and not "...")
                {
                    badLines++;
                }
                lastName = null;
                continue;
            }
            current ??= NewGroup(groups);
            if (current.Count >= ParsingLimits.MaxFieldsPerRecord)
            {
                continue;
            }
            var name = line[..colon].ToString();
            var value = line[(colon + 1)..].Trim().ToString();
            current[name] = current.TryGetValue(name, out var previous) ? Clip(previous + "\n" + value) : Clip(value);
            lastName = name;
        }
        return new Result(groups, badLines);
    }

    /// <summary>All groups folded into one record (a feedback report has a single group, blank lines or not).</summary>
    public static Dictionary<string, string> Merge(IEnumerable<Dictionary<string, string>> groups)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in groups)
        {
            foreach (var (name, value) in group)
            {
                merged[name] = merged.TryGetValue(name, out var previous) ? Clip(previous + "\n" + value) : value;
            }
        }
        return merged;
    }

    private static Dictionary<string, string> NewGroup(List<Dictionary<string, string>> groups)
    {
        var group = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        groups.Add(group);
        return group;
    }

    internal static string Clip(string value) =>
        value.Length <= ParsingLimits.MaxFieldChars ? value : value[..ParsingLimits.MaxFieldChars];

    /// <summary>The part's decoded bytes as text (UTF-8, else Latin-1), at most <see cref="ParsingLimits.MaxStructuredPartBytes"/>.</summary>
    public static string? ReadText(MimeKit.MimePart part, List<string> problems, string what)
    {
        if (part.Content is null)
        {
            return null;
        }
        if (part.Content.Stream is { CanSeek: true } stream && stream.Length > ParsingLimits.MaxStructuredPartBytes * 4L)
        {
            problems.Add($"The {what} is larger than {MailParsing.Kilobytes(ParsingLimits.MaxStructuredPartBytes)}; it was not read.");
            return null;
        }
        using var buffer = new MemoryStream();
        part.Content.DecodeTo(buffer);
        if (buffer.Length > ParsingLimits.MaxStructuredPartBytes)
        {
            problems.Add($"The {what} is larger than {MailParsing.Kilobytes(ParsingLimits.MaxStructuredPartBytes)}; it was not read.");
            return null;
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes).Replace("\0", "", StringComparison.Ordinal);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes).Replace("\0", "", StringComparison.Ordinal);
        }
    }
}
