using System.Globalization;
using System.Text;
using Vigie.Core.Incidents;

namespace Vigie.Core.Intake;

/// <summary>
/// The subject tag that threads mail to an incident, e.g. <c>[CERT-Vigie #2026-0042]</c> (issue 3 §5):
/// the team's tag, a hash sign and the <see cref="IncidentNumber"/>. Replies keep the subject, so the tag
/// comes back in them whatever the reporter's mail client does with References.
/// </summary>
public static class SubjectTag
{
    /// <summary>Longest tag accepted: long enough for a team name, short enough to leave the subject readable.</summary>
    public const int MaxTagLength = 40;

    /// <summary>Most sequence digits read back: <see cref="IncidentNumber"/> sequences are below 1,000,000.</summary>
    private const int MaxSequenceDigits = 6;

    /// <summary>Formats the tag, e.g. <c>[CERT #2026-0042]</c>.</summary>
    /// <param name="tag">The team's tag: 1–40 printable characters (Basic Multilingual Plane) without <c>[</c>,
    /// <c>]</c>, <c>#</c>, CR or LF, and without leading or trailing white space.</param>
    /// <param name="year">The incident year (1970–9999).</param>
    /// <param name="sequence">The incident sequence number in the year (1–999,999).</param>
    /// <exception cref="ArgumentException">The tag is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The year or sequence is out of range.</exception>
    public static string Format(string tag, int year, int sequence)
    {
        ValidateTag(tag);
        ValidateNumber(year, sequence);
        return $"[{tag} #{IncidentNumber.Format(year, sequence)}]";
    }

    /// <summary>
    /// Finds the team's tag in a subject and returns the incident number in it.
    /// </summary>
    /// <remarks>
    /// <para>Tolerant of what people and mail clients do to subjects: the tag may be anywhere (after
    /// <c>Re:</c>, <c>TR:</c>, <c>Fwd:</c>, <c>AW:</c> or inside other text), the tag's case may differ, and
    /// white space may be added or removed around the tag, the hash sign and the number
    /// (<c>[cert#2026-0042]</c>, <c>[ CERT #2026-0042 ]</c>). The subject must already be decoded (RFC 2047).</para>
    /// <para>The sequence may be written with fewer than four digits (<c>[CERT #2026-42]</c>): people retype
    /// tags, and since the tag is ours the shorter form cannot be someone else's number. At most six digits,
    /// a year of four digits from 1970, a sequence from 1.</para>
    /// <para>Another team's tag (<c>[OTHER #2026-0001]</c>, or <c>[CERT-FR #…]</c> when ours is <c>CERT</c>) is
    /// ignored. When the subject holds several of ours, the last one wins: a reply to one of our messages
    /// gets our tag appended at the end (see <see cref="ForReply"/>).</para>
    /// </remarks>
    /// <param name="subject">The decoded subject, or null.</param>
    /// <param name="tag">The team's tag (validated as for <see cref="Format"/>).</param>
    /// <param name="year">The incident year, when found.</param>
    /// <param name="sequence">The incident sequence number, when found.</param>
    /// <returns>Whether a valid tag of the team was found.</returns>
    public static bool TryFind(string? subject, string tag, out int year, out int sequence)
    {
        ValidateTag(tag);
        year = sequence = 0;
        if (string.IsNullOrEmpty(subject))
        {
            return false;
        }

        var found = false;
        var i = subject.IndexOf('[', StringComparison.Ordinal);
        while (i >= 0)
        {
            if (TryParseAt(subject, i + 1, tag, out var y, out var s, out var end))
            {
                (found, year, sequence) = (true, y, s);
                i = subject.IndexOf('[', end);
            }
            else
            {
                i = subject.IndexOf('[', i + 1);
            }
        }

        return found;
    }

    /// <summary>
    /// The subject of an answer in the incident's thread: <c>Re: </c> in front unless the subject already starts
    /// with it (any case), and the tag at the end unless the subject already resolves to this incident.
    /// </summary>
    /// <remarks>
    /// Control characters (CR, LF, tab…) become spaces, so a hostile subject cannot add header lines; white space
    /// is trimmed. If the subject carries our tag for another incident, this incident's tag is still appended,
    /// and, being last, is the one <see cref="TryFind"/> returns.
    /// </remarks>
    /// <param name="originalSubject">The subject of the message answered (decoded), or null.</param>
    /// <param name="tag">The team's tag.</param>
    /// <param name="year">The incident year.</param>
    /// <param name="sequence">The incident sequence number.</param>
    /// <returns>The subject to send.</returns>
    public static string ForReply(string? originalSubject, string tag, int year, int sequence)
    {
        var own = Format(tag, year, sequence);
        var subject = Sanitize(originalSubject);
        if (!StartsWithReply(subject))
        {
            subject = subject.Length == 0 ? "Re:" : "Re: " + subject;
        }

        if (!(TryFind(subject, tag, out var y, out var s) && y == year && s == sequence))
        {
            subject += " " + own;
        }

        return subject;
    }

    private static bool StartsWithReply(string subject)
    {
        // "Re:" with optional spaces before the colon ("RE :"), as some clients write it.
        if (!subject.StartsWith("re", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = subject.AsSpan(2).TrimStart(' ');
        return rest.StartsWith(':');
    }

    private static string Sanitize(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject))
        {
            return "";
        }

        var builder = new StringBuilder(subject.Length);
        foreach (var c in subject)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    // "[" ws* TAG ws* "#" ws* YYYY "-" N{1,6} ws* "]", with p just after the '['.
    private static bool TryParseAt(string subject, int p, string tag, out int year, out int sequence, out int end)
    {
        year = sequence = 0;
        end = p;
        p = SkipSpace(subject, p);
        if (p + tag.Length > subject.Length || !subject.AsSpan(p, tag.Length).Equals(tag, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        p = SkipSpace(subject, p + tag.Length);
        if (p >= subject.Length || subject[p] != '#')
        {
            return false; // "[CERT-FR #…]" when the tag is "CERT": the next character is '-', not '#'
        }

        p = SkipSpace(subject, p + 1);
        var yearDigits = Digits(subject, p, 5);
        if (yearDigits != 4 || p + 4 >= subject.Length || subject[p + 4] != '-')
        {
            return false;
        }

        var sequenceStart = p + 5;
        var sequenceDigits = Digits(subject, sequenceStart, MaxSequenceDigits + 1);
        if (sequenceDigits is 0 or > MaxSequenceDigits)
        {
            return false;
        }

        p = SkipSpace(subject, sequenceStart + sequenceDigits);
        if (p >= subject.Length || subject[p] != ']')
        {
            return false;
        }

        year = int.Parse(subject.AsSpan(sequenceStart - 5, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        sequence = int.Parse(subject.AsSpan(sequenceStart, sequenceDigits), NumberStyles.None, CultureInfo.InvariantCulture);
        end = p + 1;
        return year >= 1970 && sequence > 0;
    }

    private static int SkipSpace(string text, int p)
    {
        while (p < text.Length && char.IsWhiteSpace(text[p]))
        {
            p++;
        }

        return p;
    }

    private static int Digits(string text, int p, int max)
    {
        var n = 0;
        while (p + n < text.Length && n < max && char.IsAsciiDigit(text[p + n]))
        {
            n++;
        }

        return n;
    }

    /// <summary>
    /// Whether <paramref name="tag"/> can be a team's tag (see <see cref="Format"/>); the reason when not.
    /// Configuration checks call this, so that a tag accepted at start-up never makes threading throw.
    /// </summary>
    public static bool IsValidTag(string? tag, out string? error)
    {
        error = tag switch
        {
            null or { Length: 0 } => $"The subject tag must have 1 to {MaxTagLength} characters; it is empty.",
            { Length: > MaxTagLength } => $"The subject tag must have 1 to {MaxTagLength} characters; it has {tag.Length}.",
            _ when char.IsWhiteSpace(tag[0]) || char.IsWhiteSpace(tag[^1]) => "The subject tag must not start or end with white space.",
            _ when tag.Any(c => c is '[' or ']' or '#' || char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029') =>
                "The subject tag must be printable characters without '[', ']', '#', CR or LF, since those delimit it in the subject.",
            _ => null,
        };
        return error is null;
    }

    private static void ValidateTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!IsValidTag(tag, out var error))
        {
            throw new ArgumentException(error, nameof(tag));
        }
    }

    private static void ValidateNumber(int year, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1970);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999_999);
    }
}
