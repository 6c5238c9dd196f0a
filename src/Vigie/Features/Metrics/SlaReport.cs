using System.Globalization;
using System.Security.Claims;
using CsvHelper;
using Vigie.Core.Incidents;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Vigie.Core.Metrics;
using Vigie.Data;
using Vigie.Features.Metrics.Pages;
using Vigie.Features.TeamProfile;
using Vigie.Web;

namespace Vigie.Features.Metrics;

/// <summary>A group of the report with its readable label.</summary>
public sealed record LabelledGroup(string Label, GroupMetrics Metrics);

/// <summary>One incident of the month as the report lists it.</summary>
public sealed record ReportIncident(IncidentMeasure Measure, string? Constituent)
{
    public SlaFacts Facts => Measure.Facts;

    public bool Breached => Measure.FirstResponseOutcome == SlaOutcome.Missed || Measure.ResolutionOutcome == SlaOutcome.Missed;
}

/// <summary>
/// The monthly SLA report (docs/metrics.md): the month's figures, compliance by priority, RSIT class
/// and constituent, the six-month trend, and the incidents, for the page, the HTML/PDF document
/// and the CSV files — one model, so all say the same thing.
/// </summary>
public sealed record SlaMonthReport(
    string TeamName, YearMonth Month, string TimeZone, GroupMetrics Total, IReadOnlyList<LabelledGroup> ByPriority,
    IReadOnlyList<LabelledGroup> ByClass, IReadOnlyList<LabelledGroup> ByConstituent, IReadOnlyList<LabelledGroup> Trend,
    IReadOnlyList<ReportIncident> Incidents, DateTimeOffset GeneratedAt, string GeneratedBy)
{
    public string MonthKey => SlaMetrics.MonthKey(Month);

    public IEnumerable<ReportIncident> Breached => Incidents.Where(i => i.Breached);

    /// <summary>The most restrictive TLP of the incidents the report lists (its own marking), or null when it lists none.</summary>
    public Core.Incidents.Tlp? HighestTlp => Incidents.Count == 0 ? null : Incidents.Max(i => i.Facts.Tlp);
}

/// <summary>Builds the monthly report and writes it as HTML (self-contained) and CSV.</summary>
public sealed class SlaReportService(VigieDb db, SlaMetricsService metrics, IOptions<TeamProfileOptions> team, TimeProvider time,
    TeamTime clock, IServiceProvider services, ILoggerFactory loggers)
{
    public const int TrendMonths = 6;

    public async Task<SlaMonthReport> BuildAsync(ClaimsPrincipal user, YearMonth month, MetricsWords words, string actor, CancellationToken ct)
    {
        var range = new MonthRange(month.PlusMonths(-(TrendMonths - 1)), month);
        var all = await metrics.MeasureAsync(user, range, ct);
        var trendGroups = SlaMetrics.Group(all, SlaGrouping.Month, range.Months);
        var ofMonth = all.Where(m => m.Month == month).ToList();

        async Task<IReadOnlyList<LabelledGroup>> Grouped(SlaGrouping by)
        {
            var groups = SlaMetrics.Group(ofMonth, by);
            var labels = await metrics.LabelsAsync(groups.Select(g => g.Key), by, words.Culture, ct);
            return [.. groups.Select(g => new LabelledGroup(labels[g.Key], g))];
        }

        var constituentIds = ofMonth.Where(m => m.Facts.ConstituentId is not null).Select(m => m.Facts.ConstituentId!.Value).Distinct().ToList();
        var names = constituentIds.Count == 0 ? []
            : await db.Constituents.AsNoTracking().Where(c => constituentIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new SlaMonthReport(team.Value.Name, month, metrics.Calendar.Zone.Id, SlaMetrics.Summarise(SlaMetrics.MonthKey(month), ofMonth),
            await Grouped(SlaGrouping.Priority), await Grouped(SlaGrouping.Class), await Grouped(SlaGrouping.Constituent),
            [.. trendGroups.Select(g => new LabelledGroup(words.ShortMonth(SlaMetrics.ParseMonth(g.Key)!.Value), g))],
            [.. ofMonth.Select(m => new ReportIncident(m, m.Facts.ConstituentId is { } id ? names.GetValueOrDefault(id) : null))],
            time.GetUtcNow(), actor);
    }

    /// <summary>The report as one self-contained HTML document (inline CSS and SVG, no script, nothing remote).</summary>
    public async Task<string> RenderHtmlAsync(SlaMonthReport report, MetricsWords words)
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<SlaReportDocument>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(SlaReportDocument.Report)] = report,
                [nameof(SlaReportDocument.Words)] = words,
                [nameof(SlaReportDocument.Clock)] = clock,
            }));
            return output.ToHtmlString();
        });
    }

    private static CsvConfiguration CsvSettings => new(CultureInfo.InvariantCulture)
    {
        // A title starting with =, +, - or @ must not become a formula in a spreadsheet.
        InjectionOptions = InjectionOptions.Escape,
    };

    /// <summary>One row per incident of the month: milestones (UTC, ISO 8601), durations in seconds, outcomes.</summary>
    public static string IncidentsCsv(SlaMonthReport report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CsvSettings);
        foreach (var h in new[]
        {
            "number", "title", "priority", "rsit_class", "constituent", "state", "tlp", "received_at", "acknowledged_at", "first_responded_at",
            "contained_at", "resolved_at", "first_response_due_at", "resolution_due_at",
            "acknowledge_business_s", "acknowledge_clock_s", "first_response_business_s", "first_response_clock_s",
            "containment_business_s", "containment_clock_s", "resolution_business_s", "resolution_clock_s",
            "first_response_outcome", "resolution_outcome",
        })
        {
            csv.WriteField(h);
        }
        csv.NextRecord();
        static string? At(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        static string? Seconds(Duration? d) => d is { } v ? DurationText.Seconds(v).ToString(CultureInfo.InvariantCulture) : null;
        foreach (var i in report.Incidents)
        {
            var f = i.Facts;
            var m = i.Measure;
            foreach (var field in new[]
            {
                f.Number, f.Title, f.Priority.ToString(), f.RsitClass, i.Constituent, Core.Incidents.IncidentStateMachine.ToWire(f.State), f.Tlp.ToLabel(),
                At(f.ReceivedAt), At(f.AcknowledgedAt), At(f.FirstRespondedAt), At(f.ContainedAt), At(f.ResolvedAt), At(f.FirstResponseDueAt), At(f.ResolutionDueAt),
                Seconds(m.Acknowledge?.Business), Seconds(m.Acknowledge?.Clock), Seconds(m.FirstResponse?.Business), Seconds(m.FirstResponse?.Clock),
                Seconds(m.Containment?.Business), Seconds(m.Containment?.Clock), Seconds(m.Resolution?.Business), Seconds(m.Resolution?.Clock),
                Outcome(m.FirstResponseOutcome), Outcome(m.ResolutionOutcome),
            })
            {
                csv.WriteField(field);
            }
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }

    /// <summary>One row per group (all, each priority, class and constituent): counts, compliance, mean and median times in seconds.</summary>
    public static string SummaryCsv(SlaMonthReport report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(text, CsvSettings);
        foreach (var h in new[]
        {
            "month", "group_by", "group", "incidents", "first_response_met", "first_response_missed", "first_response_pending", "first_response_compliance_pct",
            "resolution_met", "resolution_missed", "resolution_pending", "resolution_compliance_pct",
            "mtta_business_s", "mtta_clock_s", "median_tta_business_s", "mean_first_response_business_s", "mean_first_response_clock_s",
            "mean_containment_business_s", "mean_containment_clock_s", "mttr_business_s", "mttr_clock_s", "median_ttr_business_s", "p90_ttr_business_s",
        })
        {
            csv.WriteField(h);
        }
        csv.NextRecord();
        static string? S(Duration? d) => d is { } v ? DurationText.Seconds(v).ToString(CultureInfo.InvariantCulture) : null;
        static string? P(double? p) => p?.ToString("0.0", CultureInfo.InvariantCulture);
        var rows = new[] { ("all", new LabelledGroup("all", report.Total)) }
            .Concat(report.ByPriority.Select(g => ("priority", g)))
            .Concat(report.ByClass.Select(g => ("class", g)))
            .Concat(report.ByConstituent.Select(g => ("constituent", g)));
        foreach (var (by, (label, g)) in rows)
        {
            foreach (var field in new[]
            {
                report.MonthKey, by, label, g.Incidents.ToString(CultureInfo.InvariantCulture),
                g.FirstResponseCompliance.Met.ToString(CultureInfo.InvariantCulture), g.FirstResponseCompliance.Missed.ToString(CultureInfo.InvariantCulture),
                g.FirstResponseCompliance.Pending.ToString(CultureInfo.InvariantCulture), P(g.FirstResponseCompliance.Percent),
                g.ResolutionCompliance.Met.ToString(CultureInfo.InvariantCulture), g.ResolutionCompliance.Missed.ToString(CultureInfo.InvariantCulture),
                g.ResolutionCompliance.Pending.ToString(CultureInfo.InvariantCulture), P(g.ResolutionCompliance.Percent),
                S(g.Acknowledge.Business?.Mean), S(g.Acknowledge.Clock?.Mean), S(g.Acknowledge.Business?.Median),
                S(g.FirstResponse.Business?.Mean), S(g.FirstResponse.Clock?.Mean), S(g.Containment.Business?.Mean), S(g.Containment.Clock?.Mean),
                S(g.Resolution.Business?.Mean), S(g.Resolution.Clock?.Mean), S(g.Resolution.Business?.Median), S(g.Resolution.Business?.P90),
            })
            {
                csv.WriteField(field);
            }
            csv.NextRecord();
        }
        csv.Flush();
        return text.ToString();
    }

    public static string Outcome(SlaOutcome outcome) => outcome switch
    {
        SlaOutcome.Met => "met",
        SlaOutcome.Missed => "missed",
        SlaOutcome.Pending => "pending",
        _ => "n/a",
    };
}
