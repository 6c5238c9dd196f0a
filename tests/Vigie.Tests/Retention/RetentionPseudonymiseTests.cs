using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Privacy;
using Vigie.Features.Retention;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Retention;

/// <summary>Contact-form submissions kept 30 days then pseudonymised rather than deleted; every other kind kept for ever.</summary>
public abstract class RetentionPseudonymiseApp : VigieApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var settings = Enum.GetValues<RetentionKind>().ToDictionary(k => $"Vigie:Retention:{k}:Period", _ => "never");
        settings["Vigie:Retention:Enabled"] = "false";
        settings["Vigie:Retention:ContactForm:Period"] = "30d";
        settings["Vigie:Retention:ContactForm:Action"] = "pseudonymise";
        return settings;
    }
}

public sealed class RetentionPseudonymiseSqliteApp : RetentionPseudonymiseApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class RetentionPseudonymisePostgresApp : RetentionPseudonymiseApp
{
    public override Provider Provider => Provider.Postgres;
}

public abstract class RetentionPseudonymiseTests(RetentionPseudonymiseApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dismissed_form_submission_is_kept_with_its_sender_pseudonymised_and_a_never_kind_is_never_due()
    {
        var paul = $"paul.{Guid.NewGuid():N}@client.example";
        var t0 = app.Time.GetUtcNow();
        Report report;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var raw = Encoding.UTF8.GetBytes($"From: Paul Durand <{paul}>\r\nSubject: Form\r\n\r\nPaul Durand, 01 23 45 67 89, about 203.0.113.9\r\n");
            var (sha, size) = await scope.ServiceProvider.GetRequiredService<BlobStore>().PutAsync(new MemoryStream(raw), 1 << 20, Ct);
            report = new Report(sha, size, null, "Web form: Paul Durand", $"Paul Durand <{paul}>", ReportSource.WebForm, "form:" + paul, "cert@csirt.test", t0);
            Assert.True(ObservableValue.TryNormalize(paul, ObservableKind.Email, out var observable, out _));
            report.RecordReading(new ReportReading(ReportKind.IncidentReport, null, null, 0, DecryptionStatus.NotEncrypted, null, SignatureStatus.NotSigned,
                    null, null, null, null, "Paul Durand, 01 23 45 67 89, about 203.0.113.9", null, [], null, null, null, null, null, null),
                [new ReportObservable(report.Id, observable, false, "text", 0, paul.Length)], [], t0);
            Assert.Null(report.Dismiss(TriageStatus.NotForUs, null, "analyst@csirt.test", t0));
            db.Reports.Add(report);
            await db.SaveChangesAsync(Ct);
        }

        app.Time.SetUtcNow(t0.AddDays(30).AddSeconds(1));
        RetentionRun run;
        await using (var scope = app.Scope())
        {
            run = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(false, AuditActor.System, Ct);
        }
        Assert.Equal(1, run.Kinds.Single(k => k.Kind == RetentionKind.ContactForm).Count);
        Assert.All(run.Kinds.Where(k => k.Kind != RetentionKind.ContactForm), k => Assert.Null(k.Cutoff));

        var pseudonyms = app.Services.GetRequiredService<PseudonymKey>().Pseudonyms;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var kept = await db.Reports.AsNoTracking().SingleAsync(r => r.Id == report.Id, Ct);
            Assert.NotNull(kept.PseudonymisedAt);
            Assert.NotNull(kept.RawDeletedAt);
            Assert.Equal(pseudonyms.Email(paul), kept.From);
            Assert.Equal("form:" + pseudonyms.Email(paul), kept.SubmittedBy);
            Assert.Equal(TriageStatus.NotForUs, kept.Triage);
            var text = System.Text.Json.JsonSerializer.Serialize(new object[]
            {
                kept, await db.ReportObservables.AsNoTracking().Where(o => o.ReportId == report.Id).ToListAsync(Ct),
            });
            Assert.DoesNotContain(paul, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Durand", text, StringComparison.Ordinal);
            Assert.DoesNotContain("45 67 89", text, StringComparison.Ordinal);
            Assert.Contains("203.0.113.9", text, StringComparison.Ordinal);
            Assert.False(scope.ServiceProvider.GetRequiredService<BlobStore>().Exists(report.Sha256));
            Assert.Equal(0, (await scope.ServiceProvider.GetRequiredService<PersonalDataExport>().ExportAsync(paul, Ct)).Value!.Count);
        }
        await using (var scope = app.Scope())
        {
            var again = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(true, AuditActor.System, Ct);
            Assert.All(again.Kinds, k => Assert.Equal(0, k.Count));
        }
    }
}

public sealed class RetentionPseudonymiseSqliteTests(RetentionPseudonymiseSqliteApp app) : RetentionPseudonymiseTests(app), IClassFixture<RetentionPseudonymiseSqliteApp>;

public sealed class RetentionPseudonymisePostgresTests(RetentionPseudonymisePostgresApp app) : RetentionPseudonymiseTests(app), IClassFixture<RetentionPseudonymisePostgresApp>;
