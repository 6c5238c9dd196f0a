using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Metrics;

/// <summary>
/// A host whose SLA targets are fixed and whose incidents reached their milestones at known instants:
/// created and moved through the API while the host's fake clock is set, first responses recorded
/// through the incident's own method at known instants (docs/metrics.md has the same example).
/// Paris is UTC+2 until 25 October 2026, then UTC+1; 11 November is a public holiday.
/// </summary>
public static class MetricsSeed
{
    public static readonly DateTimeOffset Now = At(2026, 11, 30, 16, 30);

    public static DateTimeOffset At(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Vigie:Sla:FirstResponse:P1"] = "1h",
        ["Vigie:Sla:FirstResponse:P2"] = "4bh",
        ["Vigie:Sla:FirstResponse:P3"] = "1bd",
        ["Vigie:Sla:FirstResponse:P4"] = "1bd",
        ["Vigie:Sla:Resolution:P1"] = "1bd",
        ["Vigie:Sla:Resolution:P2"] = "5bd",
    };

    /// <summary>Seeds incidents G (October), A, B, C, D, E (TLP:RED, the lead's), F; returns their numbers by letter.</summary>
    public static async Task<Dictionary<string, string>> RunAsync(VigieApp app)
    {
        var numbers = new Dictionary<string, string>();
        var ct = CancellationToken.None;
        app.Time.SetUtcNow(At(2026, 10, 1, 8));
        var lilas = (await app.Client("lead").PostJson("/api/v1/constituents", new { name = "Lilas Metrics", kind = "partner" })
            .Expect(HttpStatusCode.Created)).Str("id");

        async Task Create(string letter, DateTimeOffset at, object body, string user = "analyst")
        {
            app.Time.SetUtcNow(at);
            numbers[letter] = (await app.Client(user).PostJson("/api/v1/incidents", body).Expect(HttpStatusCode.Created)).Str("number");
        }
        async Task Move(string letter, DateTimeOffset at, string to, string user = "analyst")
        {
            app.Time.SetUtcNow(at);
            await app.Client(user).PostJson($"/api/v1/incidents/{numbers[letter]}/transitions", new { to, reason = "metrics " + to })
                .Expect(HttpStatusCode.OK);
        }
        async Task Answer(string letter, DateTimeOffset at)
        {
            app.Time.SetUtcNow(at);
            await using var scope = app.Scope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.FirstAsync(i => i.Number == numbers[letter], ct);
            incident.RecordFirstResponse(at);
            await db.SaveChangesAsync(ct);
        }

        // G, October (P3): acknowledged after 1 h, answered after 4 h, resolved the next day at 10:00 Paris.
        await Create("G", At(2026, 10, 5, 8), new { title = "October scan", severity = "medium", impact = "medium" });
        await Move("G", At(2026, 10, 5, 9), "triage");
        await Answer("G", At(2026, 10, 5, 12));
        await Move("G", At(2026, 10, 5, 12), "open");
        await Move("G", At(2026, 10, 6, 8), "resolved");

        // A (P2, Lilas, intrusions): Monday 2 November 10:00 Paris; everything on time.
        await Create("A", At(2026, 11, 2, 9), new
        {
            title = "Web shell on intranet", severity = "high", impact = "medium", rsitClass = "intrusions", rsitType = "system-compromise",
            constituentId = lilas,
        });
        await Move("A", At(2026, 11, 2, 10), "triage");
        await Answer("A", At(2026, 11, 2, 11));
        await Move("A", At(2026, 11, 2, 11), "open");
        await Move("A", At(2026, 11, 3, 9), "contained");
        await Move("A", At(2026, 11, 6, 16), "resolved");

        // B (P1, no constituent, malicious code): Friday 6 November 17:30 Paris; answered Monday: late; resolved after the 11 November holiday: late.
        await Create("B", At(2026, 11, 6, 16, 30), new
        {
            title = "Ransomware on file server", severity = "critical", impact = "high", rsitClass = "malicious-code", rsitType = "infected-system",
            tlp = "TLP:GREEN",
        });
        await Move("B", At(2026, 11, 9, 8, 30), "triage");
        await Answer("B", At(2026, 11, 9, 9));
        await Move("B", At(2026, 11, 9, 9), "open");
        await Move("B", At(2026, 11, 9, 10), "contained");
        await Move("B", At(2026, 11, 12, 9), "resolved");

        // C (P3, Lilas, unqualified): never answered, still open: missed.
        await Create("C", At(2026, 11, 17, 9), new { title = "Phishing kit", severity = "medium", impact = "medium", constituentId = lilas });
        await Move("C", At(2026, 11, 17, 9, 30), "triage");

        // E (P2, TLP:RED, created by the lead): answered late; the analyst does not see it.
        await Create("E", At(2026, 11, 23, 9), new { title = "Board member account takeover", severity = "high", impact = "medium", tlp = "TLP:RED" }, "lead");
        await Move("E", At(2026, 11, 23, 13), "triage", "lead");
        await Answer("E", At(2026, 11, 23, 15));

        // D (P3): rejected within the hour, never answered: counts nowhere but in the acknowledgement.
        await Create("D", At(2026, 11, 26, 9), new { title = "Not an incident", severity = "medium", impact = "medium" });
        await Move("D", At(2026, 11, 26, 9, 30), "triage");
        await Move("D", At(2026, 11, 26, 10), "rejected");

        // F (P3): received half an hour before "now", not due until tomorrow: pending.
        await Create("F", At(2026, 11, 30, 16), new { title = "Fresh report", severity = "medium", impact = "medium" });
        app.Time.SetUtcNow(Now);
        return numbers;
    }
}

public abstract class MetricsApp : VigieApp
{
    public IReadOnlyDictionary<string, string> Numbers { get; private set; } = new Dictionary<string, string>();

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => MetricsSeed.Settings;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Unavailable)
        {
            Numbers = await MetricsSeed.RunAsync(this);
        }
    }
}

public sealed class MetricsSqliteApp : MetricsApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class MetricsPostgresApp : MetricsApp
{
    public override Provider Provider => Provider.Postgres;
}
