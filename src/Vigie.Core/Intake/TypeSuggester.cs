using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Vigie.Core.Observables;

namespace Vigie.Core.Intake;

/// <summary>What <see cref="TypeSuggester"/> looks at in a new report.</summary>
/// <param name="Subject">The decoded subject, if any.</param>
/// <param name="Text">The report's text (plain or sanitised HTML body), if any; only its first
/// <see cref="TypeSuggester.MaxTextLength"/> characters are read.</param>
/// <param name="Format">The recognised format: null, <c>arf</c>, <c>xarf</c>, <c>shadowserver</c> or <c>dsn</c> (any case).</param>
/// <param name="FormatSubtype">ARF Feedback-Type; X-ARF Report-Type, or v4 category and/or type
/// (<c>connection/login_attack</c>); Shadowserver report name or report file name.</param>
/// <param name="ObservableKinds">The kinds of the observables extracted from the report.</param>
public sealed record TypeSuggestionInput(string? Subject, string? Text, string? Format, string? FormatSubtype,
    IReadOnlyCollection<ObservableKind> ObservableKinds);

/// <summary>A suggested RSIT classification for a report: a hint for the analyst, never acted on automatically.</summary>
/// <param name="Classification">RSIT class (machinetag predicate), e.g. <c>fraud</c>.</param>
/// <param name="Type">RSIT type (machinetag value), e.g. <c>phishing</c>.</param>
/// <param name="Rule">Stable id of the rule that fired, e.g. <c>arf:abuse</c> (see <see cref="TypeSuggester.Rules"/>).</param>
/// <param name="Confidence">How much the rule is worth, from 0 to 1: structured formats high, keywords lower.</param>
public sealed record TypeSuggestion(string Classification, string Type, string Rule, double Confidence);

/// <summary>
/// Suggests an RSIT class and type for a new report (issue 3 §5) from documented rules, listed in
/// <see cref="Rules"/> and in docs/intake-rules.md. The suggestion is shown to the analyst; nothing is
/// classified or closed on its strength.
/// </summary>
/// <remarks>
/// <para>Evaluation order, first match wins:</para>
/// <list type="number">
/// <item>Suppressions (<see cref="Suppressions"/>): a DSN or an ARF <c>not-spam</c> report gets no suggestion at all,
/// since its text quotes mail that is not an incident.</item>
/// <item>The structured format: ARF Feedback-Type, X-ARF type or category, Shadowserver report name
/// (confidence 0.6–0.9).</item>
/// <item>Keyword rules on the subject (confidence 0.6), then on the text (0.4), in the order of <see cref="Rules"/>:
/// French and English words and phrases, matched as whole words, ignoring case and accents; the vulnerability
/// rule gains 0.1 when the report has a CVE observable.</item>
/// <item>A CVE observable alone suggests a vulnerable system (0.35).</item>
/// <item>Weak format rules (blocklist, reputation feeds): "undetermined" (0.2).</item>
/// </list>
/// <para>Null when nothing fires.</para>
/// </remarks>
public static class TypeSuggester
{
    /// <summary>Characters of the text read at most (100,000): what identifies a report is at its top.</summary>
    public const int MaxTextLength = 100_000;

    private const double SubjectConfidence = 0.6;
    private const double TextConfidence = 0.4;
    private const double CveBonus = 0.1;

    // First of the static fields: the keyword rules below fold their phrases while being initialised.
    private static readonly char[] s_foldTable = BuildFoldTable();

    private static char[] BuildFoldTable()
    {
        // Latin-1 Supplement and Latin Extended-A/B: the letter without its accent ("é" → "e", "ç" → "c").
        var table = new char[0x250];
        for (var c = 0; c < table.Length; c++)
        {
            var ch = (char)c;
            if (c < 0x80)
            {
                table[c] = char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : ' ';
                continue;
            }

            var first = ch.ToString().Normalize(NormalizationForm.FormD)[0];
            table[c] = char.IsAsciiLetterOrDigit(first) ? char.ToLowerInvariant(first)
                : char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch)
                : ' ';
        }

        return table;
    }

    private sealed record Rule(string Id, string Description, string Classification, string Type, double Confidence);

    private sealed record KeywordRule(string Id, string Classification, string Type, string[] Phrases)
    {
        public string[] Needles { get; } = [.. Phrases.Select(p => " " + Fold(p).Trim() + " ")];
    }

    private sealed record ShadowserverRule(Rule Rule, Func<string, bool> Matches);

    // ARF: RFC 5965 §7.3 feedback types, plus auth-failure (RFC 6591 §3).
    private static readonly Rule[] s_arf =
    [
        new("arf:abuse", "ARF report with Feedback-Type abuse: unsolicited or otherwise abusive mail (RFC 5965 §7.3).", "abusive-content", "spam", 0.9),
        new("arf:fraud", "ARF report with Feedback-Type fraud: fraud or phishing activity (RFC 5965 §7.3).", "fraud", "phishing", 0.8),
        new("arf:virus", "ARF report with Feedback-Type virus: the message carried a virus, so the sending host is most likely infected (RFC 5965 §7.3).", "malicious-code", "infected-system", 0.7),
        new("arf:auth-failure", "ARF report with Feedback-Type auth-failure: the message failed SPF, DKIM or DMARC checks, i.e. forged the sender's domain (RFC 6591).", "fraud", "masquerade", 0.6),
    ];

    // X-ARF: v0.2 Report-Type values and v4 categories/types (xarf-spec v4), '_' and '-' alike.
    private static readonly (Rule Rule, string[] Values)[] s_xarf =
    [
        (new("xarf:ddos", "X-ARF report of type ddos.", "availability", "ddos", 0.9), ["ddos"]),
        (new("xarf:login-attack", "X-ARF report of type login_attack (login-attack), brute_force or bruteforce.", "intrusion-attempts", "brute-force", 0.9), ["login-attack", "brute-force", "bruteforce"]),
        (new("xarf:scan", "X-ARF report of type port_scan, portscan, reconnaissance, vulnerability_scan or scan.", "information-gathering", "scanner", 0.9), ["port-scan", "portscan", "reconnaissance", "vulnerability-scan", "scan"]),
        (new("xarf:exploit", "X-ARF report of type sql_injection or exploit.", "intrusion-attempts", "exploit", 0.8), ["sql-injection", "exploit"]),
        (new("xarf:infected", "X-ARF report of type infected_host, botnet, bot or malware-attack (a host running malware).", "malicious-code", "infected-system", 0.9), ["infected-host", "botnet", "bot", "malware-attack"]),
        (new("xarf:malware", "X-ARF report of type malware (content: a URL or file serving malware).", "malicious-code", "malware-distribution", 0.8), ["malware"]),
        (new("xarf:phishing", "X-ARF report of type phishing.", "fraud", "phishing", 0.9), ["phishing"]),
        (new("xarf:fraud", "X-ARF report of type fraud or brand_infringement (impersonation of a brand or organisation).", "fraud", "masquerade", 0.7), ["fraud", "brand-infringement"]),
        (new("xarf:compromise", "X-ARF report of type remote_compromise, compromised_server or compromised.", "intrusions", "system-compromise", 0.8), ["remote-compromise", "compromised-server", "compromised"]),
        (new("xarf:exposed-data", "X-ARF report of type exposed_data.", "information-content-security", "data-leak", 0.8), ["exposed-data"]),
        (new("xarf:csam", "X-ARF report of type csam or csem (child sexual abuse or exploitation material).", "abusive-content", "violence", 0.9), ["csam", "csem"]),
        (new("xarf:copyright", "X-ARF report of category copyright, or type cyberlocker, link_site, p2p, ugc_platform or usenet.", "fraud", "copyright", 0.9), ["copyright", "cyberlocker", "link-site", "p2p", "ugc-platform", "usenet"]),
        (new("xarf:spam", "X-ARF report of type spam or bulk_messaging, or category messaging.", "abusive-content", "spam", 0.9), ["spam", "bulk-messaging", "messaging"]),
        (new("xarf:vulnerability", "X-ARF report of category vulnerability, or type cve, vulnerable or misconfiguration.", "vulnerable", "vulnerable-system", 0.8), ["vulnerability", "cve", "vulnerable", "misconfiguration"]),
        (new("xarf:open-service", "X-ARF report of type open_service.", "vulnerable", "potentially-unwanted-accessible", 0.8), ["open-service"]),
    ];

    private static readonly FrozenDictionary<string, Rule> s_xarfByValue =
        s_xarf.SelectMany(x => x.Values.Select(v => (v, x.Rule))).ToFrozenDictionary(x => x.v, x => x.Rule, StringComparer.Ordinal);

    private static readonly string[] s_amplifiers =
    [
        "scan_ntp", "scan_ntpmonitor", "scan_dns", "dns_openresolver", "scan_chargen", "scan_qotd", "scan_ssdp", "scan_snmp",
        "scan_memcached", "scan_portmapper", "scan_mdns", "scan_netbios", "scan_ldap_udp", "scan_cldap", "scan_ubiquiti",
        "scan_coap", "scan_ws_discovery", "scan_dvr_dhcpdiscover", "scan_xdmcp", "scan_rdpeudp", "scan_tftp", "scan_ard",
        "scan_slp", "scan_ddos_middlebox", "scan_loop_dos", "scan_nat_pmp", "scan_sentinel",
    ];

    private static readonly string[] s_disclosing =
    [
        "scan_redis", "scan_elasticsearch", "scan_mongodb", "scan_couchdb", "scan_hadoop", "scan_docker", "scan_kubernetes",
        "scan_rsync", "scan_mqtt", "scan_mqtt_anon", "scan_amqp", "scan_activemq", "scan_ipp", "scan_db2", "scan_epmd", "scan_afp",
    ];

    private static readonly string[] s_population =
    [
        "scan_http", "scan_https", "scan_ssh", "scan_ssl", "scan_smtp", "scan_imap", "scan_pop3", "scan_quic", "scan_stun",
    ];

    // Shadowserver report names (report_schema types.md), after ShadowserverName: "event4_"/"event6_" and IPv6 "6"
    // variants folded, so "scan6_rdp" and "scan_rdp" are one report. In order; first match wins.
    private static readonly ShadowserverRule[] s_shadowserver =
    [
        new(new("ss:weak-crypto", "Shadowserver scan_ssl_poodle, scan_ssl_freak or scan_badsecrets: a service offering broken cryptography or secrets.", "vulnerable", "weak-crypto", 0.9),
            n => n is "scan_ssl_poodle" or "scan_ssl_freak" or "scan_badsecrets"),
        new(new("ss:vulnerable", "Shadowserver scan report naming a vulnerability: scan_*_vulnerable, scan_exchange, scan_synfulknock, scan_netis_router, scan_cisco_smart_install.", "vulnerable", "vulnerable-system", 0.9),
            n => n.StartsWith("scan_", StringComparison.Ordinal) && (n.Contains("vulnerable", StringComparison.Ordinal)
                || n is "scan_exchange" or "scan_synfulknock" or "scan_netis_router" or "scan_cisco_smart_install")),
        new(new("ss:amplifier", $"Shadowserver scan of a UDP service usable for reflection/amplification DDoS: {string.Join(", ", s_amplifiers)}.", "vulnerable", "ddos-amplifier", 0.9),
            n => s_amplifiers.Contains(n)),
        new(new("ss:information-disclosure", $"Shadowserver scan of an open data store or service disclosing information: {string.Join(", ", s_disclosing)}.", "vulnerable", "information-disclosure", 0.85),
            n => s_disclosing.Contains(n)),
        new(new("ss:population", $"Shadowserver census of ordinary services (informational): {string.Join(", ", s_population)}, population_*, device_id.", "other", "other", 0.5),
            n => s_population.Contains(n) || n.StartsWith("population_", StringComparison.Ordinal) || n == "device_id"),
        new(new("ss:accessible", "Any other Shadowserver scan_* report: a service that should not be reachable from the Internet (RDP, VNC, Telnet, SMB, databases, ICS…).", "vulnerable", "potentially-unwanted-accessible", 0.8),
            n => n.StartsWith("scan_", StringComparison.Ordinal)),
        new(new("ss:brute-force", "Shadowserver report about brute force (honeypot_brute_force, drone_brute_force).", "intrusion-attempts", "brute-force", 0.9),
            n => n.Contains("brute_force", StringComparison.Ordinal)),
        new(new("ss:ddos", "Shadowserver report about DDoS (honeypot_ddos, honeypot_ddos_amp, honeypot_ddos_target, ddos_participant).", "availability", "ddos", 0.9),
            n => n.Contains("ddos", StringComparison.Ordinal)),
        new(new("ss:scanner", "Shadowserver honeypot scanner or darknet report (honeypot_*_scan, honeypot_darknet): the host scans others.", "information-gathering", "scanner", 0.9),
            n => n.StartsWith("honeypot_", StringComparison.Ordinal) && (n.EndsWith("_scan", StringComparison.Ordinal) || n == "honeypot_darknet")),
        new(new("ss:c2", "Shadowserver command-and-control report (botnet_cc, cc_ip).", "malicious-code", "c2-server", 0.9),
            n => n.Contains("botnet_cc", StringComparison.Ordinal) || n == "cc_ip"),
        new(new("ss:infected", "Shadowserver sinkhole, drone or botnet report (sinkhole, sinkhole_http, microsoft_sinkhole, botnet_drone…): the host talks to malware infrastructure.", "malicious-code", "infected-system", 0.9),
            n => n.Contains("sinkhole", StringComparison.Ordinal) || n.Contains("drone", StringComparison.Ordinal)
                || n.Contains("botnet", StringComparison.Ordinal) || n == "scan_post_exploitation_framework"),
        new(new("ss:compromised-account", "Shadowserver compromised_account report: leaked credentials.", "information-content-security", "data-leak", 0.9),
            n => n == "compromised_account"),
        new(new("ss:compromised", "Shadowserver compromised_website, compromised_iot or ransomware_victim report.", "intrusions", "system-compromise", 0.9),
            n => n.StartsWith("compromised_", StringComparison.Ordinal) || n == "ransomware_victim"),
        new(new("ss:malware-url", "Shadowserver malware_url, sandbox_url or sandbox_conn report.", "malicious-code", "malware-distribution", 0.8),
            n => n is "malware_url" or "sandbox_url" or "sandbox_conn"),
        new(new("ss:phishing", "Shadowserver phish_url report.", "fraud", "phishing", 0.9), n => n == "phish_url"),
        new(new("ss:spam", "Shadowserver spam_url report.", "abusive-content", "spam", 0.8), n => n == "spam_url"),
        new(new("ss:ip-spoofer", "Shadowserver ip_spoofer report: a network letting spoofed source addresses out.", "fraud", "masquerade", 0.7), n => n == "ip_spoofer"),
    ];

    // Whole words or phrases, any case, accents ignored. Order matters: the most specific first, so a "phishing
    // spam" is phishing and a "compromised host scanning" is a compromise.
    private static readonly KeywordRule[] s_keywords =
    [
        new("kw:ransomware", "information-content-security", "unauthorised-information-modification",
            ["ransomware", "ransomwares", "rançongiciel", "rançongiciels", "logiciel de rançon", "demande de rançon", "ransom note"]),
        new("kw:phishing", "fraud", "phishing",
            ["phishing", "phish", "smishing", "hameçonnage", "filoutage", "credential harvesting"]),
        new("kw:data-leak", "information-content-security", "data-leak",
            ["data leak", "data leakage", "data breach", "leaked data", "leaked credentials", "credential leak", "fuite de données",
             "fuites de données", "fuite d'informations", "violation de données", "exfiltration", "données exfiltrées"]),
        new("kw:compromise", "intrusions", "system-compromise",
            ["compromission", "compromised", "compromise", "hacked", "piratage", "piraté", "piratée", "defacement", "defaced",
             "défacement", "défiguration", "défiguré", "webshell", "web shell", "backdoor", "porte dérobée"]),
        new("kw:ddos", "availability", "ddos",
            ["ddos", "distributed denial of service", "déni de service distribué", "amplification attack", "attaque par amplification",
             "syn flood", "udp flood"]),
        new("kw:dos", "availability", "dos",
            ["denial of service", "déni de service", "dos attack", "attaque dos"]),
        new("kw:brute-force", "intrusion-attempts", "brute-force",
            ["brute force", "bruteforce", "brute forcing", "bruteforcing", "force brute", "password spraying", "credential stuffing",
             "dictionary attack", "attaque par dictionnaire", "failed password", "failed login", "tentatives de connexion"]),
        new("kw:malware", "malicious-code", "infected-system",
            ["malware", "malwares", "logiciel malveillant", "logiciels malveillants", "maliciel", "virus", "trojan", "cheval de troie",
             "chevaux de troie", "botnet", "infected", "infection", "infecté", "infectée", "infectés", "infectées", "rootkit", "keylogger", "spyware"]),
        new("kw:vulnerability", "vulnerable", "vulnerable-system",
            ["vulnerability", "vulnerabilities", "vulnerable", "vulnérabilité", "vulnérabilités", "vulnérable", "vulnérables", "faille",
             "failles", "security flaw", "unpatched"]),
        new("kw:scan", "information-gathering", "scanner",
            ["scan", "scans", "scanning", "scanned", "scanner", "scanners", "portscan", "portscans", "balayage", "balayages", "probing"]),
        new("kw:spam", "abusive-content", "spam",
            ["spam", "spams", "spamming", "spammer", "spammers", "pourriel", "pourriels", "courrier indésirable", "courriers indésirables",
             "courriel indésirable", "courriels indésirables", "unsolicited email", "unsolicited mail", "unsolicited bulk email", "junk mail"]),
    ];

    // Mail footers that would otherwise fire keyword rules on every message that passed a gateway.
    private static readonly string[] s_footers =
    [
        .. new[] { "scanned for viruses and spam", "scanned for spam and viruses", "scanned for viruses", "scanned for virus", "checked for viruses", "virus free" }
            .Select(p => " " + Fold(p).Trim() + " "),
    ];

    private static readonly Rule s_cve = new("obs:cve",
        "No other rule fired and the report has a CVE observable: a system is reported vulnerable.", "vulnerable", "vulnerable-system", 0.35);

    private static readonly Rule[] s_weak =
    [
        new("xarf:reputation", "X-ARF report of type blocklist or threat_intelligence, or category reputation, and no keyword rule fired.", "other", "undetermined", 0.2),
        new("ss:blocklist", "Shadowserver blocklist report and no keyword rule fired: the address is listed, for reasons the report does not give.", "other", "undetermined", 0.2),
    ];

    private static readonly string[] s_xarfReputation = ["blocklist", "threat-intelligence", "reputation"];

    /// <summary>Every rule, in evaluation order: id, English description, RSIT class and type.</summary>
    public static IReadOnlyList<(string Rule, string Description, string Classification, string Type)> Rules { get; } =
    [
        .. s_arf.Select(Row),
        .. s_xarf.Select(x => Row(x.Rule)),
        .. s_shadowserver.Select(x => Row(x.Rule)),
        .. s_keywords.Select(k => (k.Id,
            string.Create(CultureInfo.InvariantCulture, $"The subject (confidence {SubjectConfidence}) or else the text ({TextConfidence}) contains {Quote(k.Phrases)}."),
            k.Classification, k.Type)),
        Row(s_cve),
        .. s_weak.Select(Row),
    ];

    /// <summary>Inputs that get no suggestion, whatever else they contain: id and English reason.</summary>
    public static IReadOnlyList<(string Rule, string Description)> Suppressions { get; } =
    [
        ("dsn", "A delivery status notification (RFC 3464) is a bounce of our own mail, linked to the outbound message; it is not an incident."),
        ("arf:not-spam", "An ARF report with Feedback-Type not-spam says a message was wrongly filtered (RFC 5965 §7.3); it is not an incident."),
    ];

    private static (string, string, string, string) Row(Rule r) => (r.Id, r.Description, r.Classification, r.Type);

    private static string Quote(string[] phrases) => string.Join(", ", phrases.Select(p => $"\"{p}\""));

    /// <summary>Suggests an RSIT class and type, or null when no rule fires (see the remarks on <see cref="TypeSuggester"/>).</summary>
    public static TypeSuggestion? Suggest(TypeSuggestionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var format = input.Format?.Trim().ToLowerInvariant();
        var subtype = Token(input.FormatSubtype);
        if (format == "dsn" || (format == "arf" && subtype == "not-spam"))
        {
            return null;
        }

        Rule? weak = null;
        var structured = format switch
        {
            "arf" => Array.Find(s_arf, r => r.Id == "arf:" + subtype),
            "xarf" or "x-arf" => Xarf(input.FormatSubtype, out weak),
            "shadowserver" => Shadowserver(input.FormatSubtype, out weak),
            _ => null,
        };
        if (structured is not null)
        {
            return new TypeSuggestion(structured.Classification, structured.Type, structured.Id, structured.Confidence);
        }

        var hasCve = input.ObservableKinds?.Contains(ObservableKind.Cve) == true;
        if (MatchKeywords(input.Subject, SubjectConfidence, hasCve) is { } fromSubject)
        {
            return fromSubject;
        }

        if (MatchKeywords(input.Text, TextConfidence, hasCve) is { } fromText)
        {
            return fromText;
        }

        var fallback = hasCve ? s_cve : weak;
        return fallback is null ? null : new TypeSuggestion(fallback.Classification, fallback.Type, fallback.Id, fallback.Confidence);
    }

    private static TypeSuggestion? MatchKeywords(string? text, double confidence, bool hasCve)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var folded = Fold(text.Length > MaxTextLength ? text[..MaxTextLength] : text);
        foreach (var footer in s_footers)
        {
            folded = folded.Replace(footer, " ", StringComparison.Ordinal);
        }

        foreach (var rule in s_keywords)
        {
            if (rule.Needles.Any(n => folded.Contains(n, StringComparison.Ordinal)))
            {
                var bonus = hasCve && rule.Id == "kw:vulnerability" ? CveBonus : 0;
                return new TypeSuggestion(rule.Classification, rule.Type, rule.Id, confidence + bonus);
            }
        }

        return null;
    }

    // X-ARF subtypes may be "login-attack" (v0.2 Report-Type), "login_attack" (v4 type), "connection" (v4 category)
    // or both ("connection/login_attack"): the type, being more specific, is tried first.
    private static Rule? Xarf(string? subtype, out Rule? weak)
    {
        weak = null;
        var tokens = (subtype ?? "").Split(['/', ':', ',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = tokens.Length - 1; i >= 0; i--)
        {
            var token = Token(tokens[i]);
            if (token is not null && s_xarfByValue.TryGetValue(token, out var rule))
            {
                return rule;
            }

            if (s_xarfReputation.Contains(token))
            {
                weak ??= s_weak[0];
            }
        }

        return null;
    }

    private static Rule? Shadowserver(string? report, out Rule? weak)
    {
        var name = ShadowserverName(report);
        weak = name == "blocklist" ? s_weak[1] : null;
        return name.Length == 0 ? null : Array.Find(s_shadowserver, r => r.Matches(name))?.Rule;
    }

    /// <summary>
    /// The report type of a Shadowserver report name or file name (report-filename.md:
    /// <c>2026-01-15-scan_rdp-org-asn.csv</c>), with IPv4/IPv6 variants folded: <c>event4_</c>/<c>event6_</c>
    /// prefixes removed, <c>scan6_</c> read as <c>scan_</c>, a trailing <c>6</c> and <c>_events</c> removed.
    /// </summary>
    internal static string ShadowserverName(string? report)
    {
        var name = (report ?? "").Trim().ToLowerInvariant();
        if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            name = name[..^4];
        }

        if (name.Length > 11 && char.IsAsciiDigit(name[0]) && name[4] == '-' && name[7] == '-' && name[10] == '-')
        {
            name = name[11..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            name = dash < 0 ? name : name[..dash];
        }

        foreach (var prefix in (string[])["event4_", "event6_", "event_"])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        name = name.Replace("scan6_", "scan_", StringComparison.Ordinal).Replace("population6_", "population_", StringComparison.Ordinal);
        if (name.EndsWith("_events", StringComparison.Ordinal))
        {
            name = name[..^"_events".Length];
        }

        if (name.Length > 1 && name[^1] == '6' && char.IsAsciiLetter(name[^2]))
        {
            name = name[..^1];
        }

        return name;
    }

    // Lower case, '_' as '-', for Feedback-Type and X-ARF values.
    private static string? Token(string? value)
    {
        var t = value?.Trim().ToLowerInvariant().Replace('_', '-');
        return string.IsNullOrEmpty(t) ? null : t;
    }

    /// <summary>
    /// Folds text for keyword matching: lower case, accents removed (Latin scripts), every run of other
    /// characters (punctuation, white space, apostrophes, hyphens) one space, with a space at both ends, so
    /// that " phrase " matches whole words only.
    /// </summary>
    internal static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append(' ');
        foreach (var c in text)
        {
            var folded = c < s_foldTable.Length ? s_foldTable[c]
                : char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c)
                : ' ';
            if (folded != ' ' || builder[^1] != ' ')
            {
                builder.Append(folded);
            }
        }

        if (builder[^1] != ' ')
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }
}
