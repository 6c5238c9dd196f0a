using System.Text.RegularExpressions;

namespace Vigie.Core.Sharing;

/// <summary>
/// Redaction of a reporter's personal data from what leaves the team (mail, exports): RFC 2350 §4.2
/// promises that personal data is protected, and a reporter rarely needs to be named to a third party.
/// The terms (addresses, names) come from the incident's reports; matching ignores case, and an
/// address is also recognised in its defanged forms (<c>jane[at]example.org</c>, <c>jane(at)example[.]org</c>).
/// </summary>
public static partial class PersonalData
{
    public const string Mark = "[redacted]";

    /// <summary>Replaces every occurrence of each term (longest first) with <see cref="Mark"/>.</summary>
    public static string Redact(string text, IReadOnlyCollection<string> terms)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var term in terms.Where(t => t.Trim().Length >= 3).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)
                     .OrderByDescending(t => t.Length))
        {
            text = Pattern(term).Replace(text, Mark);
        }
        return text;
    }

    /// <summary>
    /// A pattern matching the term on word boundaries; for an e-mail address, also with "@" written
    /// [at], (at) or " at " and dots written [.], (.) or [dot].
    /// </summary>
    private static Regex Pattern(string term)
    {
        var at = term.IndexOf('@', StringComparison.Ordinal);
        string body;
        if (at > 0)
        {
            body = Dotted(term[..at]) + @"\s*(?:@|\[at\]|\(at\)|\sat\s)\s*" + Dotted(term[(at + 1)..]);
        }
        else
        {
            body = string.Join(@"\s+", term.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape));
        }
        return new Regex(@"(?<![\w.+-])" + body + @"(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string Dotted(string part) =>
        string.Join(@"(?:\.|\[\.\]|\(\.\)|\[dot\])", part.Split('.').Select(Regex.Escape));
}
