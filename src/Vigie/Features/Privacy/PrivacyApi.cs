using Microsoft.AspNetCore.Http.HttpResults;
using Vigie.Features.Identity;
using Vigie.Web;

namespace Vigie.Features.Privacy;

public static class PrivacyApi
{
    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/privacy/export", Export).WithTags("Privacy").RequireAuthorization(Policies.Admin)
            .WithSummary("Everything held about a person (email=…), for an access request: account, contacts, reports, correspondence, mail, where the address was seen (admin).");
        return app;
    }

    internal static async Task<Results<Ok<PersonalData>, ProblemHttpResult>> Export(string? email, PersonalDataExport export, CancellationToken ct)
    {
        var result = await export.ExportAsync(email, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
