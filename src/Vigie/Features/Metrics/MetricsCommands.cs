using System.CommandLine;
using System.Globalization;
using System.Security.Claims;
using Vigie.Cli;
using Vigie.Core.Metrics;

namespace Vigie.Features.Metrics;

/// <summary><c>vigie metrics sla --month 2026-11 [--format text|csv|summary-csv] [--lang fr|en]</c> (docs/metrics.md).</summary>
public static class MetricsCommands
{
    public static Command Build()
    {
        var month = new Option<string>("--month") { Description = "The month, yyyy-MM (team time zone), e.g. 2026-11.", Required = true };
        var format = new Option<string>("--format") { Description = "text (default), csv (one row per incident) or summary-csv (one row per group).", DefaultValueFactory = _ => "text" };
        var lang = new Option<string>("--lang") { Description = "Language of the text output and group labels: fr (default) or en.", DefaultValueFactory = _ => "fr" };
        var sla = new Command("sla", "The SLA metrics of a month: compliance, times to acknowledge, respond, contain and resolve. Counts every incident (an operator's view).")
        {
            month, format, lang,
        };
        sla.SetAction(async (parse, ct) =>
        {
            if (SlaMetrics.ParseMonth(parse.GetValue(month)) is not { } m)
            {
                return Fail($"'{parse.GetValue(month)}' is not a month: write it yyyy-MM, e.g. 2026-11.");
            }
            if (MetricsWords.CultureOf(parse.GetValue(lang)) is not { } culture)
            {
                return Fail("--lang must be fr or en.");
            }
            var kind = parse.GetValue(format)?.Trim().ToLowerInvariant();
            if (kind is not ("text" or "csv" or "summary-csv"))
            {
                return Fail("--format must be text, csv or summary-csv.");
            }
            await using var app = VigieCli.BuildHost(parse);
            await using var scope = app.Services.CreateAsyncScope();
            var reports = scope.ServiceProvider.GetRequiredService<SlaReportService>();
            // Whoever runs the CLI reads the database directly: the figures count every incident, TLP:RED included.
            var operator_ = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "cli"), new Claim(ClaimTypes.Role, "admin")], "cli", ClaimTypes.Name, ClaimTypes.Role));
            var words = new MetricsWords(culture);
            var report = await reports.BuildAsync(operator_, m, words, "cli", ct);
            Console.Out.Write(kind switch
            {
                "csv" => SlaReportService.IncidentsCsv(report),
                "summary-csv" => SlaReportService.SummaryCsv(report),
                _ => Text(report, words),
            });
            return 0;
        });
        return new Command("metrics", "Metrics of the team's work.") { sla };
    }

    private static string Text(SlaMonthReport r, MetricsWords w)
    {
        var t = r.Total;
        var lines = new List<string>
        {
            w.Format("Report.Title", w.MonthName(r.Month)),
            $"{w["Report.Received"]}: {t.Incidents}",
            $"{w["Metric.FirstResponseCompliance"]}: {w.Percent(t.FirstResponseCompliance.Percent)} ({w.Format("Report.MetMissedPending", t.FirstResponseCompliance.Met, t.FirstResponseCompliance.Missed, t.FirstResponseCompliance.Pending)})",
            $"{w["Metric.ResolutionCompliance"]}: {w.Percent(t.ResolutionCompliance.Percent)} ({w.Format("Report.MetMissedPending", t.ResolutionCompliance.Met, t.ResolutionCompliance.Missed, t.ResolutionCompliance.Pending)})",
        };
        foreach (var (key, m) in new[] { ("Acknowledge", t.Acknowledge), ("FirstResponse", t.FirstResponse), ("Containment", t.Containment), ("Resolution", t.Resolution) })
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{w["Milestone." + key]} (n={m.Count}): {w["Report.Mean"]} {DurationText.Human(m.Business?.Mean)} / {DurationText.Human(m.Clock?.Mean)}, {w["Report.Median"]} {DurationText.Human(m.Business?.Median)} / {DurationText.Human(m.Clock?.Median)}, P90 {DurationText.Human(m.Business?.P90)} / {DurationText.Human(m.Clock?.P90)} ({w["Report.BusinessTime"]} / {w["Report.ClockTime"]})"));
        }
        lines.Add($"{w["Report.Breached"]}: {string.Join(", ", r.Breached.Select(i => i.Facts.Number))}");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }
}
