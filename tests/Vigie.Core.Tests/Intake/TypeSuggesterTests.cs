using Vigie.Core.Intake;
using Vigie.Core.Observables;
using Vigie.Core.Taxonomy;

namespace Vigie.Core.Tests.Intake;

public class TypeSuggesterTests
{
    private static TypeSuggestion? Suggest(string? subject = null, string? text = null, string? format = null, string? subtype = null,
        params ObservableKind[] kinds) =>
        TypeSuggester.Suggest(new TypeSuggestionInput(subject, text, format, subtype, kinds));

    private static void AssertSuggests(TypeSuggestion? suggestion, string rule, string classification, string type)
    {
        Assert.NotNull(suggestion);
        Assert.Equal((rule, classification, type), (suggestion.Rule, suggestion.Classification, suggestion.Type));
    }

    [Fact]
    public void Every_rule_names_an_existing_RSIT_class_and_type_and_has_a_unique_id_and_a_description()
    {
        Assert.NotEmpty(TypeSuggester.Rules);
        Assert.All(TypeSuggester.Rules, r =>
        {
            Assert.Null(RsitTaxonomy.Default.Validate(r.Classification, r.Type));
            Assert.False(string.IsNullOrWhiteSpace(r.Description));
            Assert.EndsWith(".", r.Description, StringComparison.Ordinal);
        });
        Assert.Equal(TypeSuggester.Rules.Count, TypeSuggester.Rules.Select(r => r.Rule).Distinct().Count());
        Assert.Empty(TypeSuggester.Suppressions.Select(s => s.Rule).Intersect(TypeSuggester.Rules.Select(r => r.Rule)));
    }

    [Theory]
    [InlineData("abuse", "arf:abuse", "abusive-content", "spam")]
    [InlineData("ABUSE", "arf:abuse", "abusive-content", "spam")]
    [InlineData("fraud", "arf:fraud", "fraud", "phishing")]
    [InlineData("virus", "arf:virus", "malicious-code", "infected-system")]
    [InlineData("auth-failure", "arf:auth-failure", "fraud", "masquerade")]
    [InlineData(" auth_failure ", "arf:auth-failure", "fraud", "masquerade")]
    public void ARF_feedback_types_decide_first(string feedbackType, string rule, string classification, string type)
    {
        // The keywords in subject and text point elsewhere: the structured format wins.
        var suggestion = Suggest("Ransomware and DDoS", "brute force scan", "arf", feedbackType);
        AssertSuggests(suggestion, rule, classification, type);
        Assert.True(suggestion!.Confidence >= 0.6);
    }

    [Theory]
    [InlineData("other", "Phishing page reported", "kw:phishing")]
    [InlineData("opt-out", "Unsolicited email", "kw:spam")]
    [InlineData(null, "Spam run", "kw:spam")]
    public void ARF_without_a_decisive_type_falls_back_to_keywords(string? feedbackType, string subject, string rule) =>
        Assert.Equal(rule, Suggest(subject, null, "ARF", feedbackType)?.Rule);

    [Theory]
    [InlineData("dsn", null, "Undelivered: phishing report")]
    [InlineData("DSN", "failed", "Delivery Status Notification (Failure) spam")]
    [InlineData("arf", "not-spam", "This is not spam")]
    public void Bounces_and_not_spam_reports_get_no_suggestion(string format, string? subtype, string subject) =>
        Assert.Null(Suggest(subject, "ransomware phishing spam", format, subtype, ObservableKind.Cve));

    [Theory]
    [InlineData("login-attack", "xarf:login-attack", "intrusion-attempts", "brute-force")]
    [InlineData("login_attack", "xarf:login-attack", "intrusion-attempts", "brute-force")]
    [InlineData("connection/login_attack", "xarf:login-attack", "intrusion-attempts", "brute-force")]
    [InlineData("phishing", "xarf:phishing", "fraud", "phishing")]
    [InlineData("content: phishing", "xarf:phishing", "fraud", "phishing")]
    [InlineData("malware", "xarf:malware", "malicious-code", "malware-distribution")]
    [InlineData("malware-attack", "xarf:infected", "malicious-code", "infected-system")]
    [InlineData("infected_host", "xarf:infected", "malicious-code", "infected-system")]
    [InlineData("infrastructure/botnet", "xarf:infected", "malicious-code", "infected-system")]
    [InlineData("spam", "xarf:spam", "abusive-content", "spam")]
    [InlineData("messaging", "xarf:spam", "abusive-content", "spam")]
    [InlineData("ddos", "xarf:ddos", "availability", "ddos")]
    [InlineData("fraud", "xarf:fraud", "fraud", "masquerade")]
    [InlineData("copyright", "xarf:copyright", "fraud", "copyright")]
    [InlineData("copyright/p2p", "xarf:copyright", "fraud", "copyright")]
    [InlineData("vulnerability", "xarf:vulnerability", "vulnerable", "vulnerable-system")]
    [InlineData("vulnerability/open_service", "xarf:open-service", "vulnerable", "potentially-unwanted-accessible")]
    [InlineData("port_scan", "xarf:scan", "information-gathering", "scanner")]
    [InlineData("sql_injection", "xarf:exploit", "intrusion-attempts", "exploit")]
    [InlineData("exposed_data", "xarf:exposed-data", "information-content-security", "data-leak")]
    [InlineData("csam", "xarf:csam", "abusive-content", "violence")]
    [InlineData("compromised_server", "xarf:compromise", "intrusions", "system-compromise")]
    public void XARF_types_and_categories_decide_first(string subtype, string rule, string classification, string type) =>
        AssertSuggests(Suggest("Spam", "spam", "xarf", subtype), rule, classification, type);

    [Fact]
    public void XARF_reputation_reports_are_undetermined_unless_a_keyword_says_more()
    {
        AssertSuggests(Suggest("X-ARF report", "Listed on our feed.", "x-arf", "reputation/blocklist"), "xarf:reputation", "other", "undetermined");
        AssertSuggests(Suggest("X-ARF report", "Listed for spam.", "xarf", "blocklist"), "kw:spam", "abusive-content", "spam");
        Assert.Null(Suggest("X-ARF report", "Listed on our feed.", "xarf", "connection"));
    }

    [Theory]
    [InlineData("scan_rdp", "ss:accessible", "vulnerable", "potentially-unwanted-accessible")]
    [InlineData("scan6_vnc", "ss:accessible", "vulnerable", "potentially-unwanted-accessible")]
    [InlineData("scan_http_vulnerable", "ss:vulnerable", "vulnerable", "vulnerable-system")]
    [InlineData("scan6_exchange", "ss:vulnerable", "vulnerable", "vulnerable-system")]
    [InlineData("scan_ssl_poodle", "ss:weak-crypto", "vulnerable", "weak-crypto")]
    [InlineData("scan_ntp", "ss:amplifier", "vulnerable", "ddos-amplifier")]
    [InlineData("scan_dns", "ss:amplifier", "vulnerable", "ddos-amplifier")]
    [InlineData("scan_redis", "ss:information-disclosure", "vulnerable", "information-disclosure")]
    [InlineData("scan_ssh", "ss:population", "other", "other")]
    [InlineData("population_http_proxy", "ss:population", "other", "other")]
    [InlineData("device_id6", "ss:population", "other", "other")]
    [InlineData("honeypot_brute_force_events", "ss:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("event4_honeypot_brute_force", "ss:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("drone_brute_force", "ss:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("event4_honeypot_ddos_amp", "ss:ddos", "availability", "ddos")]
    [InlineData("event4_ddos_participant", "ss:ddos", "availability", "ddos")]
    [InlineData("event4_honeypot_rdp_scan", "ss:scanner", "information-gathering", "scanner")]
    [InlineData("event4_honeypot_darknet", "ss:scanner", "information-gathering", "scanner")]
    [InlineData("botnet_drone", "ss:infected", "malicious-code", "infected-system")]
    [InlineData("sinkhole_http_drone", "ss:infected", "malicious-code", "infected-system")]
    [InlineData("event6_sinkhole_http", "ss:infected", "malicious-code", "infected-system")]
    [InlineData("event4_microsoft_sinkhole", "ss:infected", "malicious-code", "infected-system")]
    [InlineData("botnet_cc", "ss:c2", "malicious-code", "c2-server")]
    [InlineData("compromised_website", "ss:compromised", "intrusions", "system-compromise")]
    [InlineData("compromised_website6", "ss:compromised", "intrusions", "system-compromise")]
    [InlineData("compromised_account", "ss:compromised-account", "information-content-security", "data-leak")]
    [InlineData("malware_url", "ss:malware-url", "malicious-code", "malware-distribution")]
    [InlineData("phish_url", "ss:phishing", "fraud", "phishing")]
    [InlineData("event4_ip_spoofer", "ss:ip-spoofer", "fraud", "masquerade")]
    [InlineData("2026-01-15-scan_rdp-ourorg-asn.csv", "ss:accessible", "vulnerable", "potentially-unwanted-accessible")]
    [InlineData("2015-01-01-dns_openresolver-sample-asn.csv", "ss:amplifier", "vulnerable", "ddos-amplifier")]
    [InlineData(" SCAN_RDP ", "ss:accessible", "vulnerable", "potentially-unwanted-accessible")]
    public void Shadowserver_report_names_decide_first(string report, string rule, string classification, string type) =>
        AssertSuggests(Suggest("Shadowserver report: phishing", "spam", "shadowserver", report), rule, classification, type);

    [Fact]
    public void Shadowserver_blocklist_and_unknown_reports_leave_the_word_to_keywords()
    {
        AssertSuggests(Suggest("Shadowserver blocklist report", null, "shadowserver", "blocklist"), "ss:blocklist", "other", "undetermined");
        AssertSuggests(Suggest("Spam sources", null, "shadowserver", "blocklist"), "kw:spam", "abusive-content", "spam");
        Assert.Null(Suggest("Shadowserver report", null, "shadowserver", "some_future_report"));
        Assert.Null(Suggest("Shadowserver report", null, "shadowserver", null));
    }

    [Theory]
    // each keyword rule, French and English, whole words, any case, accents ignored
    [InlineData("Ransomware sur le serveur de fichiers", "kw:ransomware", "information-content-security", "unauthorised-information-modification")]
    [InlineData("Attaque par rançongiciel", "kw:ransomware", "information-content-security", "unauthorised-information-modification")]
    [InlineData("attaque par RANCONGICIEL", "kw:ransomware", "information-content-security", "unauthorised-information-modification")]
    [InlineData("Phishing site impersonating your bank", "kw:phishing", "fraud", "phishing")]
    [InlineData("Campagne d'hameçonnage", "kw:phishing", "fraud", "phishing")]
    [InlineData("Campagne de HAMECONNAGE", "kw:phishing", "fraud", "phishing")]
    [InlineData("Fuite de données clients", "kw:data-leak", "information-content-security", "data-leak")]
    [InlineData("Possible data leak on pastebin", "kw:data-leak", "information-content-security", "data-leak")]
    [InlineData("Compromission d'un serveur web", "kw:compromise", "intrusions", "system-compromise")]
    [InlineData("Your server was hacked", "kw:compromise", "intrusions", "system-compromise")]
    [InlineData("Site piraté", "kw:compromise", "intrusions", "system-compromise")]
    [InlineData("DDoS against 192.0.2.1", "kw:ddos", "availability", "ddos")]
    [InlineData("Déni de service distribué", "kw:ddos", "availability", "ddos")]
    [InlineData("Attaque en déni de service", "kw:dos", "availability", "dos")]
    [InlineData("Denial-of-service on the portal", "kw:dos", "availability", "dos")]
    [InlineData("SSH brute-force from your network", "kw:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("Attaque par force brute", "kw:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("Bruteforce RDP", "kw:brute-force", "intrusion-attempts", "brute-force")]
    [InlineData("Malware hosted on your server", "kw:malware", "malicious-code", "infected-system")]
    [InlineData("Logiciel malveillant détecté", "kw:malware", "malicious-code", "infected-system")]
    [InlineData("Poste infecté", "kw:malware", "malicious-code", "infected-system")]
    [InlineData("Vulnérabilité sur votre serveur", "kw:vulnerability", "vulnerable", "vulnerable-system")]
    [InlineData("Vulnerability disclosure", "kw:vulnerability", "vulnerable", "vulnerable-system")]
    [InlineData("Port scan from 198.51.100.7", "kw:scan", "information-gathering", "scanner")]
    [InlineData("Balayage de ports", "kw:scan", "information-gathering", "scanner")]
    [InlineData("Spam from your mail server", "kw:spam", "abusive-content", "spam")]
    [InlineData("Pourriel reçu", "kw:spam", "abusive-content", "spam")]
    // order: the more specific rule wins
    [InlineData("Phishing spam campaign", "kw:phishing", "fraud", "phishing")]
    [InlineData("Compromised host scanning the Internet", "kw:compromise", "intrusions", "system-compromise")]
    [InlineData("Infected host sending spam", "kw:malware", "malicious-code", "infected-system")]
    public void Keywords_in_the_subject_suggest_a_type(string subject, string rule, string classification, string type)
    {
        var suggestion = Suggest(subject);
        AssertSuggests(suggestion, rule, classification, type);
        Assert.Equal(0.6, suggestion!.Confidence, 3);
    }

    [Theory]
    [InlineData("Scandale au bureau")]           // "scan" inside a word
    [InlineData("Spamalot tickets")]             // "spam" inside a word
    [InlineData("Un compromis a été trouvé")]    // French "compromis" (agreement) is not listed
    [InlineData("Mal au dos")]                   // French "dos" (back) is not DoS
    [InlineData("Question about our contract")]
    [InlineData("")]
    [InlineData(null)]
    public void Words_inside_other_words_and_unrelated_subjects_do_not_fire(string? subject) =>
        Assert.Null(Suggest(subject, "Bonjour, pouvez-vous nous rappeler ?"));

    [Fact]
    public void The_subject_wins_over_the_text_and_the_text_counts_less()
    {
        var both = Suggest("Phishing", "We see SSH brute force from this host.");
        AssertSuggests(both, "kw:phishing", "fraud", "phishing");
        var textOnly = Suggest("Abuse report", "We see SSH brute force from this host.");
        AssertSuggests(textOnly, "kw:brute-force", "intrusion-attempts", "brute-force");
        Assert.Equal(0.4, textOnly!.Confidence, 3);
    }

    [Fact]
    public void Gateway_footers_do_not_fire_keyword_rules()
    {
        Assert.Null(Suggest("Question", "Hello.\n--\nThis email has been scanned for viruses and spam by ExampleGuard."));
        Assert.Null(Suggest("Question", "Virus-free. www.example.com"));
        AssertSuggests(Suggest("Question", "This email has been scanned for viruses. The attached sample is malware."), "kw:malware", "malicious-code", "infected-system");
    }

    [Fact]
    public void A_CVE_observable_strengthens_the_vulnerability_rule_or_suggests_it_alone()
    {
        Assert.Equal(0.7, Suggest("Vulnérabilité critique", null, null, null, ObservableKind.Cve)!.Confidence, 3);
        Assert.Equal(0.6, Suggest("Vulnérabilité critique", null, null, null, ObservableKind.IPv4)!.Confidence, 3);
        var alone = Suggest("Please patch", "See CVE-2021-44228.", null, null, ObservableKind.Cve, ObservableKind.Url);
        AssertSuggests(alone, "obs:cve", "vulnerable", "vulnerable-system");
        Assert.Equal(0.35, alone!.Confidence, 3);
        AssertSuggests(Suggest("Phishing", null, null, null, ObservableKind.Cve), "kw:phishing", "fraud", "phishing");
    }

    [Fact]
    public void Only_the_first_MaxTextLength_characters_of_the_text_are_read()
    {
        var text = new string('x', TypeSuggester.MaxTextLength) + " phishing";
        Assert.Null(Suggest("Report", text));
        Assert.Equal("kw:phishing", Suggest("Report", "phishing " + text)?.Rule);
    }

    [Fact]
    public void Tolerates_odd_input()
    {
        Assert.Throws<ArgumentNullException>(() => TypeSuggester.Suggest(null!));
        Assert.Null(TypeSuggester.Suggest(new TypeSuggestionInput(null, null, null, null, null!)));
        Assert.Null(Suggest("\uD800\0\uDFFF", "\uFFFF", "unknown-format", "x"));
        Assert.Equal("kw:spam", Suggest("\uD800spam\uDC00")?.Rule);
    }

    [Fact]
    public void The_documentation_page_lists_every_rule_suppression_and_refused_top_level_label()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "intake-rules.md"));
        Assert.All(TypeSuggester.Rules, r =>
        {
            Assert.Contains($"`{r.Rule}`", page, StringComparison.Ordinal);
            Assert.Contains($"`{r.Classification}` / `{r.Type}`", page, StringComparison.Ordinal);
        });
        Assert.All(TypeSuggester.Suppressions, s => Assert.Contains($"`{s.Rule}`", page, StringComparison.Ordinal));
        Assert.All(ObservableExtractor.FileExtensionLabels, e => Assert.Contains($"`{e}`", page, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigie.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Vigie.slnx not found above the test binaries.");
    }
}
