using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Evidence;
using Vigie.Features.Identity;
using Vigie.Features.Mail;
using Vigie.Features.Privacy;
using Vigie.Features.Retention;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Retention;

/// <summary>The host with one-year periods (two for the audit log) and no daily job: the test drives the clock and the runs.</summary>
public abstract class RetentionApp : VigieApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Retention:Enabled"] = "false",
        ["Vigie:Retention:BatchSize"] = "2",
        ["Vigie:Retention:RawMail:Period"] = "1y",
        ["Vigie:Retention:UnlinkedReports:Period"] = "1y",
        ["Vigie:Retention:ContactForm:Period"] = "1y",
        ["Vigie:Retention:ClosedIncidents:Period"] = "1y",
        ["Vigie:Retention:Evidence:Period"] = "1y",
        ["Vigie:Retention:Outbound:Period"] = "1y",
        ["Vigie:Retention:DisabledUserSessions:Period"] = "1y",
        ["Vigie:Retention:AuditLog:Period"] = "2y",
    };
}

public sealed class RetentionSqliteApp : RetentionApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class RetentionPostgresApp : RetentionApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// The purge on a real database with a fake clock: records just inside their period stay, just outside go; a dry run
/// changes nothing; a closed incident keeps its number but no trace of the reporter (the access-request export finds
/// nothing); a legal hold keeps everything; the audit log loses an old prefix and still verifies whole.
/// </summary>
public abstract class RetentionTests(RetentionApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Phone = "+33 6 12 34 56 78";

    [Fact]
    public async Task The_purge_deletes_and_pseudonymises_what_is_past_its_period_and_nothing_else()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var jeanne = $"jeanne.{tag}@client.example";
        var marc = $"marc.{tag}@client.example";
        var spammer = $"promo.{tag}@spam.example";
        var client = app.Client("analyst");
        var t0 = app.Time.GetUtcNow();

        // Incident A, rejected: Jeanne reported it (party, observable, report, evidence).
        var a = await NewIncidentAsync(client, $"Phishing seen by Jeanne Martin {tag}", $"Jeanne Martin ({jeanne}, {Phone}) forwarded the mail.", "Jeanne Martin", jeanne);
        var reportA = await AddReportAsync($"Jeanne Martin <{jeanne}>", $"Hello, I am Jeanne Martin, call me on {Phone}. The phish came from 198.51.100.7.", ReportSource.Smtp, TriageStatus.Linked, a);
        await RejectAsync(client, a, "Not an incident after all, Jeanne Martin agrees.");
        var evidence = await AddEvidenceAsync(a, $"headers-{tag}.txt");
        await using (var scope = app.Scope())
        {
            // Jeanne herself acted on the incident (as a constituent's contact would through the portal).
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.SingleAsync(i => i.Number == a, Ct);
            db.TimelineEvents.Add(new Core.Incidents.TimelineEvent(incident.Id, Core.Incidents.TimelineKind.Note, jeanne, app.Time.GetUtcNow(), null, "Thanks for the quick answer"));
            await db.SaveChangesAsync(Ct);
        }
        // Incident B, rejected too, but under legal hold: Marc's data stays.
        var b = await NewIncidentAsync(client, $"Fraud {tag}", $"Reported by {marc}", "Marc Petit", marc);
        var reportB = await AddReportAsync($"Marc Petit <{marc}>", $"Marc here ({marc}).", ReportSource.Smtp, TriageStatus.Linked, b);
        await RejectAsync(client, b, "Duplicate of a police case.");
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.SingleAsync(i => i.Number == b, Ct);
            Assert.Null(incident.SetLegalHold(true, "lead@csirt.test", "Court order 42", app.Time.GetUtcNow()));
            await db.SaveChangesAsync(Ct);
        }
        // Dismissed reports (spam by mail, not-for-us by the form), a report still waiting, a sent mail, a disabled account's session.
        var spam = await AddReportAsync($"Promo <{spammer}>", "Buy now", ReportSource.Smtp, TriageStatus.Spam, null);
        var form = await AddReportAsync($"Paul <{spammer}>", "About someone else's server", ReportSource.WebForm, TriageStatus.NotForUs, null);
        var pending = await AddReportAsync($"Someone <{spammer}>", "Still to triage", ReportSource.Imap, TriageStatus.Pending, null);
        var (outboundId, outboundSha) = await AddSentMailAsync(spammer);
        var disabled = await AddDisabledUserWithSessionAsync($"gone.{tag}@csirt.test");

        // One year later to the microsecond: everything is just inside its period.
        app.Time.SetUtcNow(t0.AddYears(1));
        var inside = await RunAsync(dryRun: true);
        Assert.All(inside.Kinds, k => Assert.Equal((k.Kind, 0), (k.Kind, k.Count)));

        // One second more: just outside. A dry run counts each kind on its own, and changes nothing.
        app.Time.SetUtcNow(t0.AddYears(1).AddSeconds(1));
        var auditHead = (await VerifyAsync()).Head;
        var dry = await RunAsync(dryRun: true);
        Assert.Equal(1, Count(dry, RetentionKind.UnlinkedReports));
        Assert.Equal(1, Count(dry, RetentionKind.ContactForm));
        Assert.Equal(1, Count(dry, RetentionKind.ClosedIncidents));
        Assert.Equal(1, Count(dry, RetentionKind.Evidence));
        Assert.Equal(4, Count(dry, RetentionKind.RawMail)); // A's report, the spam, the form, the pending one; B is held
        Assert.Equal(1, Count(dry, RetentionKind.Outbound));
        Assert.Equal(2, Count(dry, RetentionKind.DisabledUserSessions)); // one session, one recovery code
        Assert.Equal(0, Count(dry, RetentionKind.AuditLog));
        Assert.Equal(t0, dry.Kinds.Single(k => k.Kind == RetentionKind.UnlinkedReports).Oldest);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Assert.Equal(5, await db.Reports.CountAsync(r => r.RawDeletedAt == null && r.PseudonymisedAt == null, Ct));
            Assert.True(await db.OutboundMessages.AnyAsync(m => m.Id == outboundId, Ct));
            Assert.True(await db.EvidenceItems.AnyAsync(e => e.Id == evidence.Id, Ct));
            Assert.Null((await db.Incidents.SingleAsync(i => i.Number == a, Ct)).PseudonymisedAt);
        }
        Assert.Equal(auditHead, (await VerifyAsync()).Head); // a dry run is not even recorded

        // The real run.
        var run = await RunAsync(dryRun: false);
        Assert.Equal(1, Count(run, RetentionKind.UnlinkedReports));
        Assert.Equal(1, Count(run, RetentionKind.ContactForm));
        Assert.Equal(1, Count(run, RetentionKind.ClosedIncidents));
        Assert.Equal(1, Count(run, RetentionKind.Evidence));
        Assert.Equal(1, Count(run, RetentionKind.RawMail)); // only the pending one is left: A's went with its incident
        Assert.Equal(1, Count(run, RetentionKind.Outbound));
        Assert.Equal(2, Count(run, RetentionKind.DisabledUserSessions));

        var blobs = app.Services.GetRequiredService<BlobStore>();
        var pseudonyms = app.Services.GetRequiredService<PseudonymKey>().Pseudonyms;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Assert.False(await db.Reports.AnyAsync(r => r.Id == spam.Id || r.Id == form.Id, Ct));
            Assert.False(blobs.Exists(spam.Sha256));
            Assert.False(blobs.Exists(form.Sha256));
            var kept = await db.Reports.AsNoTracking().SingleAsync(r => r.Id == pending.Id, Ct);
            Assert.NotNull(kept.RawDeletedAt);
            Assert.Equal("Still to triage", kept.Text); // what was read stays
            Assert.False(blobs.Exists(pending.Sha256));
            var gone = await app.Client("analyst").GetAsync($"/api/v1/reports/{pending.Id}/raw", Ct).ExpectProblem(HttpStatusCode.NotFound);
            Assert.Contains("retention", gone.ToJsonString(), StringComparison.Ordinal);
            Assert.False(await db.OutboundMessages.AnyAsync(m => m.Id == outboundId, Ct));
            Assert.False(blobs.Exists(outboundSha));
            Assert.False(await db.EvidenceItems.AnyAsync(e => e.Id == evidence.Id, Ct));
            Assert.False(blobs.Exists(evidence.Sha256));
            Assert.False(await db.Set<UserSession>().AnyAsync(s => s.UserId == disabled, Ct));
            Assert.False(await db.Set<RecoveryCode>().AnyAsync(c => c.UserId == disabled, Ct));

            // Incident A: its number, class and dates stay; Jeanne is nowhere in it, its report, its correspondence.
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == a, Ct);
            Assert.NotNull(incident.PseudonymisedAt);
            Assert.Equal(Core.Incidents.IncidentState.Rejected, incident.State);
            var everything = JsonSerializer.Serialize(new object[]
            {
                incident,
                await db.TimelineEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id).ToListAsync(Ct),
                await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id).ToListAsync(Ct),
                await db.CorrespondenceParties.AsNoTracking().Where(p => p.IncidentId == incident.Id).ToListAsync(Ct),
                await db.CorrespondenceMessages.AsNoTracking().Where(m => m.IncidentId == incident.Id).ToListAsync(Ct),
                await db.Reports.AsNoTracking().Where(r => r.IncidentId == incident.Id).ToListAsync(Ct),
                await db.ReportObservables.AsNoTracking().Where(o => o.ReportId == reportA.Id).ToListAsync(Ct),
            });
            Assert.DoesNotContain(jeanne, everything, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Jeanne", everything, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("12 34 56 78", everything, StringComparison.Ordinal);
            Assert.Contains(pseudonyms.Email(jeanne), everything, StringComparison.Ordinal);
            Assert.Contains("analyst@csirt.test", everything, StringComparison.Ordinal); // staff stay attributable
            Assert.Contains("198.51.100.7", everything, StringComparison.Ordinal); // facts stay
            Assert.Matches("^pseudonym-[0-9a-f]{16}@invalid$", pseudonyms.Email(jeanne));
            var party = await db.CorrespondenceParties.AsNoTracking().SingleAsync(p => p.IncidentId == incident.Id, Ct);
            Assert.Equal(pseudonyms.Email(jeanne), party.Email);
            Assert.False(blobs.Exists(reportA.Sha256));

            // Incident B, under legal hold: untouched.
            var held = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == b, Ct);
            Assert.Null(held.PseudonymisedAt);
            var heldReport = await db.Reports.AsNoTracking().SingleAsync(r => r.Id == reportB.Id, Ct);
            Assert.Null(heldReport.RawDeletedAt);
            Assert.Contains(marc, heldReport.From, StringComparison.Ordinal);
            Assert.True(blobs.Exists(reportB.Sha256));

            // The access-request export finds nothing about Jeanne any more, and still everything about Marc.
            var export = scope.ServiceProvider.GetRequiredService<PersonalDataExport>();
            Assert.Equal(0, (await export.ExportAsync(jeanne, Ct)).Value!.Count);
            // The spammer: only the report still waiting for triage (which only lost its raw mail) is left.
            var spammerData = (await export.ExportAsync(spammer, Ct)).Value!;
            Assert.Equal(pending.Id, Assert.Single(spammerData.Reports).Id);
            Assert.Empty(spammerData.Outbound);
            var marcData = (await export.ExportAsync(marc, Ct)).Value!;
            Assert.Single(marcData.Reports);
            Assert.Single(marcData.Parties);

            // The run is in the audit log: counts only, never content.
            var entry = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == AuditActions.Purge && e.ObjectKind == "retention")
                .OrderByDescending(e => e.Sequence).FirstAsync(Ct);
            Assert.Equal("system", entry.Actor);
            Assert.Contains("\"closedIncidents\":\"1\"", entry.Detail, StringComparison.Ordinal);
            Assert.Contains("\"rawMail\":\"1\"", entry.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(tag, entry.Detail, StringComparison.Ordinal);
        }

        // A second run finds nothing left to do.
        Assert.All((await RunAsync(dryRun: false)).Kinds, k => Assert.Equal((k.Kind, 0), (k.Kind, k.Count)));

        // Two years after the start, the audit log's prefix written before t0 + 1 s goes; the chain still verifies.
        var before = await VerifyAsync();
        Assert.Equal(1, before.First);
        app.Time.SetUtcNow(t0.AddYears(2).AddSeconds(1));
        var purge = await RunAsync(dryRun: false);
        var removed = Count(purge, RetentionKind.AuditLog);
        Assert.True(removed > 0);
        var after = await VerifyAsync();
        Assert.True(after.Whole, after.Break?.ToString());
        Assert.Equal(removed + 1, after.First);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var marker = $"\"through\":\"{after.First - 1}\"";
            Assert.True(await db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.Purge && e.ObjectKind == "audit" && e.Detail!.Contains(marker), Ct));
            // A prefix only: the chain now starts at the first entry recent enough (entries written later by the CLI
            // child processes carry the real clock, so older ones after them stay).
            Assert.True((await db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Sequence == after.First, Ct)).At >= t0.AddSeconds(1));
        }
        var (code, output, error) = await CliTests.Run(app.Settings(), null, "audit", "verify");
        Assert.True(code == 0, output + error);
    }

    [Fact]
    public async Task A_legal_hold_is_set_and_lifted_from_the_command_line_with_a_reason_on_the_timeline()
    {
        var client = app.Client("analyst");
        var number = await NewIncidentAsync(client, "Hold me", null, "Alice", $"alice.{Guid.NewGuid():N}@client.example");
        var (code, _, error) = await CliTests.Run(app.Settings(), null, "retention", "hold", number, "--reason", "Court order 7");
        Assert.True(code == 0, error);
        Assert.Contains($"{number}", error, StringComparison.Ordinal);
        (code, _, error) = await CliTests.Run(app.Settings(), null, "retention", "hold", number, "--reason", "again");
        Assert.Equal(2, code);
        Assert.Contains("already", error, StringComparison.Ordinal);
        (code, _, error) = await CliTests.Run(app.Settings(), null, "retention", "hold", "1999-9999", "--reason", "x");
        Assert.Equal(2, code);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
            Assert.True(incident.LegalHold);
            var hold = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incident.Id && e.Kind == Core.Incidents.TimelineKind.LegalHold, Ct);
            Assert.Equal("Court order 7", hold.Reason);
        }
        (code, _, error) = await CliTests.Run(app.Settings(), null, "retention", "hold", number, "--reason", "Case closed", "--release");
        Assert.True(code == 0, error);

        // The status command prints one line per kind and changes nothing.
        (code, var output, error) = await CliTests.Run(app.Settings(), null, "retention", "status");
        Assert.True(code == 0, error);
        Assert.Equal(Enum.GetValues<RetentionKind>().Length, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Matches(@"(?m)^closedIncidents\s+pseudonymise\s+1y\s+before \d{4}-\d{2}-\d{2}\s+\d+ oldest ", output);
    }

    [Fact]
    public async Task On_PostgreSQL_a_node_finds_the_run_taken_by_another_and_does_nothing()
    {
        if (app.Provider != Provider.Postgres)
        {
            return; // SQLite: one node, no lock to take.
        }
        await using var other = app.Scope();
        await using (var held = await RunLock.TryTakeAsync(other.ServiceProvider.GetRequiredService<VigieDb>(), Ct))
        {
            Assert.NotNull(held);
            await using var scope = app.Scope();
            var run = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(false, AuditActor.System, Ct);
            Assert.True(run.Skipped);
            Assert.Empty(run.Kinds);
        }
        Assert.False((await RunAsync(dryRun: true)).Skipped); // released with the other node's run
    }

    [Fact]
    public void A_bad_policy_refuses_to_start_naming_the_key()
    {
        var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>(app.Settings().ToDictionary(k => k.Key, k => (string?)k.Value))
        {
            ["Vigie:Retention:RawMail:Period"] = "two years",
            ["Vigie:Retention:ClosedIncidents:Action"] = "delete",
            ["Vigie:Retention:AuditLog:Period"] = "0y",
            ["Vigie:Retention:BatchSize"] = "0",
            ["Vigie:Retention:Schedule"] = "daily",
        });
        using var host = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<RetentionOptions>>().Value);
        var text = string.Join("\n", error.Failures);
        Assert.Contains("Vigie:Retention:RawMail:Period: 'two years' is not a period", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:Retention:ClosedIncidents:Action: 'delete' is not accepted here: pseudonymise", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:Retention:AuditLog:Period: '0y'", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:Retention:BatchSize: 0", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:Retention:Schedule: 'daily'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Vigie:Retention:Outbound", text, StringComparison.Ordinal);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static int Count(RetentionRun run, RetentionKind kind) => run.Kinds.Single(k => k.Kind == kind).Count;

    private async Task<RetentionRun> RunAsync(bool dryRun)
    {
        await using var scope = app.Scope();
        var run = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(dryRun, AuditActor.System, Ct);
        Assert.False(run.Skipped);
        return run;
    }

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(null, Ct);
    }

    private static async Task<string> NewIncidentAsync(HttpClient client, string title, string? description, string name, string email)
    {
        var created = await client.PostJson("/api/v1/incidents", new { title, description, tlp = "TLP:AMBER" }).Expect(HttpStatusCode.Created);
        var number = created["number"]!.GetValue<string>();
        await client.PostJson($"/api/v1/incidents/{number}/parties", new { kind = "reporter", name, email }).Expect(HttpStatusCode.Created);
        await client.PostJson($"/api/v1/incidents/{number}/observables", new { value = email, kind = "email", note = $"{name}'s address" }).Expect(HttpStatusCode.Created);
        return number;
    }

    private static async Task RejectAsync(HttpClient client, string number, string reason) =>
        await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to = "rejected", reason }).Expect(HttpStatusCode.OK);

    /// <summary>A report as intake leaves it once read (raw bytes in the blob store), then triaged.</summary>
    private async Task<Report> AddReportAsync(string from, string text, ReportSource source, TriageStatus decision, string? incidentNumber)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var now = app.Time.GetUtcNow();
        var raw = Encoding.UTF8.GetBytes($"From: {from}\r\nTo: cert@csirt.test\r\nSubject: Report {Guid.NewGuid():N}\r\n\r\n{text}\r\n");
        var (sha, size) = await blobs.PutAsync(new MemoryStream(raw), 1 << 20, Ct);
        var address = Pseudonyms.Addresses(from).First();
        var report = new Report(sha, size, $"{Guid.NewGuid():N}@test", "A report", from, source,
            source == ReportSource.WebForm ? "form:" + address : "smtp", "cert@csirt.test", now);
        Assert.True(ObservableValue.TryNormalize(address, ObservableKind.Email, out var observable, out _));
        report.RecordReading(new ReportReading(ReportKind.IncidentReport, null, null, 0, DecryptionStatus.NotEncrypted, null, SignatureStatus.NotSigned,
                null, null, null, null, text, null, [], null, null, null, null, null, null),
            [new ReportObservable(report.Id, observable, false, "text", 0, address.Length)], [], now);
        db.Reports.Add(report);
        if (incidentNumber is not null)
        {
            var incident = await db.Incidents.SingleAsync(i => i.Number == incidentNumber, Ct);
            Assert.Null(report.LinkTo(incident, "analyst@csirt.test", now));
        }
        else if (decision != TriageStatus.Pending)
        {
            Assert.Null(report.Dismiss(decision, null, "analyst@csirt.test", now));
        }
        await db.SaveChangesAsync(Ct);
        return report;
    }

    private async Task<EvidenceItem> AddEvidenceAsync(string number, string fileName)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var (sha, size) = await scope.ServiceProvider.GetRequiredService<BlobStore>()
            .PutAsync(new MemoryStream(Encoding.UTF8.GetBytes($"Received: from mx.client.example {Guid.NewGuid()}")), 1 << 20, Ct);
        var incident = await db.Incidents.SingleAsync(i => i.Number == number, Ct);
        var item = new EvidenceItem(incident.Id, sha, size, fileName, "text/plain", "Headers Jeanne Martin forwarded", "analyst@csirt.test", app.Time.GetUtcNow());
        db.EvidenceItems.Add(item);
        await db.SaveChangesAsync(Ct);
        return item;
    }

    private async Task<(Guid, string)> AddSentMailAsync(string to)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var (sha, size) = await scope.ServiceProvider.GetRequiredService<BlobStore>()
            .PutAsync(new MemoryStream(Encoding.UTF8.GetBytes($"To: {to}\r\nSubject: Your report\r\n\r\nThanks {Guid.NewGuid()}\r\n")), 1 << 20, Ct);
        var now = app.Time.GetUtcNow();
        var message = new OutboundMessage
        {
            Id = Guid.CreateVersion7(),
            CreatedAt = now,
            Kind = OutboundKind.Correspondence,
            MessageId = $"{Guid.NewGuid():N}@csirt.test",
            From = "cert@csirt.test",
            Recipients = to,
            Subject = "Your report",
            Sha256 = sha,
            Size = size,
            Status = OutboundStatus.Sent,
            Attempts = 1,
            NextAttemptAt = now,
            SentAt = now,
        };
        db.OutboundMessages.Add(message);
        await db.SaveChangesAsync(Ct);
        return (message.Id, sha);
    }

    private async Task<Guid> AddDisabledUserWithSessionAsync(string email)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        app.AddUser(db, email, UserRole.Analyst, TokenScope.Read, null);
        await db.SaveChangesAsync(Ct);
        var user = await db.Users.SingleAsync(u => u.Email == email, Ct);
        user.Disabled = true;
        var now = app.Time.GetUtcNow();
        db.Set<UserSession>().Add(new UserSession { Id = Guid.CreateVersion7(), UserId = user.Id, CreatedAt = now, LastSeenAt = now });
        db.Set<RecoveryCode>().Add(new RecoveryCode { Id = Guid.CreateVersion7(), UserId = user.Id, Hash = "unused" });
        await db.SaveChangesAsync(Ct);
        return user.Id;
    }
}

public sealed class RetentionSqliteTests(RetentionSqliteApp app) : RetentionTests(app), IClassFixture<RetentionSqliteApp>;

public sealed class RetentionPostgresTests(RetentionPostgresApp app) : RetentionTests(app), IClassFixture<RetentionPostgresApp>;
