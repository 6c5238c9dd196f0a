using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Sla;

public static class SlaApi
{
    public static IEndpointRouteBuilder MapSla(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sla/due", Due).WithTags("SLA").RequireAuthorization(Policies.Read)
            .WithSummary("When the first response (and resolution) to a report received at a given time is due, with the explanation.")
            .WithDescription("receivedAt: ISO 8601 (with Z or an offset; without, team local time). priority: P1–P4. constituent: id whose contract tier selects contract targets. lang: fr (default) or en, for the explanation.");
        return app;
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
