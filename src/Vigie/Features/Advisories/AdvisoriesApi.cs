using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Advisories;

public sealed record AdvisorySummaryDto(Guid Id, string TrackingId, string Tlp, string TitleEn, string TitleFr, DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt);

public sealed record AdvisoryDto(Guid Id, AdvisoryDocument Document, IReadOnlyList<Guid> ConstituentIds, DateTimeOffset? PublishedAt, string? Incomplete,
    bool NeedsTranslation, IReadOnlyList<DeliveryDto> Deliveries);

public sealed record DeliveryDto(int Revision, Guid ConstituentId, string Email, bool Sent, bool Encrypted, string? Reason, DateTimeOffset At);

public sealed record DraftRequest(string Cve);

/// <summary>A change to a bulletin: only the fields given change. Products, references and CVEs are whole lists (CVEs by id).</summary>
public sealed record AdvisoryUpdate(string? Tlp = null, string? Severity = null, AdvisoryText? En = null, AdvisoryText? Fr = null,
    IReadOnlyList<AdvisoryProduct>? Products = null, IReadOnlyList<string>? References = null, IReadOnlyList<Guid>? ConstituentIds = null,
    IReadOnlyList<string>? Cves = null);

public sealed record PublishRequest(string? Summary);

/// <summary>
/// Bulletins for staff: list, draft from a CVE (constituents pre-filled from the watch list), edit, publish, distribute, CSAF.
/// Refusals are problem details in English (like every API message; the host does not read Accept-Language), with a stable
/// <c>reason</c> code and its <c>arguments</c>.
/// </summary>
public static class AdvisoriesApi
{
    private const string Via = "api";

    public static IEndpointRouteBuilder MapAdvisories(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/advisories").WithTags("Advisories").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("Bulletins, newest first.");
        group.MapGet("/{key}", Get).WithSummary("A bulletin (by id or tracking id) with its deliveries.");
        group.MapGet("/{key}/csaf", Csaf).WithSummary("The bulletin as CSAF 2.0 JSON (?lang=en|fr).");
        group.MapPost("/", Draft).RequireAuthorization(Policies.Write)
            .WithSummary("Draft a bulletin from a stored CVE ({cve}); the constituents exposed to it (watch list, not dismissed) are pre-selected.");
        group.MapPut("/{key}", Update).RequireAuthorization(Policies.Write).WithSummary("Change a bulletin's fields (only those given).");
        group.MapPost("/{key}/publish", Publish).RequireAuthorization(Policies.Write).WithSummary("Publish a new revision ({summary}).");
        group.MapPost("/{key}/distribute", Distribute).RequireAuthorization(Policies.Write)
            .WithSummary("Mail the latest revision to the contacts of its constituents: signed, encrypted when possible and always for TLP:AMBER/RED.");
        return app;
    }

    internal static async Task<AdvisoryDto> ToDtoAsync(Advisory a, VigieDb db, CancellationToken ct)
    {
        var deliveries = await db.Set<AdvisoryDelivery>().AsNoTracking().Where(d => d.AdvisoryId == a.Id).OrderBy(d => d.Revision).ThenBy(d => d.Email).ToListAsync(ct);
        var d = a.Document;
        return new AdvisoryDto(a.Id, d, a.ConstituentIds, a.PublishedAt, AdvisoryService.Incomplete(d), AdvisoryService.NeedsTranslation(d),
            [.. deliveries.Select(x => new DeliveryDto(x.Revision, x.ConstituentId, x.Email, x.Sent, x.Encrypted, x.Reason, x.At))]);
    }

    private static async Task<Ok<List<AdvisorySummaryDto>>> List(VigieDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Set<Advisory>().AsNoTracking().OrderByDescending(a => a.CreatedAt).Take(500).ToListAsync(ct))
            .Select(a => new AdvisorySummaryDto(a.Id, a.TrackingId, a.Tlp, a.TitleEn, a.TitleFr, a.PublishedAt, a.UpdatedAt)).ToList());

    private static async Task<Results<Ok<AdvisoryDto>, ProblemHttpResult>> Get(string key, AdvisoryService service, VigieDb db, CancellationToken ct) =>
        await service.FindAsync(key, ct) is { } a ? TypedResults.Ok(await ToDtoAsync(a, db, ct)) : Error.NotFound($"Bulletin {key}").ToProblem();

    private static async Task<IResult> Csaf(string key, string? lang, AdvisoryService service, CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        if (lang is not (null or "en" or "fr"))
        {
            return Error.Validation("lang", "lang is en or fr.").ToProblem();
        }
        return AdvisoryService.Refusal(a.Document) is { } why
            ? why.ToError().ToProblem()
            : Results.Text(service.Csaf(a, lang ?? "en"), "application/json");
    }

    private static async Task<Results<Created<AdvisoryDto>, ProblemHttpResult>> Draft(DraftRequest request, AdvisoryService service, VigieDb db,
        HttpContext http, CancellationToken ct)
    {
        var created = await service.DraftFromCveAsync(request.Cve ?? "", AuditActor.Of(http), Via, ct);
        if (!created.IsSuccess)
        {
            return created.Error!.ToProblem();
        }
        var advisory = created.Value!;
        return TypedResults.Created($"/api/v1/advisories/{advisory.Id}", await ToDtoAsync(advisory, db, ct));
    }

    private static async Task<Results<Ok<AdvisoryDto>, ProblemHttpResult>> Update(string key, AdvisoryUpdate request, AdvisoryService service, VigieDb db,
        HttpContext http, CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var updated = await service.UpdateAsync(a, request, AuditActor.Of(http), Via, ct);
        return updated.IsSuccess ? TypedResults.Ok(await ToDtoAsync(a, db, ct)) : updated.Error!.ToProblem();
    }

    private static async Task<Results<Ok<AdvisoryDto>, ProblemHttpResult>> Publish(string key, PublishRequest request, AdvisoryService service, VigieDb db,
        HttpContext http, CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var published = await service.PublishAsync(a, request.Summary ?? "", AuditActor.Of(http), Via, ct);
        return published.IsSuccess ? TypedResults.Ok(await ToDtoAsync(a, db, ct)) : published.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DistributionResult>, ProblemHttpResult>> Distribute(string key, AdvisoryService service, AdvisoryDistribution distribution,
        HttpContext http, CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var result = await distribution.DistributeAsync(a, AuditActor.Of(http), Via, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
