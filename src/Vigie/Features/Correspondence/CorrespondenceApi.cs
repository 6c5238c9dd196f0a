using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Web;

namespace Vigie.Features.Correspondence;

/// <summary>
/// The correspondence of an incident, for scripts (docs/correspondence.md). The sharing gate runs here
/// as in the pages: a refused share answers <b>409 Conflict</b> (problem+json, <c>code</c> = the reason),
/// because it is refused by the incident's current state (TLP, consents, keys), which a user can change,
/// not by the caller's permissions (those give 404/403 as everywhere). The refusal is recorded.
/// </summary>
public static class CorrespondenceApi
{
    public static IEndpointRouteBuilder MapCorrespondence(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents/{key}").WithTags("Correspondence").RequireAuthorization(Policies.Read);
        group.MapGet("/correspondence", Get).WithSummary("Parties (threads with their messages and what the sharing gate says) and consents.");
        group.MapPost("/parties", AddParty).RequireAuthorization(Policies.Write)
            .WithSummary("Add a party: a constituent contact (contactId) or a free address with its kind.");
        group.MapPost("/consents", AddConsent).RequireAuthorization(Policies.Write)
            .WithSummary("Record a consent of the incident's constituent to share with an address or a domain.");
        group.MapPost("/messages", Send).RequireAuthorization(Policies.Write)
            .WithSummary("Send a message to one party through the sharing gate; a refusal is 409 with the reason code.");
        group.MapPost("/notifications", Notify).RequireAuthorization(Policies.Write)
            .WithSummary("Send one template to several parties, one message each; the result of each.");
        return app;
    }

    internal static async Task<Results<Ok<CorrespondenceDto>, ProblemHttpResult>> Get(
        string key, VigieDb db, CorrespondenceService service, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        return TypedResults.Ok(await DtoAsync(service, incident, ct));
    }

    internal static async Task<Results<Created<PartyDto>, ProblemHttpResult>> AddParty(
        string key, PartyRequest request, VigieDb db, CorrespondenceService service, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await Writable(db, user, key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        var added = await service.AddPartyAsync(incident, request, user.Actor(), ct);
        if (!added.IsSuccess)
        {
            return added.Error!.ToProblem();
        }
        var view = (await service.LoadAsync(incident, ct)).Parties.First(p => p.Party.Id == added.Value!.Id);
        return TypedResults.Created($"/api/v1/incidents/{incident.Number}/correspondence", view.ToDto());
    }

    internal static async Task<Results<Created<ConsentDto>, ProblemHttpResult>> AddConsent(
        string key, ConsentRequest request, VigieDb db, CorrespondenceService service, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await Writable(db, user, key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        var recorded = await service.RecordConsentAsync(incident, request, user.Actor(), ct);
        return recorded.IsSuccess
            ? TypedResults.Created($"/api/v1/incidents/{incident.Number}/correspondence", recorded.Value!.ToDto())
            : recorded.Error!.ToProblem();
    }

    internal static async Task<Results<Created<MessageDto>, ProblemHttpResult>> Send(
        string key, SendMessageBody body, VigieDb db, CorrespondenceService service, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await Writable(db, user, key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        if (body.PartyId is not { } partyId)
        {
            return Error.Validation("partyId", "Say which party the message is for (partyId).").ToProblem();
        }
        var sent = await service.SendAsync(incident, new SendRequest(partyId, body.Template, body.Language, body.Subject, body.Text,
            body.Redact ?? false, body.NeedToKnow), user, null, ct);
        if (!sent.IsSuccess)
        {
            return sent.Error!.ToProblem();
        }
        var outcome = sent.Value!;
        if (!outcome.Decision.Allowed)
        {
            return Refused(incident, outcome).ToProblem();
        }
        return TypedResults.Created($"/api/v1/incidents/{incident.Number}/correspondence", outcome.Message.ToDto(outcome.Message.Status));
    }

    internal static async Task<Results<Ok<NotifyResultDto>, ProblemHttpResult>> Notify(
        string key, NotifyBody body, VigieDb db, CorrespondenceService service, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await Writable(db, user, key, ct) is not { } incident)
        {
            return IncidentsApi.NotFound(key);
        }
        if (body.PartyIds is not { Length: > 0 and <= 200 } ids)
        {
            return Error.Validation("partyIds", "Name 1 to 200 parties (partyIds).").ToProblem();
        }
        if (!CorrespondenceTemplates.IsKey(body.Template))
        {
            return Error.Validation("template", $"A bulk notification uses a template. Allowed values: {string.Join(", ", CorrespondenceTemplates.Keys)}.").ToProblem();
        }
        var (batch, lines) = await service.NotifyAsync(incident, new NotifyRequest(ids, body.Template, body.Language, body.Redact ?? false, body.NeedToKnow), user, ct);
        return TypedResults.Ok(new NotifyResultDto(batch, [.. lines.Select(l => l.Outcome is { } o
            ? new NotifyLineDto(l.PartyId, o.Party.Email, o.Decision.Allowed ? "queued" : "refused", o.Message.Id, o.Decision.Code,
                o.Decision.Code is { } c ? ShareReasons.Both(c) : null, null)
            : new NotifyLineDto(l.PartyId, null, "error", null, null, null, l.Error?.Message))]));
    }

    /// <summary>The problem of a refused share: code = the reason, with both languages and the recorded message.</summary>
    internal static Error Refused(Incident incident, SendOutcome outcome)
    {
        var code = outcome.Decision.Code!;
        return new Error(ErrorKind.Conflict, code,
            $"Not sent to {outcome.Party.Email} ({incident.Tlp.ToLabel()}): {ShareReasons.Text(code, "en")}")
        {
            Extensions = new Dictionary<string, object?>
            {
                ["reason"] = code,
                ["reasonText"] = ShareReasons.Both(code),
                ["tlp"] = incident.Tlp.ToLabel(),
                ["messageId"] = outcome.Message.Id,
            },
        };
    }

    private static async Task<CorrespondenceDto> DtoAsync(CorrespondenceService service, Incident incident, CancellationToken ct)
    {
        var view = await service.LoadAsync(incident, ct);
        return new CorrespondenceDto(incident.Number, incident.Tlp.ToLabel(), incident.ConstituentId,
            [.. view.Parties.Select(p => p.ToDto())], [.. view.Consents.Select(c => c.ToDto())]);
    }

    /// <summary>The incident if the user may see it and change it; null (404) otherwise, as for every incident.</summary>
    private static async Task<Incident?> Writable(VigieDb db, ClaimsPrincipal user, string key, CancellationToken ct) =>
        await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is { } incident && user.CanChange(incident) ? incident : null;
}
