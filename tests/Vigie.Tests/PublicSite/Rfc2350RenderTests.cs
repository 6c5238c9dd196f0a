using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigie.Features.PublicSite;
using Vigie.Features.TeamProfile;

namespace Vigie.Tests.PublicSite;

/// <summary>
/// The RFC 2350 document generated from the shipped default profile, checked against the team's own
/// published document (TestData/seed): every section title in order and every fact it states.
/// </summary>
public sealed partial class Rfc2350RenderTests
{
    private static readonly TeamProfileOptions Profile = LoadDefaultProfile();

    private static readonly DocumentKey SeedKey = new(Profile.PublicKey.Url, Profile.PublicKey.NormalizedKeyId, Profile.PublicKey.NormalizedFingerprint);

    private static TeamProfileOptions LoadDefaultProfile()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.AddTeamProfile();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<TeamProfileOptions>>().Value;
    }

    private static IReadOnlyList<Rfc2350HistoryEntry> History() =>
        [.. Profile.Document.History.Select(h => new Rfc2350HistoryEntry(h.Version, h.GetDate(), h.Changes))];

    private static string Render(string language, TeamProfileOptions? profile = null) =>
        Rfc2350TextRenderer.Render(Rfc2350Builder.Build(profile ?? Profile, language, History(), SeedKey, null));

    private static string Seed => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "seed", "rfc2350-cegedim-cloud-fr.txt"));

    /// <summary>The numbered headings of the seed's body ("1 LES INFORMATIONS…", "2.7 Clé publique", "a. Surveillance…"); the table of contents uses tabs, the body spaces.</summary>
    private static List<(string Number, string Title)> SeedHeadings() =>
        [.. Seed.Split('\n').Select(l => SeedHeading().Match(l.TrimEnd('\r'))).Where(m => m.Success).Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim()))];

    [GeneratedRegex(@"^(\d(?:\.\d{1,2})?|[a-d]\.) (\S.*)$")]
    private static partial Regex SeedHeading();

    /// <summary>Index of each needle in order, or fails naming the first one missing after the previous.</summary>
    private static void AssertInOrder(string text, IEnumerable<string> needles, StringComparison comparison)
    {
        var at = 0;
        foreach (var needle in needles)
        {
            var found = text.IndexOf(needle, at, comparison);
            Assert.True(found >= 0, $"'{needle}' is missing (or out of order) after position {at}.");
            at = found + needle.Length;
        }
    }

    [Fact]
    public void French_document_has_every_section_title_of_the_seed_in_order()
    {
        var headings = SeedHeadings();
        // 6 sections, 26 numbered subsections, 4 lettered parts of 5.4.
        Assert.Equal(36, headings.Count);
        var text = Render("fr");
        var body = text[text.IndexOf("\n\n\n1 ", StringComparison.Ordinal)..];
        // A heading is a line of its own: "number title". The seed writes "3 La Charte du CSIRT" in its body
        // but "LA CHARTE DU CSIRT" in its contents, so titles compare without case.
        AssertInOrder(body, headings.Select(h => $"\n{h.Number} {h.Title}\n"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void French_document_states_every_fact_of_the_seed()
    {
        var text = Render("fr");
        string[] facts =
        [
            "Version  Date        Description des modifications", "1.0      08/05/2025  Création du document RFC 2350",
            "https://www.cegedim.cloud/csirt", "https://cegedim.cloud/wp-content/uploads/2025/10/public.asc",
            "KeyID : DE2F 24B1 2CCD 89AF", "Empreinte : 885D94F099025163DA55FBE9DE2F24B12CCD89AF",
            "cegedim.cloud CSIRT (Computer Security Incident Response Team).",
            "137 rue d'Aguesseau", "92100 Boulogne-Billancourt", "France",
            "Europe/Paris, UTC+1 (UTC+2 pendant l'heure d'été).",
            "Pour les signalements d'incidents : incident-csirt-cc@cegedim.com",
            "Pour les demandes générales : contact-csirt-cc@cegedim.com",
            "Aucun autre moyen de communication n'est accepté pour les signalements d'incidents.",
            "ne sont pas listés publiquement", "nom complet",
            "du lundi au vendredi, de 9h00 à 18h00 (heure de Paris)",
            "un service d'astreinte est disponible pour les incidents critiques signalés à : incident-csirt-cc@cegedim.com",
            "Code malveillant (malware).", "Tentatives d'intrusion ou intrusions confirmées.", "Attaques de déni de service (DoS/DDoS).",
            "Violations de contenu ou abus.", "Vulnérabilités des actifs.",
            "Une réponse initiale est généralement fournie dans un délai d'un jour ouvrable pour les incidents signalés pendant les heures d'ouverture.",
            "https://www.first.org/tlp/", "La protection des informations personnelles.",
            "Les clients ayant souscrit un contrat de service avec cegedim.cloud.", "Les entités internes de cegedim.cloud utilisant ses services cloud.",
            "Les partenaires et fournisseurs directement connectés aux infrastructures de cegedim.cloud.",
            "Active Directory", "Cloud", "Red Teaming", "Participation à des exercices.",
            "Les clients et partenaires sont responsables de la mise en œuvre des recommandations.",
        ];
        var flat = Regex.Replace(text, @"\s+", " ");
        foreach (var fact in facts)
        {
            Assert.True(text.Contains(fact, StringComparison.Ordinal) || flat.Contains(Regex.Replace(fact, @"\s+", " "), StringComparison.Ordinal),
                $"The French document does not state: {fact}");
        }
    }

    [Fact]
    public void English_document_has_the_same_structure_and_facts_in_english()
    {
        var text = Render("en");
        AssertInOrder(text[text.IndexOf("\n\n\n1 ", StringComparison.Ordinal)..],
        [
            "\n1 DOCUMENT INFORMATION\n", "\n1.1 Date of last update\n", "\n1.2 Distribution list for notifications\n",
            "\n1.3 Locations where this document may be found\n", "\n1.4 Authenticating this document\n",
            "\n2 CONTACT INFORMATION\n", "\n2.1 Name of the team\n", "\n2.2 Address\n", "\n2.3 Time zone\n", "\n2.4 Telephone number\n",
            "\n2.5 Electronic mail address\n", "\n2.6 Other telecommunication\n", "\n2.7 Public key and encryption information\n",
            "\n2.8 Team members\n", "\n2.9 Hours of operation\n", "\n2.10 Other information\n", "\n2.11 Points of customer contact\n",
            "\n3 CHARTER\n", "\n3.1 Mission statement\n", "\n3.2 Constituency\n", "\n3.3 Sponsorship and affiliation\n", "\n3.4 Authority\n",
            "\n4 POLICIES\n", "\n4.1 Types of incidents and level of support\n", "\n4.2 Co-operation, interaction and disclosure of information\n",
            "\n4.3 Communication and authentication\n", "\n5 SERVICES\n", "\n5.1 Incident response coordination\n",
            "\n5.2 Operational response and technical assistance\n", "\n5.3 Incident resolution and continuous improvement\n",
            "\n5.4 Proactive activities\n", "\na. Monitoring and alerting\n", "\nb. Security analysis and audit\n",
            "\nc. Tests and exercises\n", "\nd. Training and awareness\n", "\n6 DISCLAIMER\n",
        ], StringComparison.Ordinal);
        var flat = Regex.Replace(text, @"\s+", " ");
        foreach (var fact in new[]
        {
            "1.0 2025-05-08 Creation of the RFC 2350 document", "KeyID: DE2F 24B1 2CCD 89AF", "Fingerprint: 885D94F099025163DA55FBE9DE2F24B12CCD89AF",
            "137 rue d'Aguesseau", "92100 Boulogne-Billancourt", "For incident reports: incident-csirt-cc@cegedim.com",
            "For general requests: contact-csirt-cc@cegedim.com", "Monday to Friday, 09:00 to 18:00 (Paris time)",
            "Europe/Paris, UTC+1 (UTC+2 during daylight saving time).", "Malicious code (malware).", "Denial-of-service attacks (DoS/DDoS).",
            "within one business day", "https://www.first.org/tlp/", "Active Directory environments",
        })
        {
            Assert.True(flat.Contains(fact, StringComparison.Ordinal), $"The English document does not state: {fact}");
        }
        Assert.DoesNotContain("Création", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("en")]
    public void Text_is_72_columns_nfc_lf_and_has_no_trailing_space(string language)
    {
        var text = Render(language);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        Assert.Equal(text.Normalize(NormalizationForm.FormC), text);
        var lines = text.Split('\n');
        Assert.True(lines.Length > 250, $"only {lines.Length} lines");
        foreach (var line in lines)
        {
            Assert.True(new System.Globalization.StringInfo(line).LengthInTextElements <= 72, $"longer than 72: {line}");
            Assert.Equal(line.TrimEnd(), line);
        }
    }

    [Fact]
    public void An_unbreakable_word_longer_than_a_line_is_cut_rather_than_overflowing()
    {
        var url = "https://csirt.example.org/" + new string('x', 100);
        var lines = Rfc2350TextRenderer.Wrap("See " + url + " now.", "- ", "  ").ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 72, l));
        Assert.Equal("See " + url + " now.", string.Concat(lines.Select((l, i) => l[2..] + (i == 0 ? " " : ""))).Replace("  ", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_encodes_profile_texts_and_links_only_web_addresses_and_mail()
    {
        var html = Rfc2350HtmlRenderer.Render(Rfc2350Builder.Build(Profile, "fr", History(), SeedKey, null));
        Assert.Contains("<h2>1 LES INFORMATIONS SUR LE DOCUMENT</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:incident-csirt-cc@cegedim.com\">incident-csirt-cc@cegedim.com</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.first.org/tlp/\">https://www.first.org/tlp/</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#s2-7\">2.7 Clé publique</a>", html, StringComparison.Ordinal);

        var linked = Rfc2350HtmlRenderer.Linked("<script>alert(1)</script> javascript:alert(1) \"><img src=x onerror=alert(1)> see https://a.example/x?y=\"><b>.");
        Assert.DoesNotContain("<script", linked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", linked, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", linked, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", linked, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", linked, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://a.example/x?y=\">https://a.example/x?y=</a>", linked, StringComparison.Ordinal);
    }

    [Fact]
    public void Hours_with_a_lunch_break_and_a_saturday_morning_read_as_a_sentence()
    {
        var profile = LoadDefaultProfile();
        profile.BusinessHours =
        [
            new() { Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], Start = "09:00", End = "12:30" },
            new() { Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], Start = "14:00", End = "18:00" },
            new() { Days = ["Saturday"], Start = "09:00", End = "12:00" },
        ];
        var fr = Regex.Replace(Render("fr", profile), @"\s+", " ");
        Assert.Contains("opère du lundi au vendredi, de 9h00 à 12h30 et de 14h00 à 18h00; samedi, de 9h00 à 12h00 (heure de Paris).", fr, StringComparison.Ordinal);
        var en = Regex.Replace(Render("en", profile), @"\s+", " ");
        Assert.Contains("operates Monday to Friday, 09:00 to 12:30 and 14:00 to 18:00; Saturday, 09:00 to 12:00 (Paris time).", en, StringComparison.Ordinal);
    }
}
