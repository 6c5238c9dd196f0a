using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Inventory;
using Vigie.Features.Vulnerabilities;
using Vigie.Web;

namespace Vigie.Features.Watch;

public sealed record WatchEntryDto(Guid Id, string CveId, string? Title, Guid ConstituentId, string Constituent, Guid InventoryItemId, string Product,
    string Confidence, string Evidence, string Outcome, DateTimeOffset Deadline, bool Kev, double? Epss, double? Cvss, string Decision,
    string? DecisionReason, string? DecidedBy, DateTimeOffset FirstSeenAt);

public sealed record WatchAlertDto(Guid Id, string Kind, string CveId, Guid ConstituentId, string Constituent, string Outcome, DateTimeOffset RaisedAt);

public sealed record DecisionRequest(string Decision, string? Reason);

/// <summary>The watch list (affected products, highest priority first), analysts' decisions, alerts and on-demand rematch.</summary>
public static class WatchApi
{
    public static IEndpointRouteBuilder MapWatch(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/watch").WithTags("Vulnerability watch").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("Affected inventory products, highest priority first (?constituent=, ?decision=open|confirmed|dismissed, ?kev=true, ?all=true includes matches no longer found).");
        group.MapPost("/{id:guid}/decision", Decide).RequireAuthorization(Policies.Write)
            .WithSummary("Confirm or dismiss a match ({decision: confirmed|dismissed|open, reason}); remembered across rematches.");
        group.MapGet("/alerts", Alerts).WithSummary("Alerts not yet acknowledged: KEV-listed or high-priority exposures.");
        group.MapPost("/alerts/{id:guid}/ack", Acknowledge).RequireAuthorization(Policies.Write).WithSummary("Acknowledge an alert.");
        group.MapPost("/rematch", Rematch).RequireAuthorization(Policies.Publish).WithSummary("Rematch every vulnerability against every inventory now.");
        return app;
    }

    /// <summary>The watch list query shared by the API and the page.</summary>
    internal static async Task<List<WatchEntryDto>> QueryAsync(VigieDb db, Guid? constituent, MatchDecision? decision, bool kevOnly, bool all, int limit, CancellationToken ct,
        string? cveId = null)
    {
        var query = db.Set<VulnerabilityMatch>().AsNoTracking().Where(m => all || m.Active);
        if (cveId is not null)
        {
            query = query.Where(m => m.CveId == cveId);
        }
        if (constituent is { } c)
        {
            query = query.Where(m => m.ConstituentId == c);
        }
        if (decision is { } d)
        {
            query = query.Where(m => m.Decision == d);
        }
        if (kevOnly)
        {
            query = query.Where(m => m.Kev);
        }
        var rows = await (from m in query
                          join i in db.Set<InventoryItem>().AsNoTracking() on m.InventoryItemId equals i.Id
                          join k in db.Constituents.AsNoTracking() on m.ConstituentId equals k.Id
                          join v in db.Set<Vulnerability>().AsNoTracking() on m.CveId equals v.Id
                          orderby m.Rank descending, m.Deadline, m.CveId
                          select new { m, i.Vendor, i.Product, i.Version, i.Cpe, i.Purl, Constituent = k.Name, v.Title })
            .Take(limit).ToListAsync(ct);
        return [.. rows.Select(r => new WatchEntryDto(r.m.Id, r.m.CveId, r.Title, r.m.ConstituentId, r.Constituent, r.m.InventoryItemId,
            string.Join(' ', new[] { r.Vendor, r.Product, r.Version }.Where(s => s is not null)) is { Length: > 0 } name ? name : r.Cpe ?? r.Purl ?? "",
            r.m.Confidence.ToString().ToLowerInvariant(), r.m.Evidence, r.m.Outcome, r.m.Deadline, r.m.Kev, r.m.Epss, r.m.Cvss,
            r.m.Decision.ToString().ToLowerInvariant(), r.m.DecisionReason, r.m.DecidedBy, r.m.FirstSeenAt))];
    }

    private static async Task<Results<Ok<List<WatchEntryDto>>, ProblemHttpResult>> List(VigieDb db, Guid? constituent, string? decision, bool? kev, bool? all,
        int? limit, CancellationToken ct)
    {
        MatchDecision? wanted = null;
        if (!string.IsNullOrEmpty(decision))
        {
            if (!Enum.TryParse<MatchDecision>(decision, ignoreCase: true, out var d))
            {
                return Error.Validation("decision", "decision is open, confirmed or dismissed.").ToProblem();
            }
            wanted = d;
        }
        return TypedResults.Ok(await QueryAsync(db, constituent, wanted, kev == true, all == true, Math.Clamp(limit ?? 200, 1, 1000), ct));
    }

    private static async Task<Results<Ok<WatchEntryDto>, ProblemHttpResult>> Decide(Guid id, DecisionRequest request, WatchService watch, VigieDb db,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Enum.TryParse<MatchDecision>(request.Decision, ignoreCase: true, out var decision) || !Enum.IsDefined(decision))
        {
            return Error.Validation("decision", "decision is open, confirmed or dismissed.").ToProblem();
        }
        if (decision == MatchDecision.Dismissed && string.IsNullOrWhiteSpace(request.Reason))
        {
            return Error.Validation("reason", "Say why the match is dismissed (e.g. the product is patched, the feature is not used).").ToProblem();
        }
        if (await watch.DecideAsync(id, decision, request.Reason, user.Actor(), ct) is null)
        {
            return Error.NotFound("The match").ToProblem();
        }
        var entry = (await QueryAsync(db, null, null, false, true, 100_000, ct)).First(e => e.Id == id);
        return TypedResults.Ok(entry);
    }

    internal static async Task<List<WatchAlertDto>> OpenAlertsAsync(VigieDb db, int limit, CancellationToken ct) =>
        (await (from a in db.Set<WatchAlert>().AsNoTracking().Where(a => a.AcknowledgedAt == null)
                join k in db.Constituents.AsNoTracking() on a.ConstituentId equals k.Id
                orderby a.Kind, a.RaisedAt descending
                select new { a, k.Name }).Take(limit).ToListAsync(ct))
        .Select(x => new WatchAlertDto(x.a.Id, x.a.Kind == WatchAlertKind.KnownExploited ? "known-exploited" : "high-priority", x.a.CveId, x.a.ConstituentId, x.Name,
            x.a.Outcome, x.a.RaisedAt)).ToList();

    private static async Task<Ok<List<WatchAlertDto>>> Alerts(VigieDb db, CancellationToken ct) => TypedResults.Ok(await OpenAlertsAsync(db, 500, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Acknowledge(Guid id, VigieDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var alert = await db.Set<WatchAlert>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (alert is null)
        {
            return Error.NotFound("The alert").ToProblem();
        }
        (alert.AcknowledgedAt, alert.AcknowledgedBy) = (alert.AcknowledgedAt ?? time.GetUtcNow(), alert.AcknowledgedBy ?? user.Actor());
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<RematchResult>> Rematch(WatchService watch, CancellationToken ct) => TypedResults.Ok(await watch.RematchAsync(null, ct));
}
