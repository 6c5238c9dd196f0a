using System.Globalization;
using System.Text;

namespace Vigie.Features.Intake.Answers;

/// <summary>
/// Cleans values before they go into a header or a template. Values from a report are hostile: a CR or LF
/// in a subject copied into our Subject header would let the sender add headers (Bcc…) to our mail, and
/// bidirectional overrides can make a text read differently from what it is (CVE-2021-42574).
/// </summary>
internal static class AnswerText
{
    /// <summary>Longest original subject kept, in characters; the rest is replaced by an ellipsis.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>Longest name kept (display names, constituent names, tags).</summary>
    public const int MaxNameLength = 200;

    /// <summary>
    /// One line of text: controls (C0 with CR, LF and NUL, DEL, C1) and line/paragraph separators become
    /// spaces, format controls that reorder text are dropped, whitespace runs collapse, ends are trimmed,
    /// and the result is clipped to <paramref name="maxLength"/> characters.
    /// </summary>
    public static string SingleLine(string? value, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(Math.Min(value.Length, 1024));
        var space = false;
        foreach (var c in value)
        {
            if (IsHidden(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
            // Enough to clip: stop reading a 10 MB subject once we know it will be cut.
            if (sb.Length > maxLength)
            {
                break;
            }
        }

        return Clip(sb.ToString(), maxLength);
    }

    /// <summary>
    /// Text that may hold paragraphs (texts of the team profile): line breaks become <c>\n</c>,
    /// other controls and reordering format characters are dropped, trailing spaces of lines are trimmed.
    /// </summary>
    public static string MultiLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var lines = value.ReplaceLineEndings("\n").Split('\n');
        return string.Join('\n', lines.Select(l => SingleLine(l))).Trim('\n');
    }

    /// <summary>Cuts <paramref name="value"/> to at most <paramref name="maxLength"/> characters, ending with "…", never inside a surrogate pair.</summary>
    public static string Clip(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= maxLength)
        {
            return value;
        }

        var cut = Math.Max(0, maxLength - 1);
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
        {
            cut--;
        }

        return value[..cut].TrimEnd() + "…";
    }

    /// <summary>
    /// A rendered template as a mail body: LF line ends, no trailing spaces (quoted-printable would have
    /// to encode them), at most one blank line in a row (optional sections leave none behind), no blank ends.
    /// </summary>
    public static string TidyBody(string text)
    {
        var sb = new StringBuilder(text.Length);
        var blank = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append(blank > 0 ? "\n\n" : "\n");
            }

            blank = 0;
            sb.Append(line);
        }

        return sb.ToString();
    }

    // Bidirectional embeddings, overrides and isolates, marks, and the BOM: invisible, and able to
    // reorder what a reader sees. Zero-width joiners stay: some scripts need them.
    private static bool IsHidden(char c) => c is '\u061C' or '\u200E' or '\u200F' or '\uFEFF'
        or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format && c is not '\u200C' and not '\u200D');
}
