using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;

namespace Vigie.Features.Triage;

/// <summary>The filters of the triage queue (all optional).</summary>
/// <param name="Kind">incidentReport, request, reply, bounce (or "report" for incidentReport).</param>
/// <param name="Flagged">Only flagged (true) or only clean (false) reports.</param>
/// <param name="Constituent">Only reports whose suggested constituent is this one.</param>
/// <param name="Format">arf, xarf, shadowserver, dsn; "none" for free text.</param>
/// <param name="After">The cursor of the previous page.</param>
/// <param name="Limit">Rows per page (1 to 500).</param>
public sealed record QueueFilter(string? Kind, bool? Flagged, Guid? Constituent, string? Format, string? After, int Limit = 50);

/// <summary>One row of the queue: the report and what the table shows beside it.</summary>
public sealed record QueueRow(Report Report, int ObservableCount, IReadOnlyList<(ObservableKind Kind, string Value)> FirstObservables);

/// <summary>A page of the queue, newest first; <see cref="Next"/> is the cursor of the following page.</summary>
public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, string? Next, IReadOnlyDictionary<Guid, string> ConstituentNames,
    IReadOnlyDictionary<Guid, string> SignerNames);

/// <summary>
/// The triage queue: reports read by intake (processed, or failed and shown flagged) that no analyst has
/// decided about yet, newest first, paged by keyset (received-at, id) so a page costs the same at any
/// depth; served by the (triage, received_at) index.
/// </summary>
public static class TriageQueue
{
    public const int ShownObservables = 3;

    public static IQueryable<Report> Pending(this IQueryable<Report> reports) =>
        reports.Where(r => r.Triage == TriageStatus.Pending && (r.Status == ReportStatus.Processed || r.Status == ReportStatus.Failed));

    public static bool TryParseKind(string? word, out ReportKind kind)
    {
        if (string.Equals(word, "report", StringComparison.OrdinalIgnoreCase))
        {
            kind = ReportKind.IncidentReport;
            return true;
        }
        return Core.EnumWords.TryParse(word, out kind);
    }

    public static async Task<QueuePage> LoadAsync(VigieDb db, QueueFilter filter, CancellationToken ct)
    {
        // Pending reports are never attached to an incident (attaching makes them Linked), so no visibility rule applies.
        var query = db.Reports.AsNoTracking().Pending();
        if (TryParseKind(filter.Kind, out var kind))
        {
            query = query.Where(r => r.Kind == kind);
        }
        if (filter.Flagged is { } flagged)
        {
            query = flagged ? query.Where(r => r.Flagged || r.Status == ReportStatus.Failed) : query.Where(r => !r.Flagged && r.Status != ReportStatus.Failed);
        }
        if (filter.Constituent is { } cid)
        {
            query = query.Where(r => r.SuggestedConstituentId == cid);
        }
        if (filter.Format is { Length: > 0 } format)
        {
            query = format == "none" ? query.Where(r => r.Format == null) : query.Where(r => r.Format == format);
        }
        if (ParseCursor(filter.After) is var (at, id))
        {
            query = query.Where(r => r.ReceivedAt < at || (r.ReceivedAt == at && r.Id.CompareTo(id) < 0));
        }
        var limit = Math.Clamp(filter.Limit, 1, 500);
        var page = await query.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id)
            .Take(limit + 1).ToListAsync(ct);
        // Observables in separate, index-bound queries: projecting "the first three of each report" in the
        // page query made EF number every observable of the table (ROW_NUMBER over 3 million rows: 7 s).
        var ids = page.Take(limit).Select(r => r.Id).ToList();
        var counts = ids.Count == 0 ? new Dictionary<Guid, int>()
            : await db.ReportObservables.AsNoTracking().Where(o => ids.Contains(o.ReportId))
                .GroupBy(o => o.ReportId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var rows = new List<QueueRow>(ids.Count);
        foreach (var report in page.Take(limit))
        {
            var first = counts.GetValueOrDefault(report.Id) == 0 ? []
                : await db.ReportObservables.AsNoTracking().Where(o => o.ReportId == report.Id)
                    .OrderBy(o => o.Location).ThenBy(o => o.Start).Take(ShownObservables)
                    .Select(o => new { o.Kind, o.Value }).ToListAsync(ct);
            rows.Add(new QueueRow(report, counts.GetValueOrDefault(report.Id), [.. first.Select(o => (o.Kind, o.Value))]));
        }
        var next = page.Count > limit ? Cursor(page[limit - 1]) : null;

        var constituentIds = rows.Select(r => r.Report.SuggestedConstituentId).OfType<Guid>().Distinct().ToList();
        var names = constituentIds.Count == 0 ? new Dictionary<Guid, string>()
            : await db.Constituents.AsNoTracking().Where(c => constituentIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var signerIds = rows.Select(r => r.Report.SignerContactId).OfType<Guid>().Distinct().ToList();
        var signers = signerIds.Count == 0 ? new Dictionary<Guid, string>()
            : await db.Contacts.AsNoTracking().Where(c => signerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return new QueuePage(rows, next, names, signers);
    }

    /// <summary>"ticks-guid": the last row's position, opaque to clients.</summary>
    public static string Cursor(Report r) =>
        r.ReceivedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "-" + r.Id.ToString("N");

    public static (DateTimeOffset At, Guid Id)? ParseCursor(string? cursor)
    {
        var parts = cursor?.Split('-', 2);
        return parts is [var ticks, var id]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is >= 0 and <= 3155378975999999999
            && Guid.TryParseExact(id, "N", out var g)
            ? (new DateTimeOffset(t, TimeSpan.Zero), g)
            : null;
    }
}
