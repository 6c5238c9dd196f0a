using Microsoft.Extensions.Logging;
using Vigie.Features.Intake.Answers;

namespace Vigie.Tests.Intake.Answers;

// Operators edit the answers without rebuilding: a file in the template directory replaces the built-in one.
public sealed class AnswerTemplateOverrideTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vigie-templates-").FullName;

    [Fact]
    public void An_override_wins_over_the_default_and_an_edit_is_picked_up_without_restart()
    {
        var path = Path.Combine(_directory, "acknowledgement.fr.liquid");
        Write(path, "Version 1 : dossier {{ incident_number }} pour {{ constituent_name }}, reçu le {{ received_at }} ; {{ team.name }}.");
        var composer = AnswerKit.Composer(_directory);

        var first = AnswerKit.Text(composer.Compose(AnswerKit.Context()));

        Assert.StartsWith("Version 1 : dossier 2026-0042 pour Clinique du Parc, reçu le 9 mars 2026 à 11:00 (Europe/Paris) ; cegedim.cloud CSIRT.\n", first, StringComparison.Ordinal);
        // Only the French file is overridden: English is still the built-in text.
        Assert.Contains("We have received your report", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Nous avons bien reçu", first, StringComparison.Ordinal);

        Write(path, "Version 2 : {{ tracking_tag }}", TimeSpan.FromMinutes(1));
        var second = AnswerKit.Text(composer.Compose(AnswerKit.Context()));

        Assert.StartsWith("Version 2 : [cegedim.cloud CSIRT #2026-0042]\n", second, StringComparison.Ordinal);

        File.Delete(path);
        var third = AnswerKit.Text(composer.Compose(AnswerKit.Context()));

        Assert.StartsWith("Bonjour,\n\nNous avons bien reçu votre signalement", third, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_output_is_not_html_encoded()
    {
        Write(Path.Combine(_directory, "redirection.en.liquid"), "Subject: {{ original_subject }}");

        var text = AnswerKit.Text(AnswerKit.Composer(_directory).Compose(AnswerKit.Context(AnswerKind.Redirection, subject: "<script> & \"quotes\" l'été")));

        Assert.Contains("Subject: <script> & \"quotes\" l'été", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_override_falls_back_to_the_default_and_is_reported_by_file_and_line_once()
    {
        var path = Path.Combine(_directory, "acknowledgement.en.liquid");
        Write(path, "Hello,\n\nYour number: {{ incident_number | }}\n");
        var logger = new ListLogger<AnswerComposer>();
        var composer = AnswerKit.Composer(_directory, logger);

        var text = AnswerKit.Text(composer.Compose(AnswerKit.Context()));
        composer.Compose(AnswerKit.Context());

        Assert.Contains("We have received your report \"Phishing sur votre portail\" on 9 March 2026 at 11:00 (Europe/Paris).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Your number", text, StringComparison.Ordinal);
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("at line 3, column", error.Message, StringComparison.Ordinal);
        Assert.Contains("The built-in template is used until the file is fixed.", error.Message, StringComparison.Ordinal);

        // Fixed: the operator's text is used again.
        Write(path, "Fixed: {{ incident_number }}", TimeSpan.FromMinutes(1));
        Assert.StartsWith("Bonjour,", AnswerKit.Text(composer.Compose(AnswerKit.Context())), StringComparison.Ordinal);
        Assert.Contains("\nFixed: 2026-0042", AnswerKit.Text(composer.Compose(AnswerKit.Context())), StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_that_loops_forever_falls_back_to_the_default()
    {
        var path = Path.Combine(_directory, "request-received.fr.liquid");
        Write(path, "{% for i in (1..100000000) %}x{% endfor %}");
        var logger = new ListLogger<AnswerComposer>();

        var text = AnswerKit.Text(AnswerKit.Composer(_directory, logger).Compose(AnswerKit.Context(AnswerKind.RequestReceived)));

        Assert.StartsWith("Bonjour,\n\nNous avons bien reçu votre demande", text, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(path, StringComparison.Ordinal));
    }

    [Fact]
    public void A_language_with_only_an_override_is_rendered_in_its_place()
    {
        Write(Path.Combine(_directory, "acknowledgement.de.liquid"), "Guten Tag, Vorgang {{ incident_number }} vom {{ received_at }}.");
        var team = AnswerKit.Team;
        var german = new Vigie.Features.TeamProfile.TeamProfileOptions
        {
            Languages = ["de", "en"],
            Name = team.Name,
            IncidentEmail = team.IncidentEmail,
            GeneralEmail = team.GeneralEmail,
            TimeZone = team.TimeZone,
        };

        var message = AnswerKit.Composer(_directory, team: german).Compose(AnswerKit.Context());

        Assert.StartsWith("Guten Tag, Vorgang 2026-0042 vom 9 März 2026 11:00 (Europe/Paris).\n\n" + AnswerComposer.LanguageSeparator, AnswerKit.Text(message), StringComparison.Ordinal);
        Assert.Equal("de, en", AnswerKit.Language(message));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The modification time is moved explicitly: a coarse file-system clock must not hide an edit.
    private static void Write(string path, string text, TimeSpan? later = null)
    {
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) + (later ?? TimeSpan.Zero));
    }
}
