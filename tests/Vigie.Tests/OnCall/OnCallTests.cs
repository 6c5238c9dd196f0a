using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigie.Core.Incidents;
using Vigie.Core.OnCall;
using Vigie.Data;
using Vigie.Features.OnCall;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.OnCall;

/// <summary>
/// Issue 5 §4 with a FakeTimeProvider: a critical incident at 03:00 on a Sunday pages the primary by
/// mail (delivered to the SMTP sink) and webhook (a local listener), escalates to the secondary after
/// 15 minutes, an acknowledgement by link stops it; business hours never page; two runs page once.
/// </summary>
public abstract partial class OnCallTests(OnCallApp app)
{
    [Fact]
    public async Task A_critical_incident_at_3_on_sunday_pages_the_primary_then_escalates_to_the_secondary()
    {
        var sunday = app.MoveToNext(DayOfWeek.Sunday, 3);
        await ShiftAsync(sunday.AddHours(-9), sunday.AddHours(30), OnCallApp.Alice, OnCallApp.Bob);
        var number = await IncidentAsync("Ransomware on the Lilas file server", "TLP:AMBER");
        var hooksBefore = app.Hook.Calls.Count;

        Assert.Equal(1, await RunAsync());

        var incidentId = await IdOfAsync(number);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var page = await db.OnCallPages.AsNoTracking().SingleAsync(p => p.IncidentId == incidentId, Ct);
            Assert.Equal(1, page.Level);
            Assert.Equal(OnCallApp.Alice, page.Recipient);
            var paged = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incidentId && e.Kind == TimelineKind.Paged, Ct);
            Assert.Equal(OnCallApp.Alice, paged.ReadData()["to"]);
            Assert.Equal("vigie", paged.Actor);
        }

        // The mail reaches the relay: short, both languages, number, priority, title and the acknowledgement link.
        var mail = Mime((await DeliveredToAsync(OnCallApp.Alice, number)).Data);
        Assert.Contains($"P1 {number}", mail.Subject, StringComparison.Ordinal);
        var text = mail.TextBody;
        Assert.Contains("Ransomware on the Lilas file server", text, StringComparison.Ordinal);
        Assert.Contains("Accuser réception : https://vigie.csirt.test/oncall/ack/", text, StringComparison.Ordinal);
        Assert.Contains("Acknowledge: https://vigie.csirt.test/oncall/ack/", text, StringComparison.Ordinal);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);

        // The webhook got the same facts as JSON, with the secret header.
        var hook = Assert.Single(app.Hook.Calls.Skip(hooksBefore));
        Assert.Equal("s3cret-hook", hook.Secret);
        var body = JsonNode.Parse(hook.Body)!;
        Assert.Equal("page", body.Str("event"));
        Assert.Equal(number, body.Str("number"));
        Assert.Equal("P1", body.Str("priority"));
        Assert.Equal("TLP:AMBER", body.Str("tlp"));
        Assert.Equal(OnCallApp.Alice, body.Str("recipient"));
        Assert.StartsWith("https://vigie.csirt.test/oncall/ack/", body.Str("acknowledgeUrl"), StringComparison.Ordinal);

        // Running again pages nobody twice.
        Assert.Equal(0, await RunAsync());

        // 14 minutes: not yet; 15: the secondary.
        app.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await RunAsync());
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await RunAsync());
        Assert.Equal(0, await RunAsync());
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var escalated = await db.OnCallPages.AsNoTracking().SingleAsync(p => p.IncidentId == incidentId && p.Level == 2, Ct);
            Assert.Equal(OnCallApp.Bob, escalated.Recipient);
            var e = await db.TimelineEvents.AsNoTracking().SingleAsync(x => x.IncidentId == incidentId && x.Kind == TimelineKind.PageEscalated, Ct);
            Assert.Equal(OnCallApp.Bob, e.ReadData()["to"]);
        }
        var bobMail = Mime((await DeliveredToAsync(OnCallApp.Bob, number)).Data);
        Assert.Contains("ESCALATION", bobMail.Subject, StringComparison.Ordinal);
        Assert.Equal("escalation", JsonNode.Parse(app.Hook.Calls.Last().Body).Str("event"));
    }

    [Fact]
    public async Task Acknowledging_by_the_link_stops_the_escalation_and_a_red_page_says_no_more_than_number_and_priority()
    {
        var sunday = app.MoveToNext(DayOfWeek.Sunday, 3);
        await ShiftAsync(sunday.AddHours(-9), sunday.AddHours(30), OnCallApp.Alice, OnCallApp.Bob);
        var number = await IncidentAsync("Minister mailbox compromised", "TLP:RED");
        var hooksBefore = app.Hook.Calls.Count;
        Assert.Equal(1, await RunAsync());

        var hook = JsonNode.Parse(Assert.Single(app.Hook.Calls.Skip(hooksBefore)).Body)!;
        Assert.Null(hook["title"]);
        Assert.DoesNotContain("Minister", hook.ToJsonString(), StringComparison.Ordinal);
        var mail = Mime((await DeliveredToAsync(OnCallApp.Alice, number)).Data);
        Assert.DoesNotContain("Minister", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Incident {number} (P1, TLP:RED)", mail.TextBody, StringComparison.Ordinal);

        // GET shows a confirmation (nothing acknowledged yet); POST with the antiforgery token acknowledges.
        var path = new Uri(hook.Str("acknowledgeUrl")).AbsolutePath;
        var client = app.Factory.CreateClient();
        var confirm = await client.GetStringAsync(path, Ct);
        Assert.Contains(number, confirm, StringComparison.Ordinal);
        Assert.Null(await AcknowledgedAtAsync(number));
        var antiforgery = AntiforgeryField().Match(confirm).Groups[1].Value;
        var posted = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
            ["_handler"] = "oncall-ack",
            ["Confirm.Go"] = "yes",
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("ack-done", await posted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.NotNull(await AcknowledgedAtAsync(number));

        // No escalation afterwards; the link is single-use.
        app.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await RunAsync());
        var incidentId = await IdOfAsync(number);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Assert.False(await db.OnCallPages.AnyAsync(p => p.IncidentId == incidentId && p.Level == 2, Ct));
            var ack = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incidentId && e.Kind == TimelineKind.PageAcknowledged, Ct);
            Assert.Equal(OnCallApp.Alice, ack.Actor);
            Assert.Equal("link", ack.ReadData()["via"]);
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Id == incidentId, Ct);
            Assert.NotNull(incident.Sla.AcknowledgedAt);
            var service = scope.ServiceProvider.GetRequiredService<OnCallService>();
            var again = await service.AcknowledgeByTokenAsync(path.Split('/')[^1], Ct);
            Assert.Equal("already-acknowledged", again.Error!.Code);
        }
    }

    [Fact]
    public async Task A_critical_report_from_a_contract_client_pages_before_any_incident_exists()
    {
        var night = app.MoveToNext(DayOfWeek.Thursday, 23);
        await ShiftAsync(night.AddHours(-5), night.AddHours(10), OnCallApp.Alice, OnCallApp.Bob);
        var critical = await ReportAsync("Encrypted shares at Lilas", app.Lilas, "malicious-code");
        var partner = await ReportAsync("Malware at Mimosa", app.Mimosa, "malicious-code");        // no contract
        var spam = await ReportAsync("Spam from Lilas", app.Lilas, "abusive-content");             // not a critical class
        var hooksBefore = app.Hook.Calls.Count;
        Assert.Equal(1, await RunAsync());
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var page = await db.OnCallPages.AsNoTracking().SingleAsync(p => p.ReportId == critical, Ct);
            Assert.Equal(OnCallApp.Alice, page.Recipient);
            Assert.False(await db.OnCallPages.AnyAsync(p => p.ReportId == partner || p.ReportId == spam, Ct));
        }
        var hook = JsonNode.Parse(Assert.Single(app.Hook.Calls.Skip(hooksBefore)).Body)!;
        Assert.Equal("report", hook.Str("kind"));
        Assert.Equal("malicious-code", hook.Str("rsitClass"));
        Assert.Equal("Lilas", hook.Str("constituent"));
        Assert.DoesNotContain("Encrypted shares", hook.ToJsonString(), StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(1, await RunAsync()); // escalated to Bob
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Assert.Equal(OnCallApp.Bob, (await db.OnCallPages.AsNoTracking().SingleAsync(p => p.ReportId == critical && p.Level == 2, Ct)).Recipient);
        }
    }

    private async Task<Guid> ReportAsync(string subject, Guid constituent, string rsitClass)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var now = app.Time.GetUtcNow();
        var report = new Vigie.Core.Reports.Report(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), 10, null, subject,
            "soc@lilas.example", Vigie.Core.Reports.ReportSource.Smtp, "smtp", IntakeApp.Incident, now);
        report.RecordReading(new Vigie.Core.Reports.ReportReading(Vigie.Core.Reports.ReportKind.IncidentReport, null, null, 0,
            Vigie.Core.Reports.DecryptionStatus.NotEncrypted, null, Vigie.Core.Reports.SignatureStatus.NotSigned, null, null, null, null, subject, null, [],
            constituent, "scope", rsitClass, null, "test", null), [], [], now);
        db.Reports.Add(report);
        await db.SaveChangesAsync(Ct);
        return report.Id;
    }

    [Fact]
    public async Task A_p1_on_tuesday_at_10_does_not_page_even_later_that_night()
    {
        var tuesday = app.MoveToNext(DayOfWeek.Tuesday, 10);
        await ShiftAsync(tuesday.AddHours(-2), tuesday.AddHours(30), OnCallApp.Alice, OnCallApp.Bob);
        var number = await IncidentAsync("Business-hours P1", "TLP:AMBER");
        Assert.Equal(0, await RunAsync());
        app.Time.Advance(TimeSpan.FromHours(10)); // 20:00: the team saw it while open
        Assert.Equal(0, await RunAsync());
        var incidentId = await IdOfAsync(number);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.False(await db.OnCallPages.AnyAsync(p => p.IncidentId == incidentId, Ct));
        Assert.False(await db.TimelineEvents.AnyAsync(e => e.IncidentId == incidentId && e.Kind == TimelineKind.Paged, Ct));
    }

    [Fact]
    public async Task Two_nodes_running_at_once_page_once()
    {
        var saturday = app.MoveToNext(DayOfWeek.Saturday, 2);
        await ShiftAsync(saturday.AddHours(-2), saturday.AddHours(30), OnCallApp.Alice, OnCallApp.Bob);
        var number = await IncidentAsync("Concurrent paging", "TLP:GREEN");
        var hooksBefore = app.Hook.Calls.Count;
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(RunAsync, Ct)));
        Assert.Equal(1, runs.Sum());
        var incidentId = await IdOfAsync(number);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.Equal(1, await db.OnCallPages.CountAsync(p => p.IncidentId == incidentId, Ct));
        Assert.Equal(1, await db.TimelineEvents.CountAsync(e => e.IncidentId == incidentId && e.Kind == TimelineKind.Paged, Ct));
        Assert.Equal(1, await db.OutboundMessages.CountAsync(m => m.IncidentId == incidentId, Ct));
        Assert.Single(app.Hook.Calls.Skip(hooksBefore), c => c.Body.Contains(number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_webhook_is_recorded_on_the_timeline()
    {
        var sunday = app.MoveToNext(DayOfWeek.Sunday, 4);
        await ShiftAsync(sunday.AddHours(-2), sunday.AddHours(20), OnCallApp.Alice, OnCallApp.Bob);
        var number = await IncidentAsync("Webhook down", "TLP:AMBER");
        app.Hook.Status = HttpStatusCode.BadGateway;
        try
        {
            Assert.Equal(1, await RunAsync());
        }
        finally
        {
            app.Hook.Status = HttpStatusCode.OK;
        }
        var incidentId = await IdOfAsync(number);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var failed = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incidentId && e.Kind == TimelineKind.PageFailed, Ct);
        Assert.Equal("webhook: HTTP 502", failed.ReadData()["error"]);
    }

    [Fact]
    public async Task Rota_errors_are_clear()
    {
        var at = app.MoveToNext(DayOfWeek.Monday, 12);
        await ShiftAsync(at.AddDays(1), at.AddDays(2), OnCallApp.Alice, OnCallApp.Bob);
        await using var scope = app.Scope();
        var service = scope.ServiceProvider.GetRequiredService<OnCallService>();
        async Task<string> Refused(RotaSource source, DateTimeOffset? from, DateTimeOffset? to, string primary, string secondary)
        {
            var result = await service.AddAsync(source, from, to, primary, secondary, null, "lead@csirt.test", Ct);
            Assert.False(result.IsSuccess);
            return string.Join(" | ", result.Error!.Fields!.SelectMany(f => f.Value));
        }
        Assert.Contains("overlaps", await Refused(RotaSource.Shift, at.AddDays(1).AddHours(12), at.AddDays(3), OnCallApp.Bob, OnCallApp.Alice), StringComparison.Ordinal);
        Assert.Contains("ends", await Refused(RotaSource.Shift, at.AddDays(5), at.AddDays(4), OnCallApp.Alice, OnCallApp.Bob), StringComparison.Ordinal);
        Assert.Contains("both primary and secondary", await Refused(RotaSource.Override, at.AddDays(5), at.AddDays(6), OnCallApp.Alice, OnCallApp.Alice), StringComparison.Ordinal);
        Assert.Contains("'nobody@elsewhere.test' (secondary) is not a staff user", await Refused(RotaSource.Rotation, null, null, OnCallApp.Alice, "nobody@elsewhere.test"), StringComparison.Ordinal);
        Assert.Contains("'auditor@csirt.test' (primary) is not a staff user", await Refused(RotaSource.Shift, at.AddDays(8), at.AddDays(9), "auditor@csirt.test", OnCallApp.Bob), StringComparison.Ordinal);
        // An override over a shift is what overrides are for.
        Assert.True((await service.AddAsync(RotaSource.Override, at.AddDays(1).AddHours(2), at.AddDays(1).AddHours(4), OnCallApp.Bob, OnCallApp.Alice, "swap", "lead@csirt.test", Ct)).IsSuccess);
    }

    [Fact]
    public async Task A_hole_outside_hours_is_mailed_to_the_leads_once()
    {
        // Far ahead of the other tests' shifts: a Wednesday noon with nothing planned for a week.
        app.Time.Advance(TimeSpan.FromDays(60));
        app.MoveToNext(DayOfWeek.Wednesday, 12);
        var before = await HoleMailsAsync();
        IReadOnlyList<RotaHole> holes;
        await using (var holeScope = app.Scope())
        {
            holes = await holeScope.ServiceProvider.GetRequiredService<OnCallService>().UpcomingHolesAsync(Ct);
        }
        // Nights and weekends of the coming week; a public holiday merges a weekend with its Monday, so
        // the count depends on the week the other tests left the clock in (Whit Monday gives 4).
        Assert.True(holes.Count >= 4, $"the empty week has holes on its nights and weekend, got {holes.Count}");
        await RunAsync();
        var first = await HoleMailsAsync();
        Assert.Equal(holes.Count, first.Count - before.Count);
        await RunAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();
        Assert.Equal(first.Count, (await HoleMailsAsync()).Count);
        Assert.All(first, m => Assert.Equal("lead@csirt.test", m.Recipients));
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var alerts = await db.OnCallHoleAlerts.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(alerts.Count, alerts.Select(a => a.Start).Distinct().Count());
    }

    [Fact]
    public void Bad_configuration_names_the_key()
    {
        var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>(app.Settings().ToDictionary(k => k.Key, k => (string?)k.Value))
        {
            ["Vigie:OnCall:EscalateAfterMinutes"] = "0",
            ["Vigie:OnCall:Webhook:Url"] = "ftp://pager.example/",
            ["Vigie:OnCall:CriticalClasses:0"] = "malicious-code",
            ["Vigie:OnCall:CriticalClasses:1"] = "zombies",
        });
        using var host = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<OnCallOptions>>().Value);
        var text = string.Join("\n", error.Failures);
        Assert.Contains("Vigie:OnCall:EscalateAfterMinutes: 0 is not between 1 and 240", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:OnCall:Webhook:Url: 'ftp://pager.example/' is not an absolute http(s) URL", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:OnCall:CriticalClasses:1: 'zombies' is not an RSIT class", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CriticalClasses:0", text, StringComparison.Ordinal);
    }

    private async Task<List<Vigie.Features.Mail.OutboundMessage>> HoleMailsAsync()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        return await db.OutboundMessages.AsNoTracking().Where(m => m.Subject.Contains("rota hole")).ToListAsync(Ct);
    }

    private async Task<int> RunAsync()
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<OnCallService>().RunAsync(Ct);
    }

    private async Task ShiftAsync(DateTimeOffset start, DateTimeOffset end, string primary, string secondary)
    {
        await using var scope = app.Scope();
        var result = await scope.ServiceProvider.GetRequiredService<OnCallService>()
            .AddAsync(RotaSource.Shift, start, end, primary, secondary, null, "lead@csirt.test", Ct);
        Assert.True(result.IsSuccess, string.Join(" ", result.Error?.Fields?.SelectMany(f => f.Value) ?? []));
    }

    private async Task<string> IncidentAsync(string title, string tlp)
    {
        var body = await app.Client().PostJson("/api/v1/incidents",
            new { title, description = "Secret details that never leave Vigie.", tlp, severity = "critical", impact = "high", constituentId = app.Lilas })
            .Expect(HttpStatusCode.Created);
        Assert.Equal("P1", body.Str("priority"));
        return body.Str("number");
    }

    private async Task<Guid> IdOfAsync(string number)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Incidents.Where(i => i.Number == number).Select(i => i.Id).SingleAsync(Ct);
    }

    private async Task<DateTimeOffset?> AcknowledgedAtAsync(string number)
    {
        var id = await IdOfAsync(number);
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().OnCallPages.Where(p => p.IncidentId == id).Select(p => p.AcknowledgedAt).SingleAsync(Ct);
    }

    private async Task<Mail.SinkMessage> DeliveredToAsync(string recipient, string number)
    {
        for (var i = 0; i < 200; i++)
        {
            var hit = app.Sink.Received.FirstOrDefault(m => m.To.Contains(recipient)
                && System.Text.Encoding.UTF8.GetString(m.Data).Contains(number, StringComparison.Ordinal)
                && (recipient != OnCallApp.Bob || System.Text.Encoding.UTF8.GetString(m.Data).Contains("ESCALATION", StringComparison.Ordinal)));
            if (hit is not null)
            {
                return hit;
            }
            await Task.Delay(50, Ct);
        }
        throw new Xunit.Sdk.XunitException($"No mail to {recipient} about {number} reached the relay.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

public sealed class OnCallSqliteTests(OnCallSqliteApp app) : OnCallTests(app), IClassFixture<OnCallSqliteApp>;

public sealed class OnCallPostgresTests(OnCallPostgresApp app) : OnCallTests(app), IClassFixture<OnCallPostgresApp>;
