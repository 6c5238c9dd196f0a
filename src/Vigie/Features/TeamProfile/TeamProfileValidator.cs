using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.TeamProfile;

/// <summary>
/// Checks every fact of the team profile and names each bad one by its configuration path
/// (e.g. <c>Vigie:Team:IncidentEmail: 'foo' is not a valid e-mail address</c>), so that an operator
/// who overrides one key by environment variable sees at start-up which key is wrong.
/// </summary>
/// <param name="profileFile">The profile file AddTeamProfile loaded, reported when it is missing.</param>
/// <param name="profileFileKey">Key that named the file (the operator's setting), or null for the shipped default.</param>
public sealed partial class TeamProfileValidator(string? profileFile = null, string? profileFileKey = null)
    : IValidateOptions<TeamProfileOptions>
{
    // The constituency classes of the domain (Vigie.Core ConstituentKind), as the profile spells them.
    private static readonly HashSet<string> ConstituentKinds =
        new(Enum.GetNames<Vigie.Core.Constituents.ConstituentKind>().Select(n => n.ToLowerInvariant()), StringComparer.Ordinal);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TeamProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var check = new Checker();
        const string p = TeamProfileOptions.Section;

        if (profileFile is not null && !File.Exists(profileFile))
        {
            check.Fail(profileFileKey ?? "team-profile.json", $"the profile file '{profileFile}' does not exist");
        }

        ValidateLanguages(check, options.Languages, $"{p}:Languages");

        ValidateDocument(check, options.Document, $"{p}:Document");

        check.Required(options.Name, $"{p}:Name");
        check.Text(options.FullName, $"{p}:FullName", required: true, singleLine: true);

        var a = options.Address;
        check.Required(a.Organisation, $"{p}:Address:Organisation");
        if (a.Street.Count == 0)
        {
            check.Fail($"{p}:Address:Street", "at least one street line is required");
        }

        for (var i = 0; i < a.Street.Count; i++)
        {
            check.Required(a.Street[i], $"{p}:Address:Street:{i}");
        }

        check.Required(a.PostalCode, $"{p}:Address:PostalCode");
        check.Required(a.Locality, $"{p}:Address:Locality");
        if (!IsCountryCode(a.CountryCode))
        {
            check.Fail($"{p}:Address:CountryCode", $"'{a.CountryCode}' is not an ISO 3166-1 alpha-2 country code");
        }

        check.Text(a.Country, $"{p}:Address:Country", required: true, singleLine: true);

        if (!IsIanaTimeZone(options.TimeZone))
        {
            check.Fail($"{p}:TimeZone", $"'{options.TimeZone}' is not an IANA time zone");
        }

        check.Text(options.TimeZoneDescription, $"{p}:TimeZoneDescription", required: true, singleLine: true);

        var phone = options.Phone;
        if (!string.IsNullOrWhiteSpace(phone.Number) && !PhoneNumber().IsMatch(phone.Number))
        {
            check.Fail($"{p}:Phone:Number", $"'{phone.Number}' is not an international phone number (+ then digits)");
        }

        check.Text(phone.Policy, $"{p}:Phone:Policy", required: true);
        check.OptionalUrl(phone.ContactFormUrl, $"{p}:Phone:ContactFormUrl");
        check.Text(phone.ContactFormLabel, $"{p}:Phone:ContactFormLabel", required: false, singleLine: true);

        check.Email(options.IncidentEmail, $"{p}:IncidentEmail", required: true);
        check.Email(options.GeneralEmail, $"{p}:GeneralEmail", required: true);

        check.Text(options.OtherChannels.Policy, $"{p}:OtherChannels:Policy", required: true);
        for (var i = 0; i < options.OtherChannels.Channels.Count; i++)
        {
            var c = options.OtherChannels.Channels[i];
            var cp = $"{p}:OtherChannels:Channels:{i}";
            check.Required(c.Kind, $"{cp}:Kind");
            check.Required(c.Address, $"{cp}:Address");
            check.Text(c.Note, $"{cp}:Note", required: false);
        }

        ValidateKey(check, options.PublicKey, $"{p}:PublicKey");

        check.Text(options.TeamMembers, $"{p}:TeamMembers", required: true);

        ValidateBusinessHours(check, options.BusinessHours, $"{p}:BusinessHours");

        check.Email(options.OnCall.Email, $"{p}:OnCall:Email", required: false);
        // Promising an on-call duty without saying for what would be a promise nobody can keep.
        check.Text(options.OnCall.Policy, $"{p}:OnCall:Policy", required: !string.IsNullOrWhiteSpace(options.OnCall.Email));

        check.OptionalUrl(options.OtherInformation.Url, $"{p}:OtherInformation:Url");
        check.Text(options.OtherInformation.Text, $"{p}:OtherInformation:Text", required: false);

        check.Text(options.ConstituentContact, $"{p}:ConstituentContact", required: true);
        check.Text(options.Mission, $"{p}:Mission", required: true);

        var con = options.Constituency;
        check.Text(con.Introduction, $"{p}:Constituency:Introduction", required: false);
        if (con.Classes.Count == 0)
        {
            check.Fail($"{p}:Constituency:Classes", "at least one class of constituents is required");
        }

        for (var i = 0; i < con.Classes.Count; i++)
        {
            var cp = $"{p}:Constituency:Classes:{i}";
            if (!ConstituentKinds.Contains(con.Classes[i].Kind))
            {
                check.Fail($"{cp}:Kind", $"'{con.Classes[i].Kind}' is not a constituent kind (client, internal, partner)");
            }

            check.Text(con.Classes[i].Description, $"{cp}:Description", required: true);
        }

        check.Paragraphs(con.Notes, $"{p}:Constituency:Notes", required: false);
        check.Paragraphs(options.Sponsorship, $"{p}:Sponsorship", required: true);
        check.Paragraphs(options.Authority, $"{p}:Authority", required: true);

        ValidateIncidentTypes(check, options.IncidentTypes, $"{p}:IncidentTypes");

        var s = options.Support;
        check.Text(s.Policy, $"{p}:Support:Policy", required: true);
        if (s.InitialResponseBusinessDays is < 1 or > 30)
        {
            check.Fail($"{p}:Support:InitialResponseBusinessDays",
                $"'{s.InitialResponseBusinessDays}' is not a number of business days between 1 and 30");
        }

        check.Text(s.InitialResponse, $"{p}:Support:InitialResponse", required: true);

        var co = options.Cooperation;
        check.OptionalUrl(co.TlpDefinitionUrl, $"{p}:Cooperation:TlpDefinitionUrl");
        check.Paragraphs(co.Paragraphs, $"{p}:Cooperation:Paragraphs", required: true);
        check.Paragraphs(co.Priorities, $"{p}:Cooperation:Priorities", required: false);
        check.Paragraphs(co.Closing, $"{p}:Cooperation:Closing", required: false);

        check.Required(options.Communication.PreferredChannel, $"{p}:Communication:PreferredChannel");
        check.Text(options.Communication.Policy, $"{p}:Communication:Policy", required: true);

        check.Text(options.Services.Introduction, $"{p}:Services:Introduction", required: false);
        if (options.Services.Items.Count == 0)
        {
            check.Fail($"{p}:Services:Items", "at least one service is required");
        }

        ValidateServices(check, options.Services.Items, $"{p}:Services:Items");

        check.Paragraphs(options.Disclaimer, $"{p}:Disclaimer", required: true);

        return check.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(check.Errors);

        // Sets the checker's languages, against which every LocalizedText after it is checked.
        static void ValidateLanguages(Checker c, List<string> languages, string path)
        {
            var errorsBefore = c.Errors.Count;
            if (languages.Count == 0)
            {
                c.Fail(path, "at least one language is required (the first is the preferred one)");
            }

            for (var i = 0; i < languages.Count; i++)
            {
                if (!LanguageCode().IsMatch(languages[i] ?? ""))
                {
                    c.Fail($"{path}:{i}", $"'{languages[i]}' is not a two-letter ISO 639-1 language code");
                }
                else if (languages.Take(i).Contains(languages[i], StringComparer.OrdinalIgnoreCase))
                {
                    c.Fail($"{path}:{i}", $"'{languages[i]}' is listed twice");
                }
            }

            c.Languages = [.. languages.Where(l => LanguageCode().IsMatch(l ?? "")).Distinct(StringComparer.OrdinalIgnoreCase)];
            // With a bad language list, "'en' is not one of the profile's languages" would follow for every text:
            // noise hiding the one real error.
            c.CheckTextKeys = c.Errors.Count == errorsBefore;
        }
    }

    private static void ValidateDocument(Checker check, DocumentInfo d, string path)
    {
        check.Text(d.Introduction, $"{path}:Introduction", required: false);
        if (d.History.Count == 0)
        {
            check.Fail($"{path}:History", "at least one version is required (RFC 2350 §1.1, date of last update)");
        }

        DateOnly? previous = null;
        for (var i = 0; i < d.History.Count; i++)
        {
            var v = d.History[i];
            var vp = $"{path}:History:{i}";
            check.Required(v.Version, $"{vp}:Version");
            if (!DateOnly.TryParseExact(v.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                check.Fail($"{vp}:Date", $"'{v.Date}' is not a date in the form yyyy-MM-dd");
            }
            else
            {
                // Oldest first, so that the last entry is the "date of last update" of §1.1.
                if (previous is { } prev && date < prev)
                {
                    check.Fail($"{vp}:Date", $"'{v.Date}' is earlier than the previous version's date (history is oldest first)");
                }

                previous = date;
            }

            check.Text(v.Changes, $"{vp}:Changes", required: true, singleLine: true);
        }

        check.Email(d.Distribution.Address, $"{path}:Distribution:Address", required: false);
        check.OptionalUrl(d.Distribution.AnnouncementUrl, $"{path}:Distribution:AnnouncementUrl");
        check.Text(d.Distribution.Policy, $"{path}:Distribution:Policy", required: true);

        if (d.Locations.Count == 0)
        {
            check.Fail($"{path}:Locations", "at least one location (URL) is required");
        }

        for (var i = 0; i < d.Locations.Count; i++)
        {
            check.Url(d.Locations[i], $"{path}:Locations:{i}");
        }

        check.OptionalUrl(d.SignedVersionUrl, $"{path}:SignedVersionUrl");
        check.Text(d.Authentication, $"{path}:Authentication", required: false);
    }

    private static void ValidateKey(Checker check, PublicKey key, string path)
    {
        check.Url(key.Url, $"{path}:Url");
        var fingerprint = key.NormalizedFingerprint;
        var fingerprintOk = HexDigits().IsMatch(fingerprint) && fingerprint.Length == 40;
        if (!fingerprintOk)
        {
            // v4 fingerprints only: the key id below is defined as the low 64 bits of a v4 fingerprint (RFC 4880 §12.2).
            check.Fail($"{path}:Fingerprint", $"'{key.Fingerprint}' is not an OpenPGP v4 fingerprint (40 hex digits)");
        }

        var keyId = key.NormalizedKeyId;
        if (!HexDigits().IsMatch(keyId) || keyId.Length != 16)
        {
            check.Fail($"{path}:KeyId", $"'{key.KeyId}' is not a long key id (16 hex digits)");
        }
        else if (fingerprintOk && !fingerprint.EndsWith(keyId, StringComparison.Ordinal))
        {
            check.Fail($"{path}:KeyId", $"'{key.KeyId}' is not the last 16 hex digits of the fingerprint ({fingerprint[^16..]})");
        }

        check.Text(key.Usage, $"{path}:Usage", required: false);
    }

    private static void ValidateBusinessHours(Checker check, List<BusinessHoursInterval> hours, string path)
    {
        // The SLA clock counts business hours: without any, "one business day" would never elapse.
        if (hours.Count == 0)
        {
            check.Fail(path, "at least one interval is required");
        }

        var byDay = new List<(DayOfWeek Day, TimeOnly Start, TimeOnly End, int Index)>();
        for (var i = 0; i < hours.Count; i++)
        {
            var h = hours[i];
            var hp = $"{path}:{i}";
            var days = new List<DayOfWeek>();
            if (h.Days.Count == 0)
            {
                check.Fail($"{hp}:Days", "at least one day is required");
            }

            for (var j = 0; j < h.Days.Count; j++)
            {
                var raw = h.Days[j]?.Trim() ?? "";
                // Enum.TryParse alone would accept "1" or "Monday, Friday": only plain names are allowed.
                if (!DayName().IsMatch(raw) || !Enum.TryParse<DayOfWeek>(raw, ignoreCase: true, out var day))
                {
                    check.Fail($"{hp}:Days:{j}", $"'{h.Days[j]}' is not a day name (Monday … Sunday)");
                }
                else if (days.Contains(day))
                {
                    check.Fail($"{hp}:Days:{j}", $"'{h.Days[j]}' is listed twice");
                }
                else
                {
                    days.Add(day);
                }
            }

            var startOk = TryParseTime(h.Start, out var start);
            if (!startOk)
            {
                check.Fail($"{hp}:Start", $"'{h.Start}' is not a time of day HH:mm");
            }

            var endOk = TryParseTime(h.End, out var end);
            if (!endOk)
            {
                check.Fail($"{hp}:End", $"'{h.End}' is not a time of day HH:mm");
            }

            if (startOk && endOk)
            {
                if (start >= end)
                {
                    check.Fail($"{hp}:End", $"'{h.End}' is not after the start '{h.Start}' (an interval may not cross midnight)");
                }
                else
                {
                    byDay.AddRange(days.Select(d => (d, start, end, i)));
                }
            }
        }

        foreach (var group in byDay.GroupBy(x => x.Day))
        {
            var sorted = group.OrderBy(x => x.Start).ToList();
            for (var k = 1; k < sorted.Count; k++)
            {
                // Touching intervals (12:00–14:00 then 14:00–18:00) are fine: End is exclusive.
                if (sorted[k].Start < sorted[k - 1].End)
                {
                    var (first, second) = sorted[k - 1].Index < sorted[k].Index ? (sorted[k - 1], sorted[k]) : (sorted[k], sorted[k - 1]);
                    check.Fail($"{path}:{second.Index}",
                        $"overlaps {path}:{first.Index} on {group.Key} ({first.Start:HH\\:mm}–{first.End:HH\\:mm} and {second.Start:HH\\:mm}–{second.End:HH\\:mm})");
                }
            }
        }
    }

    private static void ValidateIncidentTypes(Checker check, IncidentTypesInfo types, string path)
    {
        check.Text(types.Introduction, $"{path}:Introduction", required: false);
        if (types.Items.Count == 0)
        {
            check.Fail($"{path}:Items", "at least one incident type is required");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < types.Items.Count; i++)
        {
            var t = types.Items[i];
            var tp = $"{path}:Items:{i}";
            var key = t.Key ?? "";
            if (!Slug().IsMatch(key))
            {
                check.Fail($"{tp}:Key", $"'{t.Key}' is not a lower-case kebab-case key");
            }
            else if (!keys.Add(key))
            {
                check.Fail($"{tp}:Key", $"'{t.Key}' is used by another incident type");
            }

            check.Text(t.Name, $"{tp}:Name", required: true, singleLine: true);
            if (t.RsitClasses.Count == 0)
            {
                check.Fail($"{tp}:RsitClasses", "at least one RSIT class is required (triage needs it)");
            }

            for (var j = 0; j < t.RsitClasses.Count; j++)
            {
                if (Vigie.Core.Taxonomy.RsitTaxonomy.Default.FindClass(t.RsitClasses[j]) is null)
                {
                    check.Fail($"{tp}:RsitClasses:{j}", $"'{t.RsitClasses[j]}' is not an RSIT class");
                }
            }
        }
    }

    private static void ValidateServices(Checker check, List<Service> services, string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var s = services[i];
            var sp = $"{path}:{i}";
            if (string.IsNullOrWhiteSpace(s.Id))
            {
                check.Fail($"{sp}:Id", "is required");
            }
            else if (check.Line(s.Id, $"{sp}:Id", 16) && !ids.Add(s.Id.Trim()))
            {
                check.Fail($"{sp}:Id", $"'{s.Id}' is used by another service at the same level");
            }

            check.Text(s.Title, $"{sp}:Title", required: true, singleLine: true);
            check.Text(s.Introduction, $"{sp}:Introduction", required: false);
            if (s.Items.Count == 0 && s.Subsections.Count == 0 && s.Introduction.IsEmpty)
            {
                check.Fail(sp, "a service needs an introduction, items or subsections");
            }

            for (var j = 0; j < s.Items.Count; j++)
            {
                check.Text(s.Items[j].Text, $"{sp}:Items:{j}:Text", required: true);
                check.Paragraphs(s.Items[j].Items, $"{sp}:Items:{j}:Items", required: false);
            }

            ValidateServices(check, s.Subsections, $"{sp}:Subsections");
            check.Text(s.Conclusion, $"{sp}:Conclusion", required: false);
        }
    }

    private static bool TryParseTime(string? value, out TimeOnly time) =>
        TimeOnly.TryParseExact(value?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static bool IsIanaTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return false;
        }

        // On Linux a Windows id ("Romance Standard Time") is found too, by conversion; the business
        // calendar (NodaTime tzdb) and the RFC 2350 text want the IANA id itself.
        return zone.HasIanaId && string.Equals(zone.Id, id, StringComparison.Ordinal);
    }

    private static bool IsCountryCode(string? code)
    {
        if (code is null || !CountryCode().IsMatch(code))
        {
            return false;
        }

        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguageCode();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex("^[0-9A-F]+$")]
    private static partial Regex HexDigits();

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex DayName();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    // E.164 allows at most 15 digits; spaces, dots, dashes and parentheses are tolerated for readability.
    [GeneratedRegex(@"^\+[0-9][0-9 ().-]{5,20}$")]
    private static partial Regex PhoneNumber();

    /// <summary>
    /// Why a value printed on one line (of the RFC 2350 text, security.txt, a mail header) is refused — a line
    /// break, a control character, more than <paramref name="max"/> characters — or null when it is fine.
    /// </summary>
    public static string? LineProblem(string? value, int max)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            return "must fit on one line (it holds a line break)";
        }

        if (value.FirstOrDefault(char.IsControl) is var c && c != default)
        {
            return $"holds a control character (U+{(int)c:X4})";
        }

        return value.Length > max ? $"is {value.Length} characters long; at most {max} are allowed" : null;
    }

    /// <summary>Collects failures, each prefixed with its configuration path.</summary>
    private sealed class Checker
    {
        public List<string> Errors { get; } = [];

        /// <summary>The profile's valid languages, first = preferred.</summary>
        public List<string> Languages { get; set; } = [];

        /// <summary>Whether text keys are checked against <see cref="Languages"/> (only when the list itself is valid).</summary>
        public bool CheckTextKeys { get; set; }

        public void Fail(string path, string message) => Errors.Add($"{path}: {message}");

        /// <summary>The longest one-line value (a name, an address line, a title).</summary>
        public const int MaxLine = 200;

        /// <summary>The longest text in one language (a paragraph or a few).</summary>
        public const int MaxText = 4000;

        public void Required(string? value, string path)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Fail(path, "is required");
                return;
            }

            Line(value, path, MaxLine);
        }

        /// <summary>
        /// A value printed on one line of the RFC 2350 document, security.txt or a mail header: a line break
        /// or a control character would forge lines there, so they are refused, as are over-long values.
        /// </summary>
        public bool Line(string? value, string path, int max)
        {
            if (LineProblem(value, max) is { } problem)
            {
                Fail(path, problem);
                return false;
            }

            return true;
        }

        public void Email(string? value, string path, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    Fail(path, "is required");
                }

                return;
            }

            if (!Line(value, path, 254))
            {
                return;
            }

            // MailAddress also accepts "Name <a@b>" and some odd forms: insist on the bare addr-spec,
            // with a dotted domain, since these addresses are printed in the RFC 2350 document.
            if (!MailAddress.TryCreate(value, out var address)
                || !string.Equals(address.Address, value, StringComparison.Ordinal)
                || !address.Host.Contains('.', StringComparison.Ordinal)
                || address.Host.StartsWith('.') || address.Host.EndsWith('.'))
            {
                Fail(path, $"'{value}' is not a valid e-mail address");
            }
        }

        public void Url(string? value, string path)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Fail(path, "is required");
                return;
            }

            if (!Line(value, path, 2000))
            {
                return;
            }

            if (value.Any(char.IsWhiteSpace))
            {
                Fail(path, $"'{value}' holds white space: not a URL");
                return;
            }

            // http is accepted (some teams publish their key on plain http mirrors); file:, ftp:, mailto: are not web pages.
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || string.IsNullOrEmpty(uri.Host))
            {
                Fail(path, $"'{value}' is not an absolute http(s) URL");
            }
        }

        public void OptionalUrl(string? value, string path)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                Url(value, path);
            }
        }

        public void Text(LocalizedText text, string path, bool required, bool singleLine = false)
        {
            foreach (var (language, value) in text)
            {
                if (value is null)
                {
                    continue;
                }

                if (singleLine)
                {
                    Line(value, $"{path}:{language}", MaxLine);
                    continue;
                }

                // Paragraphs are separated by blank lines (LF); CR and other control characters have no place in a published text.
                if (value.FirstOrDefault(ch => char.IsControl(ch) && ch != '\n') is var c && c != default)
                {
                    Fail($"{path}:{language}", $"holds a control character (U+{(int)c:X4})");
                }
                else if (value.Length > MaxText)
                {
                    Fail($"{path}:{language}", $"is {value.Length} characters long; at most {MaxText} are allowed");
                }
            }

            // A key outside the languages is most likely a typo ("fe", "eng") that would silently never be shown.
            foreach (var key in text.Keys.Where(_ => CheckTextKeys && Languages.Count > 0))
            {
                if (!Languages.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    Fail($"{path}:{key}", $"'{key}' is not one of the profile's languages ({string.Join(", ", Languages)})");
                }
            }

            // Required texts must exist in the preferred language: the generator falls back to it.
            if (Languages.Count > 0 && (required || !text.IsEmpty)
                && (!text.TryGetValue(Languages[0], out var first) || string.IsNullOrWhiteSpace(first)))
            {
                Fail($"{path}:{Languages[0]}", "is required (the text in the profile's first language)");
            }
        }

        public void Paragraphs(List<LocalizedText> paragraphs, string path, bool required)
        {
            if (required && paragraphs.Count == 0)
            {
                Fail(path, "at least one paragraph is required");
            }

            for (var i = 0; i < paragraphs.Count; i++)
            {
                Text(paragraphs[i], $"{path}:{i}", required: true);
            }
        }
    }
}
