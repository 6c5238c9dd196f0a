using System.Text;
using Vigie.Core.PublicSite;

namespace Vigie.Features.PublicSite;

/// <summary>security.txt at <c>/.well-known/security.txt</c> (RFC 9116 §3) and at <c>/security.txt</c> (legacy place), without sign-in.</summary>
public static class SecurityTxtEndpoints
{
    public static IEndpointRouteBuilder MapSecurityTxt(this IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/.well-known/security.txt", "/security.txt" })
        {
            app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    private static IResult Serve(HttpContext context, SecurityTxtService securityTxt, ILogger<SecurityTxtService> logger)
    {
        RenderedSecurityTxt rendered;
        try
        {
            rendered = securityTxt.Render(securityTxt.BaseUrlFor(context.Request));
        }
        catch (SecurityTxtException e)
        {
            // Only possible with an odd Host header when PublicUrl is unset: the configuration itself was checked at start-up.
            logger.LogWarning("security.txt not served for {Host}: {Reason}", context.Request.Host.Value, e.Message);
            return Results.Text("security.txt cannot be produced for this address.\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }
        context.Response.Headers.CacheControl = "public, max-age=3600";
        // RFC 9116 §3: text/plain with charset=utf-8; the bytes are exactly what was signed.
        return Results.Text(rendered.Text, "text/plain; charset=utf-8", new UTF8Encoding(false));
    }
}
