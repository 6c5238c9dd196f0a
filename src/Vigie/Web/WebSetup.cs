using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Web;

/// <summary>
/// The analyst workspace: Razor components rendered on the server (static SSR with enhanced
/// navigation and forms), signed in with a cookie, in French (default) or English.
/// </summary>
public static class WebSetup
{
    public const string CookieScheme = "Cookies";

    /// <summary>Chooses the scheme per request: a Bearer header means the API token, anything else the cookie.</summary>
    public const string SelectorScheme = "Vigie";

    public const string CultureCookie = "vigie.culture";

    public static readonly CultureInfo[] Cultures = [new("fr"), new("en")];

    public static WebApplicationBuilder AddVigieWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddLocalization();
        if (builder.Configuration.GetValue<bool>("Vigie:Ui:StrictStrings"))
        {
            builder.Services.AddSingleton<Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory>();
            builder.Services.AddSingleton<Microsoft.Extensions.Localization.IStringLocalizerFactory, StrictStringLocalizerFactory>();
        }
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "vigie.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Vigie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? TokenAuthenticationHandler.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "vigie.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => Challenge(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Challenge(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = RevalidateAsync;
            });
        return builder;
    }

    /// <summary>
    /// Pages load nothing from elsewhere: no remote image, font, script or frame, whatever a
    /// reporter's HTML mail asks for (the sanitiser removes it; this makes the browser refuse it too).
    /// Inline style attributes stay allowed (sanitised mail HTML and chart bars use them); inline
    /// scripts do not.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; script-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseVigieWeb(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/openapi"))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            return next(context);
        });
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("fr"),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            // French is the team's language (RFC 2350 §2.6): a browser's Accept-Language does not
            // override it; the person's choice (cookie) does.
            RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CultureCookie }],
        });
        return app;
    }

    public static WebApplication MapVigieWeb(this WebApplication app)
    {
        // Named explicitly: the default follows the host's application name, which is the test
        // assembly's when a test builds the host itself.
        var manifest = Path.Combine(AppContext.BaseDirectory, typeof(WebSetup).Assembly.GetName().Name + ".staticwebassets.endpoints.json");
        app.MapStaticAssets(manifest).AllowAnonymous();
        app.MapRazorComponents<App>();
        app.MapGet("/culture/{culture}", SetCulture).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/signout", SignOutAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>The API answers 401/403 as problem details; pages redirect to sign-in.</summary>
    private static Task Challenge(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A disabled or deleted user loses the session at the next request, not at cookie expiry.</summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var db = context.HttpContext.RequestServices.GetRequiredService<VigieDb>();
        var active = Guid.TryParse(id, out var userId)
            && await db.Users.AnyAsync(u => u.Id == userId && !u.Disabled, context.HttpContext.RequestAborted);
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static IResult SetCulture(string culture, string? returnUrl, HttpContext context)
    {
        if (Cultures.Any(c => c.Name == culture))
        {
            context.Response.Cookies.Append(CultureCookie,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.MaxValue, HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        }
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, [FromForm] string? returnUrl)
    {
        await context.SignOutAsync(CookieScheme);
        return Results.LocalRedirect("/signin");
    }

    /// <summary>Only paths of this site: no scheme, no protocol-relative //host, no backslash tricks.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\n') && !url.Contains('\r');
}
