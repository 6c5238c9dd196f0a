using System.Globalization;
using System.Resources;
using System.Text;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary>
/// The RFC 2350 document as a tree of numbered sections, built from the team profile in one language.
/// The plain text (<see cref="Rfc2350TextRenderer"/>) and the HTML page (<see cref="Rfc2350HtmlRenderer"/>)
/// are two renderings of the same tree, so they cannot say different things.
/// Structure: RFC 2350 §3 (Appendix E) as the team's seed document numbers it: 1 Document information …
/// 6 Disclaimer.
/// </summary>
public sealed record Rfc2350Doc(string Language, string Title, string VersionLine, string ContentsTitle, IReadOnlyList<DocSection> Sections);

/// <summary>One section: its number as printed ("2", "2.7", "a."), title, content and subsections.</summary>
public sealed record DocSection(string Number, string Title, IReadOnlyList<DocBlock> Blocks, IReadOnlyList<DocSection> Subsections)
{
    /// <summary>The heading as printed: number and title.</summary>
    public string Heading => $"{Number} {Title}";

    /// <summary>A stable anchor for the HTML page, e.g. <c>s2-7</c>.</summary>
    public string Anchor => "s" + new string([.. Number.TrimEnd('.').Select(c => char.IsLetterOrDigit(c) ? c : '-')]);
}

/// <summary>Content of a section.</summary>
public abstract record DocBlock;

/// <summary>A paragraph; a single line break inside is kept as a line break.</summary>
public sealed record DocParagraph(string Text) : DocBlock;

/// <summary>Lines printed as they are, one per line (an address, key facts).</summary>
public sealed record DocLines(IReadOnlyList<string> Lines) : DocBlock;

/// <summary>A bulleted list; each item may carry numbered sub-items.</summary>
public sealed record DocList(IReadOnlyList<DocItem> Items) : DocBlock;

public sealed record DocItem(string Text, IReadOnlyList<string> SubItems);

/// <summary>A table (the version history of §1.1).</summary>
public sealed record DocTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : DocBlock;

/// <summary>One line of the §1.1 history.</summary>
public sealed record Rfc2350HistoryEntry(string Version, DateOnly Date, LocalizedText Changes);

/// <summary>The key the document names (§1.4, §2.7): the team's signing key when it has one, else the profile's.</summary>
public sealed record DocumentKey(string Url, string KeyId, string Fingerprint);

/// <summary>Builds <see cref="Rfc2350Doc"/> from a profile; pure (no I/O, no clock).</summary>
public static class Rfc2350Builder
{
    private static readonly ResourceManager Strings = new("Vigie.Features.PublicSite.Rfc2350Text", typeof(Rfc2350Builder).Assembly);

    /// <summary>Builds the document in <paramref name="language"/> (texts fall back to the profile's first language).</summary>
    /// <param name="profile">A validated team profile.</param>
    /// <param name="language">Two-letter code, one of the profile's languages.</param>
    /// <param name="history">§1.1, oldest first; the last entry is this version.</param>
    /// <param name="key">The key named in §1.4 and §2.7.</param>
    /// <param name="contactFormUrl">The public contact form for §2.4, if any.</param>
    public static Rfc2350Doc Build(TeamProfileOptions profile, string language, IReadOnlyList<Rfc2350HistoryEntry> history,
        DocumentKey key, string? contactFormUrl)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(key);
        if (history.Count == 0)
        {
            throw new ArgumentException("The document needs at least one version.", nameof(history));
        }
        var culture = CultureInfo.GetCultureInfo(language);
        string S(string name, params object[] args)
        {
            var format = Strings.GetString(name, culture) ?? throw new InvalidOperationException($"Missing RFC 2350 string '{name}'.");
            return args.Length == 0 ? format : string.Format(culture, format, args);
        }
        string L(LocalizedText text) => Clean(profile.Localize(text, language));
        IEnumerable<DocBlock> Paragraphs(LocalizedText text) => Split(L(text)).Select(p => (DocBlock)new DocParagraph(p));
        IEnumerable<DocBlock> Each(IEnumerable<LocalizedText> texts) => texts.SelectMany(Paragraphs);
        string Date(DateOnly d) => d.ToString(S("Doc.DateFormat"), CultureInfo.InvariantCulture);

        var latest = history[^1];
        var d = profile.Document;

        // 1 Document information
        var locations = new List<DocBlock>();
        foreach (var url in d.Locations)
        {
            locations.Add(new DocParagraph(S("Doc.Location", url)));
        }
        if (!string.IsNullOrWhiteSpace(d.SignedVersionUrl))
        {
            locations.Add(new DocParagraph(S("Doc.SignedLocation", d.SignedVersionUrl)));
        }
        var distribution = new List<DocBlock>(Paragraphs(d.Distribution.Policy));
        if (!string.IsNullOrWhiteSpace(d.Distribution.Address))
        {
            distribution.Add(new DocParagraph(S("Doc.DistributionAddress", d.Distribution.Address)));
        }
        var s1 = new DocSection("1", S("Doc.S1"), [.. Paragraphs(d.Introduction)],
        [
            new("1.1", S("Doc.S1.1"),
            [
                new DocTable([S("Doc.Version"), S("Doc.Date"), S("Doc.Changes")],
                    [.. history.Select(h => (IReadOnlyList<string>)[h.Version, Date(h.Date), Clean(profile.Localize(h.Changes, language))])]),
            ], []),
            new("1.2", S("Doc.S1.2"), distribution, []),
            new("1.3", S("Doc.S1.3"), locations, []),
            new("1.4", S("Doc.S1.4"),
            [
                .. Paragraphs(d.Authentication),
                new DocParagraph(S("Doc.KeyAt")),
                new DocLines([key.Url]),
                new DocLines([S("Doc.KeyId", TeamKey.Group(key.KeyId)), S("Doc.Fingerprint", key.Fingerprint)]),
            ], []),
        ]);

        // 2 Contact information
        var a = profile.Address;
        var phone = new List<DocBlock>();
        if (!string.IsNullOrWhiteSpace(profile.Phone.Number))
        {
            phone.Add(new DocParagraph(S("Doc.Phone", profile.Phone.Number)));
        }
        phone.AddRange(Paragraphs(profile.Phone.Policy));
        var formUrl = string.IsNullOrWhiteSpace(profile.Phone.ContactFormUrl) ? contactFormUrl : profile.Phone.ContactFormUrl;
        var formLabel = L(profile.Phone.ContactFormLabel);
        if (formUrl is not null || formLabel.Length > 0)
        {
            var link = (formLabel.Length > 0, formUrl is not null) switch
            {
                (true, true) => $"{formLabel} ({formUrl})",
                (true, false) => formLabel + ".",
                _ => formUrl!,
            };
            phone.Add(new DocParagraph(S("Doc.Link", link)));
        }
        var channels = new List<DocBlock>(Paragraphs(profile.OtherChannels.Policy));
        if (profile.OtherChannels.Channels.Count > 0)
        {
            channels.Add(new DocList([.. profile.OtherChannels.Channels.Select(c => new DocItem(
                string.Join(" ", new[]
                {
                    $"{c.Kind}: {c.Address}",
                    S(c.AcceptsIncidentReports ? "Doc.ChannelReports" : "Doc.ChannelNoReports"),
                    L(c.Note),
                }.Where(t => t.Length > 0)), []))]));
        }
        var s2 = new DocSection("2", S("Doc.S2"), [],
        [
            new("2.1", S("Doc.S2.1"), [.. Paragraphs(profile.FullName)], []),
            new("2.2", S("Doc.S2.2"),
            [
                new DocLines([a.Organisation, .. a.Street, $"{a.PostalCode} {a.Locality}", L(a.Country)]),
            ], []),
            new("2.3", S("Doc.S2.3"), [.. Paragraphs(profile.TimeZoneDescription)], []),
            new("2.4", S("Doc.S2.4"), phone, []),
            new("2.5", S("Doc.S2.5"),
            [
                new DocList(
                [
                    new DocItem(S("Doc.IncidentEmail", profile.IncidentEmail), []),
                    new DocItem(S("Doc.GeneralEmail", profile.GeneralEmail), []),
                ]),
            ], []),
            new("2.6", S("Doc.S2.6"), channels, []),
            new("2.7", S("Doc.S2.7"),
            [
                new DocParagraph(S("Doc.KeyPublished", profile.Name)),
                new DocLines([key.Url]),
                new DocLines([S("Doc.KeyId", TeamKey.Group(key.KeyId)), S("Doc.Fingerprint", key.Fingerprint)]),
                .. Paragraphs(profile.PublicKey.Usage),
            ], []),
            new("2.8", S("Doc.S2.8"), [.. Paragraphs(profile.TeamMembers)], []),
            new("2.9", S("Doc.S2.9"),
            [
                new DocParagraph(Hours(profile, culture, S)),
                .. Paragraphs(profile.OnCall.Policy),
            ], []),
            new("2.10", S("Doc.S2.10"), [.. Paragraphs(profile.OtherInformation.Text)], []),
            new("2.11", S("Doc.S2.11"), [.. Paragraphs(profile.ConstituentContact)], []),
        ]);

        // 3 Charter
        var con = profile.Constituency;
        var s3 = new DocSection("3", S("Doc.S3"), [],
        [
            new("3.1", S("Doc.S3.1"), [.. Paragraphs(profile.Mission)], []),
            new("3.2", S("Doc.S3.2"),
            [
                .. Paragraphs(con.Introduction),
                new DocList([.. con.Classes.Select(c => new DocItem(L(c.Description), []))]),
                .. Each(con.Notes),
            ], []),
            new("3.3", S("Doc.S3.3"), [.. Each(profile.Sponsorship)], []),
            new("3.4", S("Doc.S3.4"), [.. Each(profile.Authority)], []),
        ]);

        // 4 Policies
        var support = string.Join(" ", new[] { L(profile.Support.Policy), L(profile.Support.InitialResponse) }.Where(t => t.Length > 0));
        var co = profile.Cooperation;
        var s4 = new DocSection("4", S("Doc.S4"), [],
        [
            new("4.1", S("Doc.S4.1"),
            [
                .. Paragraphs(profile.IncidentTypes.Introduction),
                new DocList([.. profile.IncidentTypes.Items.Select(t => new DocItem(L(t.Name), []))]),
                .. Split(support).Select(p => new DocParagraph(p)),
            ], []),
            new("4.2", S("Doc.S4.2"),
            [
                .. Each(co.Paragraphs),
                .. co.Priorities.Count > 0 ? [new DocList([.. co.Priorities.Select(p => new DocItem(L(p), []))])] : Array.Empty<DocBlock>(),
                .. Each(co.Closing),
            ], []),
            new("4.3", S("Doc.S4.3"), [.. Paragraphs(profile.Communication.Policy)], []),
        ]);

        // 5 Services
        var s5 = new DocSection("5", S("Doc.S5"), [.. Paragraphs(profile.Services.Introduction)],
            [.. profile.Services.Items.Select(s => Service(s, L, Paragraphs))]);

        // 6 Disclaimer
        var s6 = new DocSection("6", S("Doc.S6"), [.. Each(profile.Disclaimer)], []);

        return new Rfc2350Doc(language, S("Doc.Title", profile.Name), S("Doc.VersionLine", latest.Version, Date(latest.Date)),
            S("Doc.Contents"), [s1, s2, s3, s4, s5, s6]);
    }

    private static DocSection Service(Service s, Func<LocalizedText, string> l, Func<LocalizedText, IEnumerable<DocBlock>> paragraphs)
    {
        var blocks = new List<DocBlock>(paragraphs(s.Introduction));
        if (s.Items.Count > 0)
        {
            blocks.Add(new DocList([.. s.Items.Select(i => new DocItem(l(i.Text), [.. i.Items.Select(l)]))]));
        }
        var subsections = s.Subsections.Select(sub => Service(sub, l, paragraphs)).ToList();
        // The conclusion closes the section after its subsections: kept as a last untitled part.
        var number = s.Id.Contains('.', StringComparison.Ordinal) ? s.Id : s.Id + ".";
        var section = new DocSection(number, l(s.Title), blocks, subsections);
        return s.Conclusion.IsEmpty ? section : section with { Subsections = [.. subsections, new DocSection("", "", [.. paragraphs(s.Conclusion)], [])] };
    }

    /// <summary>§2.9 as a sentence from the weekly hours: "… opère du lundi au vendredi, de 9h00 à 18h00 (heure de Paris)."</summary>
    private static string Hours(TeamProfileOptions profile, CultureInfo culture, Func<string, object[], string> s)
    {
        // Group the days that share the same intervals, in week order from Monday.
        var byDay = new SortedDictionary<int, List<(TimeOnly Start, TimeOnly End)>>();
        foreach (var interval in profile.BusinessHours)
        {
            foreach (var day in interval.GetDays())
            {
                var key = ((int)day + 6) % 7;
                if (!byDay.TryGetValue(key, out var list))
                {
                    byDay[key] = list = [];
                }
                list.Add((interval.GetStart(), interval.GetEnd()));
            }
        }
        var groups = new List<(List<int> Days, string Times)>();
        foreach (var (day, intervals) in byDay)
        {
            var times = string.Join(s("Doc.HoursAnd", []), intervals.OrderBy(i => i.Start)
                .Select(i => s("Doc.HoursInterval", [Time(i.Start, culture), Time(i.End, culture)])));
            if (groups.Count > 0 && groups[^1].Times == times)
            {
                groups[^1].Days.Add(day);
            }
            else
            {
                groups.Add(([day], times));
            }
        }
        string DayName(int mondayBased) => culture.DateTimeFormat.GetDayName((DayOfWeek)((mondayBased + 1) % 7));
        string Days(List<int> days)
        {
            var contiguous = days.Count > 2 && days[^1] - days[0] == days.Count - 1;
            return contiguous
                ? s("Doc.HoursRange", [DayName(days[0]), DayName(days[^1])])
                : string.Join(", ", days.Select(DayName));
        }
        var parts = string.Join("; ", groups.Select(g => s("Doc.HoursGroup", [Days(g.Days), g.Times])));
        var city = profile.TimeZone.Contains('/', StringComparison.Ordinal) ? profile.TimeZone[(profile.TimeZone.LastIndexOf('/') + 1)..].Replace('_', ' ') : profile.TimeZone;
        return s("Doc.Hours", [profile.Name, parts, city]);
    }

    private static string Time(TimeOnly t, CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "fr" ? t.ToString("H'h'mm", CultureInfo.InvariantCulture) : t.ToString("HH:mm", CultureInfo.InvariantCulture);


    /// <summary>Paragraphs of a profile text: separated by a blank line.</summary>
    private static IEnumerable<string> Split(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>NFC, LF line ends, no trailing spaces (a cleartext signature ignores them, RFC 9580 §7.2).</summary>
    internal static string Clean(string text)
    {
        var lines = text.Normalize(NormalizationForm.FormC).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join('\n', lines.Select(l => l.TrimEnd())).Trim();
    }
}
