using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigie.Core;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Reports;
using Vigie.Web;

namespace Vigie.Features.Triage;

/// <summary>
/// A triage decision: <c>spam</c>, <c>duplicate</c> (with <c>duplicateOf</c>), <c>notForUs</c> (the reporter
/// gets the RFC 2350 §3.2 redirection when a person can read it), <c>handled</c>, <c>reopen</c>, or
/// <c>attach</c> (with <c>incident</c>: its number or id).
/// </summary>
public sealed record TriageRequest(string? Decision, Guid? DuplicateOf, string? Incident);

/// <summary>The same for several reports at once (at most 500).</summary>
public sealed record BulkTriageRequest(Guid[]? Ids, string? Decision, Guid? DuplicateOf, string? Incident);

/// <summary>What a triage action did to one report.</summary>
public sealed record TriageItemDto(Guid Id, bool Ok, string? Error, string? Code, string? Answer, bool AnswerQueued);

public sealed record BulkTriageDto(int Succeeded, int Failed, string? Incident, IReadOnlyList<TriageItemDto> Items);

/// <summary>A report's triage state after a decision.</summary>
public sealed record TriageStateDto(Guid Id, string Triage, string? TriagedBy, DateTimeOffset? TriagedAt, Guid? DuplicateOf,
    Guid? IncidentId, string? Answer, bool AnswerQueued);

/// <summary>The queue as the API lists it.</summary>
public sealed record QueueDto(IReadOnlyList<QueueItemDto> Items, string? NextCursor);

public sealed record QueueItemDto(ReportDto Report, string? SuggestedConstituent, string? ConstituentReason, string? SignerContact,
    int ObservableCount, IReadOnlyList<string> FirstObservables, int RecordCount, string? FailureReason);

public static class TriageApi
{
    public static IEndpointRouteBuilder MapTriage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reports").WithTags("Triage").RequireAuthorization(Policies.Read);
        group.MapGet("/queue", Queue).WithSummary("The triage queue: reports waiting for a decision, newest first, keyset-paged.");
        group.MapPost("/{id:guid}/triage", Decide).RequireAuthorization(Policies.Write)
            .WithSummary("Decide about one report: spam, duplicate, notForUs, handled, reopen or attach.");
        group.MapPost("/triage", Bulk).RequireAuthorization(Policies.Write)
            .WithSummary("The same decision for several reports; each is judged on its own and the answer says which failed.");
        return app;
    }

    internal static async Task<Results<Ok<QueueDto>, ProblemHttpResult>> Queue(VigieDb db, string? kind, bool? flagged, Guid? constituent,
        string? format, int? limit, string? cursor, CancellationToken ct)
    {
        if (kind is not null && !TriageQueue.TryParseKind(kind, out _))
        {
            return Error.Validation("kind", $"'{kind}' is not a report kind. Allowed values: report, incidentReport, request, reply, bounce.").ToProblem();
        }
        if (limit is < 1 or > 500)
        {
            return Error.Validation("limit", "limit must be between 1 and 500.").ToProblem();
        }
        if (cursor is not null && TriageQueue.ParseCursor(cursor) is null)
        {
            return Error.Validation("cursor", "The cursor is not one this API returned.").ToProblem();
        }
        var page = await TriageQueue.LoadAsync(db, new QueueFilter(kind, flagged, constituent, format, cursor, limit ?? 50), ct);
        return TypedResults.Ok(new QueueDto([.. page.Rows.Select(r => new QueueItemDto(r.Report.ToDto(),
            r.Report.SuggestedConstituentId is { } c ? page.ConstituentNames.GetValueOrDefault(c) : null, r.Report.ConstituentReason,
            r.Report.SignerContactId is { } s ? page.SignerNames.GetValueOrDefault(s) : null,
            r.ObservableCount, [.. r.FirstObservables.Select(o => o.Value)], r.Report.RecordCount, r.Report.FailureReason))], page.Next));
    }

    internal static async Task<Results<Ok<TriageStateDto>, ProblemHttpResult>> Decide(Guid id, TriageRequest request, VigieDb db,
        TriageService triage, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await RunAsync([id], request.Decision, request.DuplicateOf, request.Incident, triage, user, ct);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var item = result.Value!.Items.Single();
        if (item.Error is { } error)
        {
            return error.ToProblem();
        }
        var r = await db.Reports.FindAsync([id], ct);
        return TypedResults.Ok(new TriageStateDto(r!.Id, EnumWords.ToWord(r.Triage), r.TriagedBy, r.TriagedAt, r.DuplicateOfId, r.IncidentId,
            item.Answer, item.AnswerQueued));
    }

    internal static async Task<Results<Ok<BulkTriageDto>, ProblemHttpResult>> Bulk(BulkTriageRequest request, TriageService triage,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await RunAsync(request.Ids ?? [], request.Decision, request.DuplicateOf, request.Incident, triage, user, ct);
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        var items = result.Value!.Items;
        if (items is [{ ReportId: var empty, Error: { } batch }] && empty == Guid.Empty)
        {
            return batch.ToProblem();
        }
        return TypedResults.Ok(new BulkTriageDto(items.Count(i => i.Ok), items.Count(i => !i.Ok), result.Value.Incident?.Number,
            [.. items.Select(i => new TriageItemDto(i.ReportId, i.Ok, i.Error?.Message, i.Error?.Code, i.Answer, i.AnswerQueued))]));
    }

    private static async Task<Result<TriageResult>> RunAsync(IReadOnlyList<Guid> ids, string? decisionWord, Guid? duplicateOf, string? incident,
        TriageService triage, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.Equals(decisionWord?.Trim(), "attach", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(incident))
            {
                return Error.Validation("incident", "Attaching names the incident (its number or id).");
            }
            return await triage.AttachAsync(ids, incident.Trim(), user, ct);
        }
        if (!EnumWords.TryParse<TriageDecision>(decisionWord, out var decision))
        {
            return Error.Validation("decision", $"'{decisionWord}' is not a triage decision. Allowed values: spam, duplicate, notForUs, handled, reopen, attach.");
        }
        return await triage.DecideAsync(ids, decision, duplicateOf, user, ct);
    }

    /// <summary>The wire word of a triage status (pending, linked, spam, duplicate, notForUs, handled).</summary>
    public static string Word(TriageStatus status) => EnumWords.ToWord(status);
}
