using Vigie.Features.Audit;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Vigie.Core;
using Vigie.Core.Metrics;
using Vigie.Features.Identity;
using Vigie.Features.Reviews;
using Vigie.Web;

namespace Vigie.Features.Metrics;

public sealed record DurationDto(long Seconds, string Iso);

public sealed record DurationSummaryDto(DurationDto Mean, DurationDto Median, DurationDto P90);

public sealed record MilestoneDto(int Count, DurationSummaryDto? Business, DurationSummaryDto? Clock);

public sealed record ComplianceDto(int Met, int Missed, int Pending, double? Percent);

public sealed record SlaGroupDto(string Key, string Label, int Incidents, MilestoneDto Acknowledge, MilestoneDto FirstResponse,
    MilestoneDto Containment, MilestoneDto Resolution, ComplianceDto FirstResponseCompliance, ComplianceDto ResolutionCompliance);

public sealed record SlaMetricsDto(string From, string To, string GroupBy, string TimeZone, DateTimeOffset GeneratedAt, SlaGroupDto Total,
    IReadOnlyList<SlaGroupDto> Groups);

/// <summary>
/// SLA metrics (<c>GET /api/v1/metrics/sla</c>) and the monthly report's downloads
/// (<c>/reports/sla/{yyyy-MM}/report.html|report.pdf|incidents.csv|summary.csv</c>); docs/metrics.md.
/// </summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/metrics/sla", Sla).RequireAuthorization(Policies.Read).WithTags("Metrics")
            .WithSummary("SLA metrics of the incidents you may see, received from one month to another (yyyy-MM, at most 24 months; default the last 6), grouped by month, priority, class or constituent.");
        var reports = app.MapGroup("/reports/sla/{month}").RequireAuthorization(Policies.Read).WithTags("Metrics").Audited("export", "sla-report", "month");
        reports.MapGet("/report.html", Html).WithSummary("The monthly SLA report as one self-contained HTML file (?lang=fr|en).");
        reports.MapGet("/report.pdf", Pdf).WithSummary("The monthly SLA report as PDF (?lang=fr|en), printed by headless Chromium.");
        reports.MapGet("/incidents.csv", IncidentsCsv).WithSummary("One row per incident of the month: milestones, durations in seconds, outcomes.");
        reports.MapGet("/summary.csv", SummaryCsv).WithSummary("One row per group of the month (all, priority, RSIT class, constituent).");
        return app;
    }

    internal static async Task<Results<Ok<SlaMetricsDto>, ProblemHttpResult>> Sla(string? from, string? to, string? groupBy,
        SlaMetricsService metrics, ClaimsPrincipal user, CancellationToken ct)
    {
        var range = metrics.ParseRange(from, to);
        if (!range.IsSuccess)
        {
            return range.Error!.ToProblem();
        }
        var by = SlaMetricsService.ParseGrouping(groupBy);
        if (!by.IsSuccess)
        {
            return by.Error!.ToProblem();
        }
        var result = await metrics.ComputeAsync(user, range.Value, by.Value, ct);
        return TypedResults.Ok(new SlaMetricsDto(SlaMetrics.MonthKey(result.Range.From), SlaMetrics.MonthKey(result.Range.To),
            EnumWords.ToWord(result.GroupBy), result.TimeZone, result.GeneratedAt, ToDto(result.Total, "all"),
            [.. result.Groups.Select(g => ToDto(g, result.Labels.GetValueOrDefault(g.Key, g.Key)))]));
    }

    internal static async Task<IResult> Html(string month, string? lang, HttpContext http, SlaReportService reports, ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (Check(month, lang) is { } bad)
        {
            return bad.Problem;
        }
        var (m, words) = Parse(month, lang);
        var report = await reports.BuildAsync(user, m, words, user.Actor(), ct);
        var html = await reports.RenderHtmlAsync(report, words);
        Protect(http);
        return Results.File(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"sla-{report.MonthKey}-{words.Language}.html");
    }

    internal static async Task<IResult> Pdf(string month, string? lang, HttpContext http, SlaReportService reports, PdfRenderer pdf,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (Check(month, lang) is { } bad)
        {
            return bad.Problem;
        }
        var (m, words) = Parse(month, lang);
        var report = await reports.BuildAsync(user, m, words, user.Actor(), ct);
        var html = await reports.RenderHtmlAsync(report, words);
        var printed = await pdf.RenderAsync(html, ct);
        Protect(http);
        if (!printed.IsSuccess)
        {
            var reason = printed.Failure == PdfFailure.ChromiumMissing ? words.Format("Pdf.Missing", pdf.Executable) : words["Pdf.Failed"];
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status503ServiceUnavailable, title: words["Pdf.Title"],
                extensions: new Dictionary<string, object?> { ["code"] = "pdf-unavailable" });
        }
        return Results.File(printed.Pdf!, "application/pdf", $"sla-{report.MonthKey}-{words.Language}.pdf");
    }

    internal static async Task<IResult> IncidentsCsv(string month, string? lang, HttpContext http, SlaReportService reports, ClaimsPrincipal user,
        CancellationToken ct) => await Csv(month, lang, http, reports, user, "incidents", SlaReportService.IncidentsCsv, ct);

    internal static async Task<IResult> SummaryCsv(string month, string? lang, HttpContext http, SlaReportService reports, ClaimsPrincipal user,
        CancellationToken ct) => await Csv(month, lang, http, reports, user, "summary", SlaReportService.SummaryCsv, ct);

    private static async Task<IResult> Csv(string month, string? lang, HttpContext http, SlaReportService reports, ClaimsPrincipal user, string name,
        Func<SlaMonthReport, string> write, CancellationToken ct)
    {
        if (Check(month, lang) is { } bad)
        {
            return bad.Problem;
        }
        var (m, words) = Parse(month, lang);
        var report = await reports.BuildAsync(user, m, words, user.Actor(), ct);
        Protect(http);
        return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(write(report))).ToArray(), "text/csv; charset=utf-8",
            $"sla-{report.MonthKey}-{name}.csv");
    }

    private sealed record BadRequest(IResult Problem);

    private static BadRequest? Check(string month, string? lang)
    {
        if (SlaMetrics.ParseMonth(month) is null)
        {
            return new(Error.Validation("month", $"'{month}' is not a month: write it yyyy-MM, e.g. 2026-11.").ToProblem());
        }
        if (lang is not null && MetricsWords.CultureOf(lang) is null)
        {
            return new(Error.Validation("lang", $"lang must be fr or en, not '{lang}'.").ToProblem());
        }
        return null;
    }

    private static (YearMonth Month, MetricsWords Words) Parse(string month, string? lang) =>
        (SlaMetrics.ParseMonth(month)!.Value, new MetricsWords(lang is null ? MetricsWords.Default : MetricsWords.CultureOf(lang)!));

    /// <summary>The report lists incident titles: nothing cached on the way, nothing loaded by the document.</summary>
    private static void Protect(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    }

    public static DurationDto ToDto(Duration d) => new(DurationText.Seconds(d), DurationText.Iso(d));

    private static DurationSummaryDto? ToDto(DurationSummary? s) => s is null ? null : new(ToDto(s.Mean), ToDto(s.Median), ToDto(s.P90));

    private static MilestoneDto ToDto(MilestoneStats m) => new(m.Count, ToDto(m.Business), ToDto(m.Clock));

    private static ComplianceDto ToDto(Compliance c) => new(c.Met, c.Missed, c.Pending, c.Percent);

    private static SlaGroupDto ToDto(GroupMetrics g, string label) => new(g.Key, label, g.Incidents, ToDto(g.Acknowledge), ToDto(g.FirstResponse),
        ToDto(g.Containment), ToDto(g.Resolution), ToDto(g.FirstResponseCompliance), ToDto(g.ResolutionCompliance));
}

public static class MetricsSetup
{
    public static IServiceCollection AddSlaMetrics(this IServiceCollection services) =>
        services.AddScoped<SlaMetricsService>().AddScoped<SlaReportService>();
}
