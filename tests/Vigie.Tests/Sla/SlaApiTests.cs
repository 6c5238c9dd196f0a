using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigie.Core.Incidents;
using Vigie.Data;
using Vigie.Features.Sla;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;

namespace Vigie.Tests.Sla;

/// <summary>
/// The whole host with the team's calendar (Europe/Paris, Monday–Friday 09:00–18:00, French holidays)
/// and a policy with a contract tier: Lilas is a "gold" client whose P1 first response is due within
/// one clock hour (the on-call promise), P3 incidents have a 10-business-day resolution target.
/// </summary>
public abstract class SlaApp : IntakeApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>(base.ExtraSettings())
    {
        ["Vigie:Sla:Contracts:gold:FirstResponse:P1"] = "1h",
        ["Vigie:Sla:Contracts:gold:Resolution:P1"] = "3bd",
        ["Vigie:Sla:Resolution:P3"] = "10bd",
        ["Vigie:Sla:Closures:0:From"] = "2026-12-24",
        ["Vigie:Sla:Closures:0:Reason"] = "Team seminar",
    };
}

public sealed class SlaSqliteApp : SlaApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class SlaPostgresApp : SlaApp
{
    public override Provider Provider => Provider.Postgres;
}

public abstract class SlaApiTests(SlaApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host of its own on a fake clock starting at <paramref name="start"/> (the shared clock only moves forward).</summary>
    private (Func<string, HttpClient> Client, FakeTimeProvider Time, IServiceProvider Services, IAsyncDisposable Host) At(DateTimeOffset start)
    {
        var time = new FakeTimeProvider(start);
        var host = app.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(time)));
        HttpClient Client(string user)
        {
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", app.Token(user));
            return client;
        }
        return (Client, time, host.Services, host);
    }

    private async Task<JsonNode> DueAsync(string query) =>
        await app.Client().GetAsync("/api/v1/sla/due?" + query, Ct).Expect(HttpStatusCode.OK);

    [Fact]
    public async Task A_report_on_Saturday_at_3_is_due_at_Monday_close_with_the_reasons_in_French_and_English()
    {
        var fr = await DueAsync("receivedAt=2026-11-28T03:00&priority=P3");
        Assert.False(fr["duringBusinessHours"]!.GetValue<bool>());
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), fr["firstResponse"]!["clockStartsAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("2026-11-30T18:00:00+01:00", fr["firstResponse"].Str("dueLocal"));
        Assert.Equal("1bd", fr["firstResponse"].Str("target"));
        Assert.Equal("default", fr["firstResponse"].Str("source"));
        Assert.Equal("PT9H", fr["firstResponse"].Str("businessTime"));
        var lines = fr["explanation"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(lines, l => l.Contains("samedi 2026-11-28 03:00", StringComparison.Ordinal) && l.Contains("le samedi n'est pas un jour ouvré", StringComparison.Ordinal)
            && l.Contains("lundi 2026-11-30 09:00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Échéance le lundi 2026-11-30 18:00", StringComparison.Ordinal));
        // P3 has a resolution target of 10 business days: it lands after the seminar and Christmas.
        Assert.Equal("2026-12-11T18:00:00+01:00", fr["resolution"].Str("dueLocal"));

        var en = await DueAsync("receivedAt=2026-11-28T02:00:00Z&priority=p3&lang=en");
        Assert.Equal("2026-11-30T18:00:00+01:00", en["firstResponse"].Str("dueLocal"));
        Assert.Contains(en["explanation"]!.AsArray(), l => l!.GetValue<string>().StartsWith("Received Saturday 2026-11-28 03:00 (Europe/Paris), outside business hours (Saturday is not a business day)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Holidays_and_closures_are_skipped_and_named()
    {
        // Thursday 7 May 2026 at 17:30: Friday 8 May (Victory 1945) is a public holiday.
        var may = await DueAsync("receivedAt=2026-05-07T17:30:00%2B02:00&priority=P2&lang=en");
        Assert.True(may["duringBusinessHours"]!.GetValue<bool>());
        Assert.Equal("2026-05-11T17:30:00+02:00", may["firstResponse"].Str("dueLocal"));
        Assert.Equal("2026-05-08", may["skippedDays"]![0].Str("date"));
        Assert.Contains(may["explanation"]!.AsArray(), l => l!.GetValue<string>() == "Closed days skipped: 2026-05-08 (public holiday: Victory in Europe Day).");

        // Wednesday 23 December 17:00: the 24th is the configured closure, the 25th Christmas.
        var christmas = await DueAsync("receivedAt=2026-12-23T17:00&priority=P4");
        Assert.Equal("2026-12-28T17:00:00+01:00", christmas["firstResponse"].Str("dueLocal"));
        Assert.Equal(["2026-12-24", "2026-12-25"], christmas["skippedDays"]!.AsArray().Take(2).Select(d => d.Str("date")));
        Assert.Contains(christmas["explanation"]!.AsArray(), l => l!.GetValue<string>().Contains("fermeture : Team seminar", StringComparison.Ordinal)
            && l.GetValue<string>().Contains("jour férié : Noël", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gold_client_P1_on_Sunday_night_is_due_one_clock_hour_later()
    {
        var due = await DueAsync($"receivedAt=2026-11-29T03:00&priority=P1&constituent={app.Lilas}&lang=en");
        Assert.Equal("gold", due.Str("contractTier"));
        Assert.Equal("1h", due["firstResponse"].Str("target"));
        Assert.Equal("contract:gold", due["firstResponse"].Str("source"));
        Assert.Equal("2026-11-29T04:00:00+01:00", due["firstResponse"].Str("dueLocal"));
        Assert.Contains(due["explanation"]!.AsArray(), l => l!.GetValue<string>().Contains("clock starts at once, even outside business hours", StringComparison.Ordinal));
        // Resolution is the contract's too: 3 business days from Monday 09:00.
        Assert.Equal("2026-12-02T18:00:00+01:00", due["resolution"].Str("dueLocal"));
        // Mimosa has no contract: the default business-day target applies.
        var mimosa = await DueAsync($"receivedAt=2026-11-29T03:00&priority=P1&constituent={app.Mimosa}");
        Assert.Equal("2026-11-30T18:00:00+01:00", mimosa["firstResponse"].Str("dueLocal"));
    }

    [Fact]
    public async Task Bad_questions_get_a_problem_naming_each_field()
    {
        var response = await app.Client().GetAsync($"/api/v1/sla/due?receivedAt=yesterday&priority=P5&lang=de&constituent={Guid.NewGuid()}", Ct);
        var problem = await response.ExpectProblem(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("is not an ISO 8601 date and time", errors["receivedAt"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("'P5' is not a priority: write P1, P2, P3 or P4.", errors["priority"]![0]!.GetValue<string>());
        Assert.Contains("fr or en", errors["lang"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("No constituent has the id", errors["constituent"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/sla/due?receivedAt=2026-11-28T03:00&priority=P3", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_incident_clock_runs_turns_at_risk_is_breached_once_and_stops_at_the_first_human_answer()
    {
        // Saturday 28 November 2026, 03:00 in Paris.
        var (client, time, services, host) = At(new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero));
        await using var owned = host;
        var created = await client("analyst").PostJson("/api/v1/incidents", new { title = "Defacement reported on Saturday night", tlp = "TLP:CLEAR" })
            .Expect(HttpStatusCode.Created);
        var number = created.Str("number");
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero), created["sla"]!["firstResponseDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("1bd", created["sla"].Str("firstResponseTarget"));
        // Ten business days from Monday 09:00, the last one Friday 11 December.
        Assert.Equal(new DateTimeOffset(2026, 12, 11, 17, 0, 0, TimeSpan.Zero), created["sla"]!["resolutionDueAt"]!.GetValue<DateTimeOffset>());

        async Task<JsonNode> Clock() => (await client("analyst").GetAsync($"/api/v1/incidents/{number}/sla", Ct).Expect(HttpStatusCode.OK))["firstResponse"]!;
        Assert.Equal("running", (await Clock()).Str("status"));
        Assert.Equal(9 * 3600, (await Clock())["remainingSeconds"]!.GetValue<long>());

        // Monday 16:00 in Paris: 7 of 9 business hours used (78 % ≥ 75 %).
        time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal("atRisk", (await Clock()).Str("status"));
        Assert.Equal(2 * 3600, (await Clock())["remainingSeconds"]!.GetValue<long>());

        // Tuesday 10:00: one business hour late; two sweeps (two nodes) record the breach once.
        time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal("breached", (await Clock()).Str("status"));
        Assert.Equal(-3600, (await Clock())["remainingSeconds"]!.GetValue<long>());
        await Task.WhenAll(SweepAsync(services), SweepAsync(services));
        await SweepAsync(services);
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
            var breaches = await db.TimelineEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id && e.Kind == TimelineKind.SlaBreached).ToListAsync(Ct);
            var breach = Assert.Single(breaches);
            Assert.Equal("first-response", breach.ReadData()["clock"]);
            Assert.Equal("vigie", breach.Actor);
            Assert.True(incident.Sla.FirstResponseBreached);
        }

        // The first human answer to the reporter stops the clock, late: "missed".
        var reporter = await client("analyst").PostJson($"/api/v1/incidents/{number}/parties", new { kind = "reporter", name = "Reporter", email = "someone@reporter.test" })
            .Expect(HttpStatusCode.Created);
        await client("analyst").PostJson($"/api/v1/incidents/{number}/messages", new { partyId = reporter.Str("id"), subject = "We are on it", text = "Thank you, we are looking into it." })
            .Expect(HttpStatusCode.Created);
        var answered = await Clock();
        Assert.Equal("missed", answered.Str("status"));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), answered["stoppedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Waiting_for_the_constituent_pauses_the_clocks_and_moves_their_due_times()
    {
        // Monday 7 December 2026, 10:00 in Paris.
        var (client, time, _, host) = At(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var owned = host;
        var number = (await client("analyst").PostJson("/api/v1/incidents", new { title = "Suspicious logins" }).Expect(HttpStatusCode.Created)).Str("number");
        var started = await client("analyst").PostJson($"/api/v1/incidents/{number}/waiting", new { waiting = true, reason = "logs requested from the client" }).Expect(HttpStatusCode.OK);
        Assert.NotNull(started["waitingSince"]);
        Assert.Equal("paused", started["firstResponse"].Str("status"));
        Assert.Equal("already-waiting", (await client("analyst").PostJson($"/api/v1/incidents/{number}/waiting", new { waiting = true }).ExpectProblem(HttpStatusCode.Conflict)).Str("code"));

        // Three clock hours later, the constituent answers: 3 business hours of pause, due Tuesday 13:00.
        time.SetUtcNow(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var resumed = await client("analyst").PostJson($"/api/v1/incidents/{number}/waiting", new { waiting = false }).Expect(HttpStatusCode.OK);
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 12, 0, 0, TimeSpan.Zero), resumed["firstResponse"]!["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("running", resumed["firstResponse"].Str("status"));
        var timeline = await client("analyst").GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK);
        var kinds = timeline.AsArray().Select(e => e.Str("kind")).ToList();
        Assert.Contains("waitingStarted", kinds);
        Assert.Contains("waitingEnded", kinds);
        Assert.Equal("logs requested from the client", timeline.AsArray().First(e => e.Str("kind") == "waitingStarted").Str("reason"));
        // A read-only analyst may not pause the clocks.
        Assert.Equal(HttpStatusCode.Forbidden, (await client("analyst-readonly").PostJson($"/api/v1/incidents/{number}/waiting", new { waiting = true })).StatusCode);
    }

    [Fact]
    public async Task Raising_the_priority_of_a_gold_client_incident_moves_its_due_time_and_says_so()
    {
        var (client, _, _, host) = At(new DateTimeOffset(2026, 12, 9, 9, 0, 0, TimeSpan.Zero));
        await using var owned = host;
        var created = await client("analyst").PostJson("/api/v1/incidents", new { title = "Ransomware note on a file server", constituentId = app.Lilas }).Expect(HttpStatusCode.Created);
        var number = created.Str("number");
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero), created["sla"]!["firstResponseDueAt"]!.GetValue<DateTimeOffset>());
        var raised = await client("analyst").PatchJson($"/api/v1/incidents/{number}", new { severity = "critical", impact = "critical", reason = "encryption spreading" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal("P1", raised.Str("priority"));
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 10, 0, 0, TimeSpan.Zero), raised["sla"]!["firstResponseDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("contract:gold", raised["sla"].Str("targetSource"));
        var timeline = await client("analyst").GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK);
        var changed = Assert.Single(timeline.AsArray(), e => e.Str("kind") == "slaChanged");
        Assert.Equal("1h", changed!["data"].Str("target"));
    }

    [Fact]
    public async Task Incidents_from_before_the_SLA_facts_get_them_back_from_their_reports_and_timeline()
    {
        // Monday 14 December 2026, 10:00 in Paris; the life of the incident spreads over the week.
        var (client, time, services, host) = At(new DateTimeOffset(2026, 12, 14, 9, 0, 0, TimeSpan.Zero));
        await using var owned = host;
        var number = (await client("analyst").PostJson("/api/v1/incidents", new { title = "Old case", tlp = "TLP:CLEAR", severity = "high", impact = "high" })
            .Expect(HttpStatusCode.Created)).Str("number");
        time.Advance(TimeSpan.FromHours(1));
        await client("analyst").PostJson($"/api/v1/incidents/{number}/transitions", new { to = "triage" }).Expect(HttpStatusCode.OK);
        time.Advance(TimeSpan.FromHours(2));
        var reporter = await client("analyst").PostJson($"/api/v1/incidents/{number}/parties", new { kind = "reporter", name = "R", email = "r@reporter.test" })
            .Expect(HttpStatusCode.Created);
        await client("analyst").PostJson($"/api/v1/incidents/{number}/messages", new { partyId = reporter.Str("id"), subject = "Ack", text = "On it." })
            .Expect(HttpStatusCode.Created);
        time.Advance(TimeSpan.FromDays(1));
        await client("analyst").PostJson($"/api/v1/incidents/{number}/transitions", new { to = "open" }).Expect(HttpStatusCode.OK);
        await client("analyst").PostJson($"/api/v1/incidents/{number}/transitions", new { to = "contained" }).Expect(HttpStatusCode.OK);
        time.Advance(TimeSpan.FromDays(1));
        await client("analyst").PostJson($"/api/v1/incidents/{number}/transitions", new { to = "resolved" }).Expect(HttpStatusCode.OK);

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var kept = (await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct)).Sla;
        Assert.NotNull(kept.FirstRespondedAt);
        Assert.NotNull(kept.ContainedAt);
        Assert.NotNull(kept.ResolvedAt);

        // As an installation upgraded from before issue 5 has it: no SLA facts at all.
        await db.Incidents.Where(i => i.Number == number).ExecuteUpdateAsync(u => u
            .SetProperty(i => i.Sla.ReceivedAt, (DateTimeOffset?)null).SetProperty(i => i.Sla.FirstResponseTarget, (string?)null)
            .SetProperty(i => i.Sla.FirstResponseDueAt, (DateTimeOffset?)null).SetProperty(i => i.Sla.FirstRespondedAt, (DateTimeOffset?)null)
            .SetProperty(i => i.Sla.AcknowledgedAt, (DateTimeOffset?)null).SetProperty(i => i.Sla.ContainedAt, (DateTimeOffset?)null)
            .SetProperty(i => i.Sla.ResolvedAt, (DateTimeOffset?)null).SetProperty(i => i.Sla.TargetSource, (string?)null), Ct);
        var done = await scope.ServiceProvider.GetRequiredService<SlaService>().BackfillAsync(2, Ct);
        Assert.True(done >= 1);

        var back = (await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct)).Sla;
        Assert.Equal(kept.ReceivedAt, back.ReceivedAt);
        Assert.Equal(kept.FirstResponseTarget, back.FirstResponseTarget);
        Assert.Equal(kept.FirstResponseDueAt, back.FirstResponseDueAt);
        Assert.Equal(kept.AcknowledgedAt, back.AcknowledgedAt);
        Assert.Equal(kept.FirstRespondedAt, back.FirstRespondedAt);
        Assert.Equal(kept.ContainedAt, back.ContainedAt);
        Assert.Equal(kept.ResolvedAt, back.ResolvedAt);
        Assert.False(back.FirstResponseBreached);
        Assert.Equal(0, await db.Incidents.CountAsync(i => i.Sla.FirstResponseTarget == null, Ct));
    }

    private static async Task SweepAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SlaService>().SweepAsync(Ct);
    }
}

public sealed class SlaApiSqliteTests(SlaSqliteApp app) : SlaApiTests(app), IClassFixture<SlaSqliteApp>;

public sealed class SlaApiPostgresTests(SlaPostgresApp app) : SlaApiTests(app), IClassFixture<SlaPostgresApp>;
