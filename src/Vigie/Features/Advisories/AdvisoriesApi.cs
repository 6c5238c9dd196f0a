using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Advisories;

public sealed record AdvisorySummaryDto(Guid Id, string TrackingId, string Tlp, string TitleEn, string TitleFr, DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt);

public sealed record AdvisoryDto(Guid Id, AdvisoryDocument Document, IReadOnlyList<Guid> ConstituentIds, DateTimeOffset? PublishedAt, string? Incomplete,
    bool NeedsTranslation, IReadOnlyList<DeliveryDto> Deliveries);

public sealed record DeliveryDto(int Revision, Guid ConstituentId, string Email, bool Sent, bool Encrypted, string? Reason, DateTimeOffset At);

public sealed record DraftRequest(string Cve);

public sealed record AdvisoryUpdate(string? Tlp, string? Severity, AdvisoryText? En, AdvisoryText? Fr, IReadOnlyList<AdvisoryProduct>? Products,
    IReadOnlyList<string>? References, IReadOnlyList<Guid>? ConstituentIds);

public sealed record PublishRequest(string? Summary);

/// <summary>Bulletins for staff: list, draft from a CVE (constituents pre-filled from the watch list), edit, publish, distribute, CSAF.</summary>
public static class AdvisoriesApi
{
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
        return AdvisoryService.Incomplete(a.Document) is { } why
            ? Error.Validation("advisory", why).ToProblem()
            : Results.Text(service.Csaf(a, lang ?? "en"), "application/json");
    }

    private static async Task<Results<Created<AdvisoryDto>, ProblemHttpResult>> Draft(DraftRequest request, AdvisoryService service, VigieDb db,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var created = await service.DraftFromCveAsync(request.Cve ?? "", user.Actor(), ct);
        if (!created.IsSuccess)
        {
            return created.Error!.ToProblem();
        }
        var advisory = created.Value!;
        return TypedResults.Created($"/api/v1/advisories/{advisory.Id}", await ToDtoAsync(advisory, db, ct));
    }

    private static async Task<Results<Ok<AdvisoryDto>, ProblemHttpResult>> Update(string key, AdvisoryUpdate request, AdvisoryService service, VigieDb db,
        TimeProvider time, CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var d = a.Document;
        var tlp = request.Tlp?.Trim().ToUpperInvariant() ?? d.Tlp;
        var severity = request.Severity?.Trim().ToLowerInvariant() ?? d.Severity;
        if (!AdvisoryDocument.TlpLabels.Contains(tlp))
        {
            return Error.Validation("tlp", "tlp is CLEAR, GREEN, AMBER, AMBER+STRICT or RED.").ToProblem();
        }
        if (!AdvisoryDocument.Severities.Contains(severity))
        {
            return Error.Validation("severity", "severity is low, medium, high or critical.").ToProblem();
        }
        if (new[] { request.En, request.Fr }.Any(t => t is not null && (t.Title.Length > 300 || t.Summary.Length > 20_000
            || (t.Recommendations?.Length ?? 0) > 20_000 || (t.Workarounds?.Length ?? 0) > 20_000)))
        {
            return Error.Validation("text", "A title is limited to 300 characters, the other texts to 20,000.").ToProblem();
        }
        if (request.Products is { Count: > 200 } || request.References is { Count: > 100 })
        {
            return Error.Validation("products", "At most 200 products and 100 references.").ToProblem();
        }
        if (request.ConstituentIds is { } ids)
        {
            var known = await db.Constituents.CountAsync(c => ids.Contains(c.Id), ct);
            if (known != ids.Distinct().Count())
            {
                return Error.Validation("constituentIds", "An unknown constituent is named.").ToProblem();
            }
            a.Constituents = JsonSerializer.Serialize(ids.Distinct().ToList());
        }
        a.Set(d with
        {
            Tlp = tlp,
            Severity = severity,
            En = request.En ?? d.En,
            Fr = request.Fr ?? d.Fr,
            Products = request.Products ?? d.Products,
            References = request.References ?? d.References,
        }, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ToDtoAsync(a, db, ct));
    }

    private static async Task<Results<Ok<AdvisoryDto>, ProblemHttpResult>> Publish(string key, PublishRequest request, AdvisoryService service, VigieDb db,
        CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var published = await service.PublishAsync(a, request.Summary ?? "", ct);
        return published.IsSuccess ? TypedResults.Ok(await ToDtoAsync(a, db, ct)) : published.Error!.ToProblem();
    }

    private static async Task<Results<Ok<DistributionResult>, ProblemHttpResult>> Distribute(string key, AdvisoryService service, AdvisoryDistribution distribution,
        CancellationToken ct)
    {
        if (await service.FindAsync(key, ct) is not { } a)
        {
            return Error.NotFound($"Bulletin {key}").ToProblem();
        }
        var result = await distribution.DistributeAsync(a, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
