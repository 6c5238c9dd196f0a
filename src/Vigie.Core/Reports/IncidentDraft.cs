using System.Text;
using System.Text.RegularExpressions;
using Vigie.Core.Incidents;

namespace Vigie.Core.Reports;

/// <summary>What a report says that pre-fills a new incident: its subject, its text and its TLP label.</summary>
public sealed record DraftSource(string? Subject, string? Text, string? From);

/// <summary>The pre-filled values of the "new incident" form.</summary>
public sealed record IncidentDraft(string Title, string? Description, Tlp Tlp, bool TlpFromReport);

/// <summary>
/// Pre-fills a new incident from the reports it is made of: the title is the first report's subject
/// without its reply/forward prefixes, the description the first lines of its text, and the TLP the
/// most restrictive label written in any of them (the reporter's marking binds us, FIRST TLP 2.0),
/// else TLP:AMBER, the profile's default (RFC 2350 §4.2: confidential unless agreed otherwise).
/// </summary>
public static partial class IncidentDrafts
{
    public const int MaxDescriptionLines = 12;
    public const int MaxDescriptionLength = 2000;

    public static IncidentDraft From(IReadOnlyList<DraftSource> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var first = reports.Count > 0 ? reports[0] : new DraftSource(null, null, null);
        var title = CleanSubject(first.Subject);
        if (title.Length == 0)
        {
            title = first.From is { Length: > 0 } from ? $"Report from {from}" : "";
        }
        if (title.Length > 300)
        {
            title = title[..299] + "…";
        }

        Tlp? found = null;
        foreach (var r in reports)
        {
            foreach (var text in new[] { r.Subject, r.Text })
            {
                if (FindTlp(text) is { } t && (found is null || t > found))
                {
                    found = t;
                }
            }
        }
        return new IncidentDraft(title, FirstLines(first.Text), found ?? Tlp.Amber, found is not null);
    }

    /// <summary>"Re: Fwd: TR: Phishing" → "Phishing".</summary>
    public static string CleanSubject(string? subject)
    {
        var s = Regex.Replace(subject ?? "", @"\s+", " ").Trim();
        while (Prefix().Match(s) is { Success: true } m)
        {
            s = s[m.Length..].TrimStart();
        }
        return s;
    }

    /// <summary>The most restrictive TLP label in <paramref name="text"/> (TLP 2.0 and 1.0 spellings), or null.</summary>
    public static Tlp? FindTlp(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        Tlp? best = null;
        foreach (Match m in TlpLabel().Matches(text.Length > 200_000 ? text[..200_000] : text))
        {
            var word = m.Groups[1].Value.ToUpperInvariant();
            Tlp t = word switch
            {
                "RED" => Tlp.Red,
                "AMBER" when m.Groups[2].Success => Tlp.AmberStrict,
                "AMBER" => Tlp.Amber,
                "GREEN" => Tlp.Green,
                _ => Tlp.Clear, // CLEAR, WHITE (TLP 1.0)
            };
            if (best is null || t > best)
            {
                best = t;
            }
        }
        return best;
    }

    /// <summary>The first non-blank lines of the text, capped, or null when there is none.</summary>
    public static string? FirstLines(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var builder = new StringBuilder();
        var lines = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 && builder.Length == 0)
            {
                continue;
            }
            builder.Append(line).Append('\n');
            if (line.Length > 0 && ++lines >= MaxDescriptionLines)
            {
                break;
            }
            if (builder.Length >= MaxDescriptionLength)
            {
                break;
            }
        }
        var result = builder.ToString().TrimEnd();
        return result.Length > MaxDescriptionLength ? result[..(MaxDescriptionLength - 1)] + "…" : result;
    }

    [GeneratedRegex(@"^(re|fwd?|tr|aw|wg|rv|sv|vs)\s*(\[\d+\])?\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\bTLP\s*[:_\- ]\s*(RED|AMBER|GREEN|CLEAR|WHITE)(\s*\+\s*STRICT)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TlpLabel();
}
