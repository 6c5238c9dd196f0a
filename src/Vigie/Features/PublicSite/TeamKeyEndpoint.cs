using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Vigie.Features.Pgp;

namespace Vigie.Features.PublicSite;

/// <summary>The team's armored public key at <see cref="PublicSiteOptions.KeyPath"/> (RFC 2350 §2.8; security.txt Encryption), without sign-in.</summary>
public static class TeamKeyEndpoint
{
    public static IEndpointRouteBuilder MapTeamKey(this IEndpointRouteBuilder app)
    {
        var path = app.ServiceProvider.GetRequiredService<IOptions<PublicSiteOptions>>().Value.KeyPath;
        app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, TeamSigner signer, IStringLocalizer<PublicFaceText> text)
    {
        if (signer.Key is not { } key)
        {
            return Results.Text(text["KeyMissing"] + "\n", "text/plain; charset=utf-8", new UTF8Encoding(false), StatusCodes.Status404NotFound);
        }
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(key.Armored, "application/pgp-keys", new UTF8Encoding(false));
    }
}
