using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Vigie.Data;
using Vigie.Web;

namespace Vigie.Features.Audit;

/// <summary><c>GET /api/v1/audit</c> and the CSV export (<c>/audit/export.csv</c>), for auditors and admins (docs/audit.md).</summary>
public static class AuditApi
{
    /// <summary>At most this many rows in one CSV file; narrow the filters for more.</summary>
    public const int MaxExportRows = 100_000;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", List).WithTags("Audit").RequireAuthorization(AuditSetup.Policy)
            .WithSummary("Audit log entries, newest first, with filters (actor, action, objectKind, objectId, from, to) and keyset paging (before, limit ≤ 500).")
            .WithDescription("from/to: yyyy-MM-dd (a day in the team's time zone; 'to' includes that day) or an ISO 8601 instant. next: pass it as 'before' for the following page.");
        app.MapGet("/audit/export.csv", ExportCsv).RequireAuthorization(AuditSetup.Policy).WithTags("Audit")
            .Audited(AuditActions.Export, "audit-log")
            .WithSummary("The entries matching the same filters as CSV (UTF-8, newest first, at most 100,000 rows); the export is itself recorded.");
        return app;
    }

    internal static async Task<Results<Ok<AuditPageDto>, ProblemHttpResult>> List(string? actor, string? action, string? objectKind, string? objectId,
        string? from, string? to, long? before, int? limit, VigieDb db, TeamTime clock, IStringLocalizer<AuditText> text, CancellationToken ct)
    {
        var filter = AuditFilter.Parse(actor, action, objectKind, objectId, from, to, before, limit, clock, text);
        if (!filter.IsSuccess)
        {
            return filter.Error!.ToProblem();
        }
        var page = await PageAsync(db, filter.Value!, ct);
        return TypedResults.Ok(page);
    }

    internal static async Task<AuditPageDto> PageAsync(VigieDb db, AuditFilter filter, CancellationToken ct)
    {
        var rows = await filter.Apply(db.Set<AuditEntry>().AsNoTracking()).Take(filter.Limit + 1).ToListAsync(ct);
        var more = rows.Count > filter.Limit;
        var items = rows.Take(filter.Limit).Select(AuditEntryDto.Of).ToList();
        return new AuditPageDto(items, more ? items[^1].Sequence : null);
    }

    internal static async Task<IResult> ExportCsv(string? actor, string? action, string? objectKind, string? objectId, string? from, string? to,
        VigieDb db, TeamTime clock, IStringLocalizer<AuditText> text, HttpContext http, CancellationToken ct)
    {
        var filter = AuditFilter.Parse(actor, action, objectKind, objectId, from, to, null, null, clock, text);
        if (!filter.IsSuccess)
        {
            return filter.Error!.ToProblem();
        }
        var rows = await filter.Value!.Apply(db.Set<AuditEntry>().AsNoTracking()).Take(MaxExportRows).ToListAsync(ct);
        var csv = Write(rows.Select(AuditEntryDto.Of));
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8",
            $"audit-{clock.FormatDate(clock.Now)}.csv");
    }

    /// <summary>One header row (the API's field names), instants in ISO 8601 UTC.</summary>
    internal static string Write(IEnumerable<AuditEntryDto> entries)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = new CsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // A value starting with = + - @ would run as a formula in a spreadsheet: CsvHelper escapes it.
            InjectionOptions = CsvHelper.Configuration.InjectionOptions.Escape,
        });
        foreach (var header in new[] { "sequence", "at", "actorId", "actor", "clientIp", "action", "objectKind", "objectId", "outcome", "detail", "prevHash", "hash" })
        {
            csv.WriteField(header);
        }
        csv.NextRecord();
        foreach (var e in entries)
        {
            csv.WriteField(e.Sequence);
            csv.WriteField(AuditEntry.FormatInstant(e.At));
            csv.WriteField(e.ActorId?.ToString("D"));
            csv.WriteField(e.Actor);
            csv.WriteField(e.ClientIp);
            csv.WriteField(e.Action);
            csv.WriteField(e.ObjectKind);
            csv.WriteField(e.ObjectId);
            csv.WriteField(e.Outcome);
            csv.WriteField(e.Detail);
            csv.WriteField(e.PrevHash);
            csv.WriteField(e.Hash);
            csv.NextRecord();
        }
        csv.Flush();
        return writer.ToString();
    }
}
