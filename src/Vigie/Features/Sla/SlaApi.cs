using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Vigie.Features.Incidents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Sla;

public sealed record WaitingRequest(bool Waiting, string? Reason);

/// <summary>One clock read now; <c>remainingSeconds</c> is negative when late (business seconds for business targets).</summary>
public sealed record ClockDto(string Status, string Target, DateTimeOffset DueAt, DateTimeOffset? StoppedAt, long RemainingSeconds, double Used);

public sealed record IncidentClocksDto(string Number, DateTimeOffset? ReceivedAt, DateTimeOffset? WaitingSince, ClockDto? FirstResponse, ClockDto? Resolution)
{
    internal static IncidentClocksDto Of(Core.Incidents.Incident i, SlaService sla) => new(i.Number, i.Sla.ReceivedAt, i.Sla.WaitingSince,
        Dto(sla.FirstResponse(i), i.Sla.FirstResponseTarget, i.Sla.FirstRespondedAt), Dto(sla.Resolution(i), i.Sla.ResolutionTarget, i.Sla.ResolvedAt));

    private static ClockDto? Dto(Core.Sla.SlaReading? r, string? target, DateTimeOffset? stopped) => r is null ? null
        : new ClockDto(JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()), target!, r.Due.ToDateTimeOffset(), stopped,
            (long)r.Remaining.TotalSeconds, Math.Round(r.Used, 3));
}

public static class SlaApi
{
    public static IEndpointRouteBuilder MapSla(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sla/due", Due).WithTags("SLA").RequireAuthorization(Policies.Read)
            .WithSummary("When the first response (and resolution) to a report received at a given time is due, with the explanation.")
            .WithDescription("receivedAt: ISO 8601 (with Z or an offset; without, team local time). priority: P1–P4. constituent: id whose contract tier selects contract targets. lang: fr (default) or en, for the explanation.");
        app.MapGet("/api/v1/incidents/{key}/sla", Clocks).WithTags("SLA").RequireAuthorization(Policies.Read)
            .WithSummary("An incident's SLA clocks read now: status (running, atRisk, breached, paused, met, missed), due time, time left.");
        app.MapPost("/api/v1/incidents/{key}/waiting", Waiting).WithTags("SLA").RequireAuthorization(Policies.Write)
            .WithSummary("Start or end waiting for the constituent ({\"waiting\": true, \"reason\": \"…\"}); with a pausing policy the clocks stop meanwhile and their due times move later by the time waited.");
        return app;
    }

    internal static async Task<Results<Ok<IncidentClocksDto>, ProblemHttpResult>> Clocks(string key, VigieDb db, SlaService sla, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return Error.NotFound($"Incident '{key}'").ToProblem();
        }
        return TypedResults.Ok(IncidentClocksDto.Of(incident, sla));
    }

    internal static async Task<Results<Ok<IncidentClocksDto>, ProblemHttpResult>> Waiting(string key, WaitingRequest request, VigieDb db, SlaService sla,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return Error.NotFound($"Incident '{key}'").ToProblem();
        }
        if (!user.CanChange(incident))
        {
            return new Error(ErrorKind.Forbidden, "forbidden", "You may read this incident but not change it.").ToProblem();
        }
        if ((request.Waiting ? sla.StartWaiting(incident, user.Actor(), request.Reason) : sla.StopWaiting(incident, user.Actor())) is { } error)
        {
            return error.ToProblem();
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(IncidentClocksDto.Of(incident, sla));
    }

    internal static async Task<Results<Ok<SlaDueResponse>, ProblemHttpResult>> Due(string? receivedAt, string? priority, Guid? constituent, string? lang,
        SlaExplainer explainer, SlaService sla, VigieDb db, CancellationToken ct)
    {
        var (result, error) = await AnswerAsync(receivedAt, priority, constituent, lang, explainer, sla, db, ct);
        return error is null ? TypedResults.Ok(result!) : error.ToProblem();
    }

    /// <summary>The API's and the CLI's shared reading of the question.</summary>
    internal static async Task<(SlaDueResponse? Answer, Error? Error)> AnswerAsync(string? receivedAt, string? priority, Guid? constituent, string? lang,
        SlaExplainer explainer, SlaService sla, VigieDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var received = explainer.ParseReceived(receivedAt, "receivedAt");
        errors.Add(received.Error);
        var p = SlaExplainer.ParsePriority(priority, "priority");
        errors.Add(p.Error);
        var language = string.IsNullOrWhiteSpace(lang) ? CultureInfo.CurrentUICulture.TwoLetterISOLanguageName : lang.Trim().ToLowerInvariant();
        if (language is not ("fr" or "en"))
        {
            errors.Add("lang", $"'{lang}' is not a language of Vigie: fr or en.");
        }
        if (constituent is { } id && !await db.Constituents.AnyAsync(c => c.Id == id, ct))
        {
            errors.Add("constituent", $"No constituent has the id {id}.");
        }
        if (errors.ToError() is { } invalid)
        {
            return (null, invalid);
        }
        var tier = await sla.TierOfAsync(constituent, ct);
        return (explainer.Explain(received.Value.Instant, received.Value.Local, p.Value, constituent, tier, new CultureInfo(language)), null);
    }
}
