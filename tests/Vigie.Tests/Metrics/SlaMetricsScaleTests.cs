using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Vigie.Core.Incidents;
using Vigie.Core.Metrics;
using Vigie.Data;
using Vigie.Features.Metrics;
using Vigie.Features.Sla;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Metrics;

/// <summary>
/// 100,000 incidents over 24 months (explicit: run with --filter-class and --explicit on): the metrics of
/// the whole range are read and computed in seconds, not minutes. Figures in docs/metrics.md.
/// </summary>
public sealed class SlaMetricsScaleTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact(Explicit = true)]
    public async Task Twenty_four_months_of_100k_incidents()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);
        await using (var scope = app.Scope())
        {
            var sla = scope.ServiceProvider.GetRequiredService<SlaService>();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < 100_000; i++)
            {
                var at = start.AddMinutes(i * 10);
                var incident = Incident.Create(at.Year, 500_000 + i, $"Scale {i}", null,
                    new Qualification("intrusions", "system-compromise", (Severity)(1 + (i % 4)), Impact.Medium, Tlp.Amber, Pap.Amber), null, "analyst@csirt.test", at).Value!;
                incident.ScheduleSla(sla.Schedule(at, incident.Priority, null), "analyst@csirt.test", at);
                incident.MoveTo(IncidentState.Triage, "analyst@csirt.test", null, at.AddMinutes(30 + (i % 300)));
                incident.RecordFirstResponse(at.AddHours(1 + (i % 30)));
                incident.MoveTo(IncidentState.Open, "analyst@csirt.test", null, at.AddHours(31));
                incident.MoveTo(IncidentState.Resolved, "analyst@csirt.test", null, at.AddHours(40 + (i % 200)));
                db.Incidents.Add(incident);
                if (i % 5000 == 4999)
                {
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                }
            }
        }
        app.Time.SetUtcNow(start.AddMonths(24));
        await using (var scope = app.Scope())
        {
            var metrics = scope.ServiceProvider.GetRequiredService<SlaMetricsService>();
            var admin = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, "admin")], "test"));
            var watch = Stopwatch.StartNew();
            var result = await metrics.ComputeAsync(admin, new MonthRange(new YearMonth(2025, 1), new YearMonth(2026, 12)), SlaGrouping.Month, ct);
            watch.Stop();
            TestContext.Current.SendDiagnosticMessage($"100k incidents, 24 months: {watch.ElapsedMilliseconds} ms");
            Assert.Equal(100_000, result.Total.Incidents);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{watch.Elapsed}");
        }
    }
}
