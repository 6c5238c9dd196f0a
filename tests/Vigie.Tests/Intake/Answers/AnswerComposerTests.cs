using MimeKit;
using Vigie.Features.Intake.Answers;

namespace Vigie.Tests.Intake.Answers;

// Each kind composed from the shipped team profile (cegedim.cloud CSIRT), checked on what the recipient reads.
public sealed class AnswerComposerTests
{
    private static readonly string Separator = AnswerComposer.LanguageSeparator;

    [Fact]
    public void Acknowledgement_gives_the_tracking_number_the_tag_and_the_profile_promise_in_french_then_english()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context());
        var text = AnswerKit.Text(message);

        Assert.Equal("Re: Phishing sur votre portail [cegedim.cloud CSIRT #2026-0042]", message.Subject);

        var french = text.IndexOf("Nous avons bien reçu votre signalement « Phishing sur votre portail » le 9 mars 2026 à 11:00 (Europe/Paris).", StringComparison.Ordinal);
        var separator = text.IndexOf("\n\n" + Separator + "\n\n", StringComparison.Ordinal);
        var english = text.IndexOf("We have received your report \"Phishing sur votre portail\" on 9 March 2026 at 11:00 (Europe/Paris).", StringComparison.Ordinal);
        Assert.True(french >= 0 && separator > french && english > separator, text);
        Assert.Equal(1, Count(text, Separator));

        // Profile §4.1: the initial-response promise as the profile writes it, in each language.
        Assert.Contains(AnswerKit.Team.Support.InitialResponse["fr"], text[..separator], StringComparison.Ordinal);
        Assert.Contains(AnswerKit.Team.Support.InitialResponse["en"], text[separator..], StringComparison.Ordinal);
        Assert.Contains("Il a été enregistré pour Clinique du Parc sous le numéro de suivi 2026-0042.", text, StringComparison.Ordinal);
        Assert.Contains("It has been recorded for Clinique du Parc under the tracking number 2026-0042.", text, StringComparison.Ordinal);
        Assert.Contains("Merci de conserver la mention [cegedim.cloud CSIRT #2026-0042] dans l'objet", text, StringComparison.Ordinal);
        Assert.Contains("Please keep [cegedim.cloud CSIRT #2026-0042] in the subject", text, StringComparison.Ordinal);
        // Profile §2.7 and §4.3: sensitive information encrypted with the team's key, named by its fingerprint.
        Assert.Contains("empreinte : 885D 94F0 9902 5163 DA55  FBE9 DE2F 24B1 2CCD 89AF", text, StringComparison.Ordinal);
        Assert.Contains("fingerprint: 885D 94F0 9902 5163 DA55  FBE9 DE2F 24B1 2CCD 89AF", text, StringComparison.Ordinal);
        Assert.Contains("https://cegedim.cloud/wp-content/uploads/2025/10/public.asc", text, StringComparison.Ordinal);
        Assert.Contains("Nos horaires d'ouverture : du lundi au vendredi, de 9h00 à 18h00 (Europe/Paris).", text, StringComparison.Ordinal);
        Assert.Contains("Our business hours: Monday to Friday, from 9:00 to 18:00 (Europe/Paris).", text, StringComparison.Ordinal);
        // No due time known: no sentence about one, and no empty placeholder left behind.
        Assert.DoesNotContain("au plus tard", text, StringComparison.Ordinal);
        Assert.DoesNotContain("at the latest", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" \n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledgement_gives_the_due_time_in_the_team_time_zone_when_the_sla_knows_it()
    {
        var due = new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero);

        var text = AnswerKit.Text(AnswerKit.Composer().Compose(AnswerKit.Context(dueBy: due)));

        Assert.Contains(
            AnswerKit.Team.Support.InitialResponse["fr"] + " Pour ce signalement, nous prévoyons de vous apporter une première réponse au plus tard le 10 mars 2026 à 11:00 (Europe/Paris).",
            text, StringComparison.Ordinal);
        Assert.Contains(
            AnswerKit.Team.Support.InitialResponse["en"] + " For this report, we aim to give you an initial response by 10 March 2026 at 11:00 (Europe/Paris) at the latest.",
            text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("EN-gb")]
    public void The_preferred_language_comes_first(string preferred)
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(language: preferred));
        var text = AnswerKit.Text(message);

        Assert.StartsWith("Hello,\n", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(Separator, StringComparison.Ordinal) < text.IndexOf("Bonjour,", StringComparison.Ordinal));
        Assert.Equal("en, fr", AnswerKit.Language(message));
    }

    [Fact]
    public void An_unknown_preferred_language_keeps_the_profile_order()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(language: "de"));

        Assert.StartsWith("Bonjour,\n", AnswerKit.Text(message), StringComparison.Ordinal);
        Assert.Equal("fr, en", AnswerKit.Language(message));
    }

    [Fact]
    public void Headers_thread_the_answer_and_mark_it_automatic()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context());

        var from = Assert.IsType<MailboxAddress>(Assert.Single(message.From));
        Assert.Equal(("cegedim.cloud CSIRT", "incident-csirt-cc@cegedim.com"), (from.Name, from.Address));
        var to = Assert.IsType<MailboxAddress>(Assert.Single(message.To));
        Assert.Equal(("Alice Martin", "alice@clinique-du-parc.example"), (to.Name, to.Address));
        Assert.Empty(message.Cc);
        Assert.Empty(message.Bcc);

        // RFC 5322 §3.6.4: In-Reply-To the parent; References = the parent's References, then the parent.
        Assert.Equal("report-1@mail.clinique-du-parc.example", message.InReplyTo);
        Assert.Equal(["root@mail.clinique-du-parc.example", "report-1@mail.clinique-du-parc.example"], message.References);
        // RFC 3834 §5 and Exchange's equivalent; Precedence deliberately absent (RFC 3834 §3.1.8).
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal("All", message.Headers["X-Auto-Response-Suppress"]);
        Assert.False(message.Headers.Contains(HeaderId.Precedence));

        Assert.Matches("^[0-9a-f]{32}@cegedim\\.com$", message.MessageId);
        // The clock of the host, written in the team's zone (CET in March).
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 11, 0, 0, TimeSpan.FromHours(1)), message.Date);
        Assert.Equal(TimeSpan.FromHours(1), message.Date.Offset);

        var body = Assert.IsType<TextPart>(message.Body);
        Assert.True(body.IsPlain);
        Assert.Equal("utf-8", body.ContentType.Charset);
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
        Assert.Equal("fr, en", body.Headers[HeaderId.ContentLanguage]);
    }

    [Fact]
    public void Two_answers_have_different_message_ids()
    {
        var composer = AnswerKit.Composer();

        Assert.NotEqual(composer.Compose(AnswerKit.Context()).MessageId, composer.Compose(AnswerKit.Context()).MessageId);
    }

    [Fact]
    public void Redirection_gives_the_profile_constituency_wording_and_no_tracking_number()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(AnswerKind.Redirection, subject: "Compte bloqué"));
        var text = AnswerKit.Text(message);

        Assert.Equal("Re: Compte bloqué", message.Subject);
        Assert.Equal("incident-csirt-cc@cegedim.com", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Address);
        var notes = Assert.Single(AnswerKit.Team.Constituency.Notes);
        var separator = text.IndexOf(Separator, StringComparison.Ordinal);
        // Profile §3.2, as written: no direct support to end users, who must contact their administrator or SOC.
        Assert.Contains(notes["fr"], text[..separator], StringComparison.Ordinal);
        Assert.Contains(notes["en"], text[separator..], StringComparison.Ordinal);
        Assert.Contains("Le CSIRT cegedim.cloud dessert principalement :\n- Les clients ayant souscrit un contrat de service avec cegedim.cloud.", text, StringComparison.Ordinal);
        Assert.Contains("cegedim.cloud CSIRT mainly serves:\n- Customers who have a service contract with cegedim.cloud.", text, StringComparison.Ordinal);
        Assert.Contains("Nous n'avons toutefois pas pu le rattacher à l'un des constituants que nous servons.", text, StringComparison.Ordinal);
        Assert.Contains("Votre message est conservé", text, StringComparison.Ordinal);
        Assert.Contains("Your message has been kept", text, StringComparison.Ordinal);
        Assert.Contains("Nous avons bien reçu votre message « Compte bloqué » le 9 mars 2026 à 11:00 (Europe/Paris)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("#", message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("suivi 2026", text, StringComparison.Ordinal);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
    }

    [Fact]
    public void Request_received_comes_from_the_general_address_and_promises_no_incident_handling()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(AnswerKind.RequestReceived, subject: "Demande de partenariat"));
        var text = AnswerKit.Text(message);

        var from = Assert.IsType<MailboxAddress>(Assert.Single(message.From));
        Assert.Equal(("cegedim.cloud CSIRT", "contact-csirt-cc@cegedim.com"), (from.Name, from.Address));
        Assert.EndsWith("@cegedim.com", message.MessageId, StringComparison.Ordinal);
        Assert.Equal("Re: Demande de partenariat", message.Subject);
        Assert.Contains("Nous avons bien reçu votre demande « Demande de partenariat » le 9 mars 2026 à 11:00 (Europe/Paris)", text, StringComparison.Ordinal);
        Assert.Contains("Notre équipe l'examinera et reviendra vers vous si nécessaire. Nos horaires d'ouverture : du lundi au vendredi, de 9h00 à 18h00 (Europe/Paris).", text, StringComparison.Ordinal);
        Assert.Contains("Our team will look at it and get back to you if needed. Our business hours: Monday to Friday, from 9:00 to 18:00 (Europe/Paris).", text, StringComparison.Ordinal);
        Assert.Contains("ne sont pas traités comme des signalements d'incident et ne reçoivent pas de numéro de suivi", text, StringComparison.Ordinal);
        Assert.Contains("Pour signaler un incident de sécurité, écrivez à incident-csirt-cc@cegedim.com.", text, StringComparison.Ordinal);
        Assert.Contains("To report a security incident, please write to incident-csirt-cc@cegedim.com.", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AnswerKit.Team.Support.InitialResponse["fr"], text, StringComparison.Ordinal);
        Assert.DoesNotContain("#", message.Subject, StringComparison.Ordinal);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
    }

    [Theory]
    [InlineData(AnswerKind.Acknowledgement, "Accusé de réception / Acknowledgement of receipt [cegedim.cloud CSIRT #2026-0042]")]
    [InlineData(AnswerKind.Redirection, "Message reçu / Message received")]
    [InlineData(AnswerKind.RequestReceived, "Demande reçue / Request received")]
    public void Without_an_original_subject_the_subject_is_a_bilingual_label(AnswerKind kind, string expected)
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(kind, subject: " \t"));

        Assert.Equal(expected, message.Subject);
        Assert.DoesNotContain("« ", AnswerKit.Text(message), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_subject_is_not_prefixed_twice_nor_tagged_twice()
    {
        var message = AnswerKit.Composer().Compose(AnswerKit.Context(subject: "RE: Phishing [cegedim.cloud CSIRT #2026-0042]"));

        Assert.Equal("RE: Phishing [cegedim.cloud CSIRT #2026-0042]", message.Subject);
    }

    [Fact]
    public void A_configured_subject_tag_replaces_the_team_name()
    {
        var composer = new AnswerComposer(
            Microsoft.Extensions.Options.Options.Create(AnswerKit.Team),
            Microsoft.Extensions.Options.Options.Create(new AnswerOptions { SubjectTag = "CC-CSIRT", TemplateDirectory = Path.GetTempPath() + "vigie-none" }),
            Microsoft.Extensions.Options.Options.Create(new VigieOptions()),
            TimeProvider.System,
            new ListLogger<AnswerComposer>());

        var message = composer.Compose(AnswerKit.Context());

        Assert.Equal("Re: Phishing sur votre portail [CC-CSIRT #2026-0042]", message.Subject);
        Assert.Equal("[CC-CSIRT #2026-0042]", composer.TrackingTag("2026-0042"));
        Assert.Contains("Please keep [CC-CSIRT #2026-0042] in the subject", AnswerKit.Text(message), StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledgement_without_incident_number_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => AnswerKit.Composer().Compose(AnswerKit.Context(number: "\r\n")));

        Assert.StartsWith("An acknowledgement needs the incident number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_kind_has_a_built_in_template_in_both_languages_that_parses()
    {
        foreach (var kind in Enum.GetValues<AnswerKind>())
        {
            foreach (var language in new[] { "fr", "en" })
            {
                Assert.NotNull(AnswerTemplates.Default(kind, language));
            }
        }

        Assert.Null(AnswerTemplates.Default(AnswerKind.Acknowledgement, "de"));
    }

    [Fact]
    public void A_team_speaking_one_language_gets_one_language_and_no_separator()
    {
        var team = AnswerKit.Team;
        var english = new Vigie.Features.TeamProfile.TeamProfileOptions
        {
            Languages = ["en"],
            Name = team.Name,
            IncidentEmail = team.IncidentEmail,
            GeneralEmail = team.GeneralEmail,
            TimeZone = team.TimeZone,
            Support = team.Support,
            PublicKey = team.PublicKey,
            BusinessHours = team.BusinessHours,
        };

        var message = AnswerKit.Composer(team: english).Compose(AnswerKit.Context(language: "fr"));
        var text = AnswerKit.Text(message);

        Assert.StartsWith("Hello,", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Separator, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bonjour", text, StringComparison.Ordinal);
        Assert.Equal("en", AnswerKit.Language(message));
        Assert.Equal("Re: Phishing sur votre portail [cegedim.cloud CSIRT #2026-0042]", message.Subject);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
