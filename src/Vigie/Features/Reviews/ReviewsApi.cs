using Vigie.Features.Audit;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Web;

namespace Vigie.Features.Reviews;

public sealed record RecommendationDto(string Text, string? Owner, DateOnly? DueOn, string Status);

public sealed record ReviewDto(string? TimelineSummary, string? RootCause, string? WhatWorked, string? WhatDidNotWork, string? PreventiveMeasures,
    string? Lessons, IReadOnlyList<RecommendationDto> Recommendations, bool Complete, DateTimeOffset? CompletedAt, string? CompletedBy,
    string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>
/// The post-incident review (<c>/api/v1/incidents/{key}/review</c>) and the closure report
/// (<c>/incidents/{number}/report</c> as printable HTML, <c>/incidents/{number}/report.pdf</c>).
/// </summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents/{key}/review").WithTags("Reviews").RequireAuthorization(Policies.Read);
        group.MapGet("/", Get).WithSummary("The incident's post-incident review (404 when none was written yet).");
        group.MapPut("/", Put).RequireAuthorization(Policies.Write)
            .WithSummary("Write the whole review; complete: true marks it complete (needed to close a P1/P2 incident), false reopens it.");
        app.MapGet("/incidents/{number}/report", ReportHtml).RequireAuthorization(Policies.Read).Audited("export", "closure-report", "number")
            .WithTags("Reviews").WithSummary("The closure report as printable HTML (?lang=fr|en, &redact=true removes reporter personal data).");
        app.MapGet("/incidents/{number}/report.pdf", ReportPdf).RequireAuthorization(Policies.Read).Audited("export", "closure-report", "number")
            .WithTags("Reviews").WithSummary("The closure report as PDF, printed by headless Chromium from the same HTML.");
        return app;
    }

    internal static async Task<Results<Ok<ReviewDto>, ProblemHttpResult>> Get(string key, VigieDb db, ReviewService reviews, ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        return await reviews.FindAsync(incident.Id, ct) is { } review
            ? TypedResults.Ok(review.ToDto())
            : Error.NotFound($"The review of incident {incident.Number}").ToProblem();
    }

    internal static async Task<Results<Ok<ReviewDto>, ProblemHttpResult>> Put(string key, ReviewRequest request, VigieDb db, ReviewService reviews,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        if (!user.CanChange(incident))
        {
            return new Error(ErrorKind.Forbidden, "forbidden", "You may not change this incident.").ToProblem();
        }
        var saved = await reviews.SaveAsync(incident, request, user.Actor(), ct);
        return saved.IsSuccess ? TypedResults.Ok(saved.Value!.ToDto()) : saved.Error!.ToProblem();
    }

    internal static async Task<IResult> ReportHtml(string number, string? lang, bool? redact, HttpContext http, VigieDb db,
        ClosureReportService reports, ClaimsPrincipal user, CancellationToken ct)
    {
        if (ReportCulture(lang) is not { } culture)
        {
            return BadLanguage(lang);
        }
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(number, ct) is not { } incident)
        {
            return Results.NotFound();
        }
        var words = new ReportWords(culture);
        var report = await reports.BuildAsync(incident, words, redact == true, user.Actor(), ct);
        var html = await reports.RenderHtmlAsync(report, culture, forScreen: true);
        await reports.RecordExportAsync(incident, "html", words.Language, redact == true, user.Actor(), http.Connection.RemoteIpAddress, ct);
        Protect(http);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    internal static async Task<IResult> ReportPdf(string number, string? lang, bool? redact, HttpContext http, VigieDb db,
        ClosureReportService reports, PdfRenderer pdf, ClaimsPrincipal user, CancellationToken ct)
    {
        if (ReportCulture(lang) is not { } culture)
        {
            return BadLanguage(lang);
        }
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(number, ct) is not { } incident)
        {
            return Results.NotFound();
        }
        var words = new ReportWords(culture);
        var report = await reports.BuildAsync(incident, words, redact == true, user.Actor(), ct);
        var html = await reports.RenderHtmlAsync(report, culture, forScreen: false);
        var printed = await pdf.RenderAsync(html, ct);
        Protect(http);
        if (!printed.IsSuccess)
        {
            return Results.Content(FailurePage(words, printed.Failure!.Value, pdf.Executable, incident.Number, redact == true),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        await reports.RecordExportAsync(incident, "pdf", words.Language, redact == true, user.Actor(), http.Connection.RemoteIpAddress, ct);
        var name = $"{incident.Number}-{words["Report.FileName"]}-{words.Language}{(redact == true ? "-redacted" : "")}.pdf";
        return Results.File(printed.Pdf!, "application/pdf", name);
    }

    /// <summary>The report's language is its own (?lang=fr|en), independent of the reader's UI language, which is only the default.</summary>
    private static CultureInfo? ReportCulture(string? lang) =>
        lang is null ? ReportWords.CultureOf(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ?? CultureInfo.GetCultureInfo("fr")
            : ReportWords.CultureOf(lang);

    private static IResult BadLanguage(string? lang) =>
        Results.Content($"lang must be fr or en, not '{lang}'.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>
    /// TLP-marked content: nothing cached on the way, and a stricter policy than the pages' own (nothing
    /// loaded at all). Every response is already nosniff, unframed and without referrer (WebSetup).
    /// </summary>
    private static void Protect(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";
    }

    private static string FailurePage(ReportWords w, PdfFailure failure, string executable, string number, bool redact)
    {
        var e = HtmlEncoder.Default;
        var reason = failure switch
        {
            PdfFailure.ChromiumMissing => w.Format("Pdf.Missing", executable),
            PdfFailure.TimedOut => w["Pdf.TimedOut"],
            _ => w["Pdf.Failed"],
        };
        var html = $"/incidents/{Uri.EscapeDataString(number)}/report?lang={w.Language}{(redact ? "&redact=true" : "")}";
        return $$"""
            <!DOCTYPE html>
            <html lang="{{w.Language}}"><head><meta charset="utf-8" /><title>{{e.Encode(w["Pdf.Title"])}}</title>
            <style>body{font-family:"DejaVu Sans",sans-serif;max-width:40rem;margin:3rem auto;color:#1d2330;line-height:1.5}
            .alert{border:1px solid #fecdca;background:#fef3f2;color:#b42318;padding:.75rem 1rem;border-radius:6px}</style></head>
            <body><h1>{{e.Encode(w["Pdf.Title"])}}</h1><p class="alert" id="pdf-error">{{e.Encode(reason)}}</p>
            <p><a href="{{e.Encode(html)}}">{{e.Encode(w["Pdf.UseHtml"])}}</a></p></body></html>
            """;
    }

    internal static ReviewDto ToDto(this IncidentReview r) =>
        new(r.TimelineSummary, r.RootCause, r.WhatWorked, r.WhatDidNotWork, r.PreventiveMeasures, r.Lessons,
            [.. r.Recommendations.OrderBy(x => x.Position).Select(x => new RecommendationDto(x.Text, x.Owner, x.DueOn, EnumWords.ToWord(x.Status)))],
            r.IsComplete, r.CompletedAt, r.CompletedBy, r.UpdatedBy, r.UpdatedAt);
}

public static class ReviewSetup
{
    public static WebApplicationBuilder AddReviews(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PdfOptions>().BindConfiguration(PdfOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Chromium), "Vigie:Pdf:Chromium must name the Chromium executable.")
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 600, "Vigie:Pdf:TimeoutSeconds must be between 1 and 600.")
            .Validate(o => o.MaxConcurrent is >= 1 and <= 16, "Vigie:Pdf:MaxConcurrent must be between 1 and 16.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PdfRenderer>();
        builder.Services.AddScoped<ReviewService>();
        builder.Services.AddScoped<ClosureReportService>();
        return builder;
    }
}
