using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Web;

namespace Vigie.Features.Playbooks;

/// <summary>Applies a playbook: <c>language</c> (fr or en) chooses the task titles; default: the request's UI culture.</summary>
public sealed record ApplyPlaybookRequest(Guid PlaybookId, string? Language);

public sealed record AppliedPlaybookDto(Guid PlaybookId, string Incident, IReadOnlyList<TaskDto> Tasks);

public static class PlaybooksApi
{
    public static IEndpointRouteBuilder MapPlaybooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/playbooks").WithTags("Playbooks").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("The team's playbooks (task templates per RSIT type), with their steps.");
        group.MapGet("/{id:guid}", Get).WithSummary("One playbook.");
        group.MapPost("/", Create).RequireAuthorization(Policies.Write).WithSummary("Create a playbook (leads and admins).");
        group.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Write).WithSummary("Replace a playbook's names, type and steps (leads and admins).");
        group.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Write).WithSummary("Delete a playbook (leads and admins).");
        app.MapPost("/api/v1/incidents/{key}/playbook", Apply).WithTags("Incidents").RequireAuthorization(Policies.Write)
            .WithSummary("Apply a playbook: one task per step, due so many hours from now, recorded on the timeline.");
        return app;
    }

    internal static async Task<Ok<List<PlaybookDto>>> List(PlaybookService playbooks, CancellationToken ct) =>
        TypedResults.Ok((await playbooks.ListAsync(ct)).Select(p => p.ToDto()).ToList());

    internal static async Task<Results<Ok<PlaybookDto>, ProblemHttpResult>> Get(Guid id, PlaybookService playbooks, CancellationToken ct) =>
        await playbooks.FindAsync(id, ct) is { } p ? TypedResults.Ok(p.ToDto()) : Error.NotFound($"Playbook {id}").ToProblem();

    internal static async Task<Results<Created<PlaybookDto>, ProblemHttpResult>> Create(PlaybookRequest request, PlaybookService playbooks,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await playbooks.CreateAsync(request, user, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/playbooks/{result.Value!.Id}", result.Value.ToDto())
            : result.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<PlaybookDto>, ProblemHttpResult>> Update(Guid id, PlaybookRequest request, PlaybookService playbooks,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await playbooks.UpdateAsync(id, request, user, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!.ToDto()) : result.Error!.ToProblem();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, PlaybookService playbooks, ClaimsPrincipal user, CancellationToken ct) =>
        await playbooks.DeleteAsync(id, user, ct) is { } error ? error.ToProblem() : TypedResults.NoContent();

    internal static async Task<Results<Ok<AppliedPlaybookDto>, ProblemHttpResult>> Apply(string key, ApplyPlaybookRequest request, VigieDb db,
        PlaybookService playbooks, ClaimsPrincipal user, CancellationToken ct)
    {
        var language = request.Language?.Trim().ToLowerInvariant() switch
        {
            null or "" => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "fr",
            "fr" => "fr",
            "en" => "en",
            _ => null,
        };
        if (language is null)
        {
            return Error.Validation("language", "language must be fr or en.").ToProblem();
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        var applied = await playbooks.ApplyAsync(incident, request.PlaybookId, language, user, ct);
        return applied.IsSuccess
            ? TypedResults.Ok(new AppliedPlaybookDto(request.PlaybookId, incident.Number, [.. applied.Value!.Tasks.Select(t => t.ToDto())]))
            : applied.Error!.ToProblem();
    }
}
