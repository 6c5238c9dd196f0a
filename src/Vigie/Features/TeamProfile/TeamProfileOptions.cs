using System.Globalization;

namespace Vigie.Features.TeamProfile;

// The team profile holds every fact of the team's RFC 2350 description (seed/000_2d5be65d1ddacc1d.txt).
// Defaults come from the shipped team-profile.json, never from C# initialisers: the configuration
// binder appends to non-empty lists, so a list initialised here would be doubled by the file.
// Collections and texts are initialised empty only so that code never meets null.
// Free texts are LocalizedText ({ "fr": "…", "en": "…" }) so that the RFC 2350 generator renders each language.

/// <summary>
/// The team's RFC 2350 profile, bound from the <c>Vigie:Team</c> configuration section.
/// Documented key by key in docs/team-profile.md. Section numbers are RFC 2350's template (Appendix E);
/// where the seed numbers differently, its number follows in brackets.
/// </summary>
public sealed class TeamProfileOptions
{
    /// <summary>The configuration section holding the profile.</summary>
    public const string Section = "Vigie:Team";

    /// <summary>
    /// Configuration key naming a full profile file that replaces the shipped default
    /// <c>team-profile.json</c> (environment variable <c>VIGIE__TEAMPROFILEFILE</c>).
    /// </summary>
    public const string ProfileFileKey = "Vigie:TeamProfileFile";

    /// <summary>
    /// Languages in which the profile is written and the team communicates (RFC 2350 §2.10 / §4.3),
    /// two-letter ISO 639-1 codes, preferred first. The first language is the fallback of every
    /// <see cref="LocalizedText"/> and must be present in every required text.
    /// </summary>
    public List<string> Languages { get; set; } = [];

    /// <summary>RFC 2350 §1: document information (introduction, versions, distribution, locations, authentication).</summary>
    public DocumentInfo Document { get; set; } = new();

    /// <summary>RFC 2350 §2.1: the team's name, e.g. "cegedim.cloud CSIRT".</summary>
    public string Name { get; set; } = "";

    /// <summary>RFC 2350 §2.1: the name as written in the document, with its expansion.</summary>
    public LocalizedText FullName { get; set; } = new();

    /// <summary>RFC 2350 §2.2: postal address.</summary>
    public PostalAddress Address { get; set; } = new();

    /// <summary>RFC 2350 §2.3: IANA time zone id (e.g. <c>Europe/Paris</c>); drives the business calendar.</summary>
    public string TimeZone { get; set; } = "";

    /// <summary>RFC 2350 §2.3: the zone as people read it, with its UTC offsets.</summary>
    public LocalizedText TimeZoneDescription { get; set; } = new();

    /// <summary>RFC 2350 §2.4 (telephone; §2.5 facsimile: none): phone policy.</summary>
    public PhonePolicy Phone { get; set; } = new();

    /// <summary>RFC 2350 §2.7 [seed 2.5]: address for incident reports; intake listens for it.</summary>
    public string IncidentEmail { get; set; } = "";

    /// <summary>RFC 2350 §2.7 [seed 2.5]: address for general (non-incident) requests.</summary>
    public string GeneralEmail { get; set; } = "";

    /// <summary>RFC 2350 §2.6: other telecommunication channels and whether they take incident reports.</summary>
    public ContactChannels OtherChannels { get; set; } = new();

    /// <summary>RFC 2350 §2.8 [seed 2.7] (and seed §1.4, the key that signs the document): the team's OpenPGP key.</summary>
    public PublicKey PublicKey { get; set; } = new();

    /// <summary>RFC 2350 §2.9 [seed 2.8]: team members (here: policy of not listing them).</summary>
    public LocalizedText TeamMembers { get; set; } = new();

    /// <summary>
    /// RFC 2350 §2.11, hours of operation [seed 2.9]: business hours in <see cref="TimeZone"/>;
    /// several intervals per day are allowed (e.g. a lunch break), none may overlap on the same day.
    /// </summary>
    public List<BusinessHoursInterval> BusinessHours { get; set; } = [];

    /// <summary>RFC 2350 §2.11 [seed 2.9]: what the team does outside business hours (on-call duty for critical incidents).</summary>
    public OnCallPolicy OnCall { get; set; } = new();

    /// <summary>RFC 2350 §2.10: other information (where general information about the team is published).</summary>
    public LinkedText OtherInformation { get; set; } = new();

    /// <summary>RFC 2350 §2.11: points of customer (constituent) contact (the channels to use).</summary>
    public LocalizedText ConstituentContact { get; set; } = new();

    /// <summary>RFC 2350 §3.1: mission statement.</summary>
    public LocalizedText Mission { get; set; } = new();

    /// <summary>RFC 2350 §3.2: constituency.</summary>
    public ConstituencyInfo Constituency { get; set; } = new();

    /// <summary>RFC 2350 §3.3: sponsorship and/or affiliation (paragraphs).</summary>
    public List<LocalizedText> Sponsorship { get; set; } = [];

    /// <summary>RFC 2350 §3.4: authority (paragraphs).</summary>
    public List<LocalizedText> Authority { get; set; } = [];

    /// <summary>RFC 2350 §4.1: types of incidents handled, each mapped onto RSIT classes.</summary>
    public IncidentTypesInfo IncidentTypes { get; set; } = new();

    /// <summary>RFC 2350 §4.1: level of support and the initial-response promise (drives the SLA clock).</summary>
    public SupportLevel Support { get; set; } = new();

    /// <summary>RFC 2350 §4.2: co-operation, interaction and disclosure of information.</summary>
    public CooperationPolicy Cooperation { get; set; } = new();

    /// <summary>RFC 2350 §4.3: communication and authentication.</summary>
    public CommunicationPolicy Communication { get; set; } = new();

    /// <summary>RFC 2350 §5: services (RFC 5.1 incident response and 5.2 proactive activities; the seed's 5.1–5.4).</summary>
    public ServicesInfo Services { get; set; } = new();

    /// <summary>RFC 2350 §7 [seed 6]: disclaimers (paragraphs).</summary>
    public List<LocalizedText> Disclaimer { get; set; } = [];

    /// <summary>The preferred language: the first of <see cref="Languages"/>.</summary>
    public string PrimaryLanguage => Languages.Count > 0 ? Languages[0] : "";

    /// <summary>The text in <paramref name="language"/>, falling back to <see cref="PrimaryLanguage"/>.</summary>
    public string Localize(LocalizedText text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Get(language, PrimaryLanguage);
    }
}

/// <summary>
/// A free text in several languages, bound from <c>{ "fr": "…", "en": "…" }</c>.
/// Keys are two-letter language codes, compared case-insensitively.
/// Paragraphs inside one text are separated by a blank line.
/// </summary>
#pragma warning disable CA1710 // "LocalizedText" reads better in config docs than "LocalizedTextDictionary".
public sealed class LocalizedText : Dictionary<string, string>
#pragma warning restore CA1710
{
    /// <summary>An empty text.</summary>
    public LocalizedText() : base(StringComparer.OrdinalIgnoreCase) { }

    /// <summary>True when no language has a non-blank value.</summary>
    public bool IsEmpty => Values.All(string.IsNullOrWhiteSpace);

    /// <summary>
    /// The text in <paramref name="language"/>; else in <paramref name="fallbackLanguage"/> (pass the
    /// profile's first language, see <see cref="TeamProfileOptions.Localize"/>); else in any language
    /// (ordinal key order, so the result is deterministic); else "".
    /// </summary>
    public string Get(string language, string? fallbackLanguage = null)
    {
        if (TryGetValue(language, out var text) && !string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        if (fallbackLanguage is not null && TryGetValue(fallbackLanguage, out text) && !string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        // The binder sorts keys, so insertion order says nothing about preference: pick deterministically.
        return this.Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Value)
            .FirstOrDefault() ?? "";
    }
}

/// <summary>RFC 2350 §1: information about the document itself.</summary>
public sealed class DocumentInfo
{
    /// <summary>RFC 2350 §1: what the document is (introductory paragraph).</summary>
    public LocalizedText Introduction { get; set; } = new();

    /// <summary>RFC 2350 §1.1: version history, oldest first; the last entry is the date of last update.</summary>
    public List<DocumentVersion> History { get; set; } = [];

    /// <summary>RFC 2350 §1.2: distribution list for notifications.</summary>
    public DistributionList Distribution { get; set; } = new();

    /// <summary>RFC 2350 §1.3: URLs where the current version can be found.</summary>
    public List<string> Locations { get; set; } = [];

    /// <summary>RFC 2350 §1.3 [seed 1.3/1.4]: URL of the OpenPGP-signed version.</summary>
    public string? SignedVersionUrl { get; set; }

    /// <summary>Seed §1.4 (RFC 2350 §1/§3.2, authenticating the document): how the document is authenticated (the key itself is <see cref="TeamProfileOptions.PublicKey"/>).</summary>
    public LocalizedText Authentication { get; set; } = new();
}

/// <summary>RFC 2350 §1.1: one version of the document.</summary>
public sealed class DocumentVersion
{
    /// <summary>Version number, e.g. "1.0".</summary>
    public string Version { get; set; } = "";

    /// <summary>Date in ISO 8601 form <c>yyyy-MM-dd</c> (the seed writes 08/05/2025, day first).</summary>
    public string Date { get; set; } = "";

    /// <summary>Description of the changes.</summary>
    public LocalizedText Changes { get; set; } = new();

    /// <summary>The parsed <see cref="Date"/>; call only on a validated profile.</summary>
    public DateOnly GetDate() => DateOnly.ParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>RFC 2350 §1.2: how new versions are announced.</summary>
public sealed class DistributionList
{
    /// <summary>Address of a public distribution list; empty when there is none (the seed's case).</summary>
    public string? Address { get; set; }

    /// <summary>URL where updates are announced.</summary>
    public string? AnnouncementUrl { get; set; }

    /// <summary>The policy as written (no list; announcements on the web site).</summary>
    public LocalizedText Policy { get; set; } = new();
}

/// <summary>RFC 2350 §2.2: postal address.</summary>
public sealed class PostalAddress
{
    /// <summary>Organisation line, e.g. "cegedim.cloud".</summary>
    public string Organisation { get; set; } = "";

    /// <summary>Street line(s).</summary>
    public List<string> Street { get; set; } = [];

    /// <summary>Postal code.</summary>
    public string PostalCode { get; set; } = "";

    /// <summary>Town or city.</summary>
    public string Locality { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 country code, e.g. "FR".</summary>
    public string CountryCode { get; set; } = "";

    /// <summary>Country name as printed.</summary>
    public LocalizedText Country { get; set; } = new();
}

/// <summary>RFC 2350 §2.4: telephone.</summary>
public sealed class PhonePolicy
{
    /// <summary>Published number (E.164, e.g. +33…); empty when the number is shared with constituents only (the seed's case).</summary>
    public string? Number { get; set; }

    /// <summary>The policy as written (who gets the number, what others should do).</summary>
    public LocalizedText Policy { get; set; } = new();

    /// <summary>URL of the contact form offered to non-constituents; empty when the document gives none.</summary>
    public string? ContactFormUrl { get; set; }

    /// <summary>Label of the contact-form link as printed (the seed: "Contact - Cegedim Cloud").</summary>
    public LocalizedText ContactFormLabel { get; set; } = new();
}

/// <summary>RFC 2350 §2.6: other telecommunication.</summary>
public sealed class ContactChannels
{
    /// <summary>The policy as written (the seed: no other channel is accepted for incident reports).</summary>
    public LocalizedText Policy { get; set; } = new();

    /// <summary>Other channels, if any (none in the seed).</summary>
    public List<ContactChannel> Channels { get; set; } = [];
}

/// <summary>RFC 2350 §2.6: one other channel.</summary>
public sealed class ContactChannel
{
    /// <summary>Kind, e.g. "matrix", "signal", "web-form".</summary>
    public string Kind { get; set; } = "";

    /// <summary>Address, handle or URL on that channel.</summary>
    public string Address { get; set; } = "";

    /// <summary>Whether incident reports are accepted on it.</summary>
    public bool AcceptsIncidentReports { get; set; }

    /// <summary>Optional note.</summary>
    public LocalizedText Note { get; set; } = new();
}

/// <summary>RFC 2350 §2.8 [seed 2.7] and seed §1.4: the team's OpenPGP public key.</summary>
public sealed class PublicKey
{
    /// <summary>URL where the armored key is published.</summary>
    public string Url { get; set; } = "";

    /// <summary>Long key id, 16 hex digits (spaces and a 0x prefix allowed): the last 16 digits of the fingerprint.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>OpenPGP v4 fingerprint, 40 hex digits (spaces allowed).</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>What the key is used for, as written.</summary>
    public LocalizedText Usage { get; set; } = new();

    /// <summary>The fingerprint in upper-case hex without spaces.</summary>
    public string NormalizedFingerprint => NormalizeHex(Fingerprint);

    /// <summary>The key id in upper-case hex without spaces nor 0x prefix.</summary>
    public string NormalizedKeyId => NormalizeHex(KeyId);

    internal static string NormalizeHex(string? value)
    {
        var s = string.Concat((value ?? "").Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        return s.StartsWith("0X", StringComparison.Ordinal) ? s[2..] : s;
    }
}

/// <summary>RFC 2350 §2.11 [seed 2.9]: one business-hours interval, local time in <see cref="TeamProfileOptions.TimeZone"/>.</summary>
public sealed class BusinessHoursInterval
{
    /// <summary>English day names (<c>Monday</c> … <c>Sunday</c>, case-insensitive).</summary>
    public List<string> Days { get; set; } = [];

    /// <summary>Start, <c>HH:mm</c>, inclusive.</summary>
    public string Start { get; set; } = "";

    /// <summary>End, <c>HH:mm</c>, exclusive, after <see cref="Start"/> (an interval does not cross midnight).</summary>
    public string End { get; set; } = "";

    /// <summary>The parsed days; call only on a validated profile.</summary>
    public IReadOnlyList<DayOfWeek> GetDays() => [.. Days.Select(d => Enum.Parse<DayOfWeek>(d.Trim(), ignoreCase: true))];

    /// <summary>The parsed start; call only on a validated profile.</summary>
    public TimeOnly GetStart() => TimeOnly.ParseExact(Start.Trim(), "HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The parsed end; call only on a validated profile.</summary>
    public TimeOnly GetEnd() => TimeOnly.ParseExact(End.Trim(), "HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>RFC 2350 §2.11 [seed 2.9]: service outside business hours.</summary>
public sealed class OnCallPolicy
{
    /// <summary>Address that reaches the on-call duty; empty when there is none.</summary>
    public string? Email { get; set; }

    /// <summary>The policy as written (on-call duty for critical incidents reported to the address).</summary>
    public LocalizedText Policy { get; set; } = new();
}

/// <summary>A text with an optional link (RFC 2350 §2.10).</summary>
public sealed class LinkedText
{
    /// <summary>URL.</summary>
    public string? Url { get; set; }

    /// <summary>The text as written.</summary>
    public LocalizedText Text { get; set; } = new();
}

/// <summary>RFC 2350 §3.2: constituency.</summary>
public sealed class ConstituencyInfo
{
    /// <summary>Sentence introducing the list ("serves mainly:").</summary>
    public LocalizedText Introduction { get; set; } = new();

    /// <summary>Classes of constituents served.</summary>
    public List<ConstituencyClass> Classes { get; set; } = [];

    /// <summary>Remarks after the list (the seed: no direct support to end users, who must contact their administrator or SOC).</summary>
    public List<LocalizedText> Notes { get; set; } = [];
}

/// <summary>RFC 2350 §3.2: one class of constituents.</summary>
public sealed class ConstituencyClass
{
    /// <summary>Kind of constituent it maps to (DESIGN.md): <c>client</c>, <c>internal</c> or <c>partner</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Description as written.</summary>
    public LocalizedText Description { get; set; } = new();
}

/// <summary>RFC 2350 §4.1: incident types.</summary>
public sealed class IncidentTypesInfo
{
    /// <summary>Sentence introducing the list (all types, including but not limited to:).</summary>
    public LocalizedText Introduction { get; set; } = new();

    /// <summary>The kinds listed, in the document's order.</summary>
    public List<IncidentType> Items { get; set; } = [];
}

/// <summary>RFC 2350 §4.1: one kind of incident and its RSIT classes.</summary>
public sealed class IncidentType
{
    /// <summary>Stable key, lower-case kebab-case, e.g. <c>malicious-code</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>Name as written.</summary>
    public LocalizedText Name { get; set; } = new();

    /// <summary>RSIT top-level classes (src/Vigie.Core/Taxonomy/rsit.machinetag.json) this kind covers; triage offers them.</summary>
    public List<string> RsitClasses { get; set; } = [];
}

/// <summary>RFC 2350 §4.1: level of support.</summary>
public sealed class SupportLevel
{
    /// <summary>How the level of support is decided, as written.</summary>
    public LocalizedText Policy { get; set; } = new();

    /// <summary>Initial response promised within this many business days for reports received during business hours.</summary>
    public int InitialResponseBusinessDays { get; set; }

    /// <summary>The initial-response promise as written.</summary>
    public LocalizedText InitialResponse { get; set; } = new();
}

/// <summary>RFC 2350 §4.2: co-operation, interaction and disclosure of information.</summary>
public sealed class CooperationPolicy
{
    /// <summary>Whether incident information (names, technical details) is shared only with the explicit consent of all parties.</summary>
    public bool RequiresConsent { get; set; }

    /// <summary>URL of the Traffic Light Protocol definition used (FIRST TLP).</summary>
    public string? TlpDefinitionUrl { get; set; }

    /// <summary>Paragraphs before the list of priorities.</summary>
    public List<LocalizedText> Paragraphs { get; set; } = [];

    /// <summary>The team's first priorities (confidentiality level set by the owner with TLP; personal data).</summary>
    public List<LocalizedText> Priorities { get; set; } = [];

    /// <summary>Paragraphs after the list of priorities.</summary>
    public List<LocalizedText> Closing { get; set; } = [];
}

/// <summary>RFC 2350 §4.3: communication and authentication.</summary>
public sealed class CommunicationPolicy
{
    /// <summary>Preferred channel, e.g. <c>email</c>.</summary>
    public string PreferredChannel { get; set; } = "";

    /// <summary>Whether sensitive communications must be encrypted with <see cref="TeamProfileOptions.PublicKey"/>.</summary>
    public bool EncryptSensitive { get; set; }

    /// <summary>The policy as written.</summary>
    public LocalizedText Policy { get; set; } = new();
}

/// <summary>RFC 2350 §5: services.</summary>
public sealed class ServicesInfo
{
    /// <summary>Paragraph introducing the services.</summary>
    public LocalizedText Introduction { get; set; } = new();

    /// <summary>The services (5.1, 5.2, …).</summary>
    public List<Service> Items { get; set; } = [];
}

/// <summary>RFC 2350 §5.x: one service, possibly with subsections (5.4 a–d in the seed).</summary>
public sealed class Service
{
    /// <summary>Number or letter as printed, unique among its siblings, e.g. "5.1" or "a".</summary>
    public string Id { get; set; } = "";

    /// <summary>Title.</summary>
    public LocalizedText Title { get; set; } = new();

    /// <summary>Paragraph before the items (optional).</summary>
    public LocalizedText Introduction { get; set; } = new();

    /// <summary>Items (bullets), each possibly with sub-items.</summary>
    public List<ServiceItem> Items { get; set; } = [];

    /// <summary>Subsections (5.4 a–d).</summary>
    public List<Service> Subsections { get; set; } = [];

    /// <summary>Paragraph after the items and subsections (optional).</summary>
    public LocalizedText Conclusion { get; set; } = new();
}

/// <summary>RFC 2350 §5.x: one item of a service.</summary>
public sealed class ServiceItem
{
    /// <summary>The item as written.</summary>
    public LocalizedText Text { get; set; } = new();

    /// <summary>Numbered sub-items (the two configuration audits of 5.4 b).</summary>
    public List<LocalizedText> Items { get; set; } = [];
}
