using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigie.Web;

namespace Vigie.Features.Identity;

/// <summary>A person's own API tokens (docs/api.md): any staff member manages theirs.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tokens").WithTags("Tokens").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("Your API tokens: name, prefix, scope, created, expires, last used, revoked.");
        group.MapPost("/", Create).WithSummary("Create a token {\"name\", \"scope\": read|write|admin, \"expiresInDays\": 1–365}; the token is in the answer, once.");
        group.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke one of your tokens: it stops working at once.");
        return app;
    }

    internal static async Task<Ok<List<ApiTokenDto>>> List(ClaimsPrincipal user, TokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await tokens.ListAsync(id, ct) : []);

    internal static async Task<Results<Created<CreatedTokenDto>, ProblemHttpResult>> Create(CreateTokenRequest request, ClaimsPrincipal user,
        TokenService tokens, CancellationToken ct)
    {
        var result = await tokens.CreateAsync(user, request, ct);
        return result.IsSuccess ? TypedResults.Created($"/api/v1/tokens/{result.Value!.Info.Id}", result.Value) : result.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<ApiTokenDto>, ProblemHttpResult>> Revoke(Guid id, ClaimsPrincipal user, TokenService tokens, CancellationToken ct)
    {
        var result = await tokens.RevokeAsync(user, id, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
