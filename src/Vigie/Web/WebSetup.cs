using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Vigie.Features.Identity;

namespace Vigie.Web;

/// <summary>
/// The analyst workspace: Razor components rendered on the server (static SSR with enhanced
/// navigation and forms), signed in with a cookie, in French (default) or English.
/// </summary>
public static class WebSetup
{
    public const string CookieScheme = "Cookies";

    /// <summary>Between the password and the second factor: lets its holder reach only the code or enrolment page.</summary>
    public const string PendingScheme = "Vigie.Pending";

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
        builder.AddVigieAccounts();
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
            })
            .AddCookie(PendingScheme, o =>
            {
                o.Cookie.Name = "vigie.pending";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = "/signin";
                o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                o.SlidingExpiration = false;
            });
        return builder;
    }

    /// <summary>
    /// Accounts: the second factor, lockout, sessions, DataProtection keys in the data directory (so that
    /// cookies and encrypted secrets survive a restart and are shared by nodes sharing that directory),
    /// and the per-client limit on sign-in posts.
    /// </summary>
    private static void AddVigieAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section)
            .Validate(o => o.LockoutThreshold > 0 && o.LockoutDuration > TimeSpan.Zero && o.SignInPermitLimit > 0
                && o.SignInWindow > TimeSpan.Zero && o.SessionIdleTimeout > TimeSpan.Zero, "Vigie:Accounts values must be positive.")
            .ValidateOnStart();
        var dataDir = Path.GetFullPath(builder.Configuration["Vigie:DataDirectory"] is { Length: > 0 } d ? d : "data");
        builder.Services.AddDataProtection()
            .SetApplicationName("Vigie")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")));
        builder.Services.AddSingleton<TwoFactor>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PublicLimiter.Create();
            o.OnRejected = RejectedAsync;
        });
    }

    /// <summary>429 as a page in the reader's language (not re-executed: it may be a form post), with Retry-After.</summary>
    private static async ValueTask RejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var signIn = PublicLimiter.IsSignIn(context);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var r) ? r : TimeSpan.FromMinutes(1);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/html; charset=utf-8";
        var text = context.RequestServices.GetRequiredService<IStringLocalizerFactory>().Create(typeof(IdentityText));
        var e = System.Text.Encodings.Web.HtmlEncoder.Default;
        var lang = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        await context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{e.Encode(text["TooMany.Title"])} · Vigie</title>"
            + "<meta name=\"viewport\" content=\"width=device-width\"></head><body><main id=\"main\"><h1>"
            + e.Encode(text["TooMany.Title"]) + "</h1><p>" + e.Encode(text[signIn ? "TooMany.Text" : "TooMany.PublicText"]) + "</p>"
            + (signIn ? "<p><a href=\"/signin\">" + e.Encode(text["TooMany.Back"]) + "</a></p>" : "") + "</main></body></html>", ct);
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
        // After localization, so that the 429 page speaks the reader's language.
        app.UseRateLimiter();
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

    /// <summary>
    /// A disabled or deleted user, or a revoked or idle session, loses access at the next request, not at
    /// cookie expiry. A cookie without a session id (issued before sessions existed) is refused too.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var sid = context.Principal?.FindFirstValue(VigieClaims.SessionId);
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        var active = Guid.TryParse(id, out var userId) && Guid.TryParse(sid, out var sessionId)
            && await accounts.IsSessionActiveAsync(userId, sessionId, context.HttpContext.RequestAborted);
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

    private static async Task<IResult> SignOutAsync(HttpContext context, [FromForm] string? returnUrl, AccountService accounts)
    {
        if (Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            && Guid.TryParse(context.User.FindFirstValue(VigieClaims.SessionId), out var sessionId))
        {
            await accounts.RevokeAsync(userId, sessionId, null, null, context.RequestAborted);
        }
        await context.RequestServices.GetRequiredService<Features.Audit.AuditLog>().RecordAsync(context,
            new(Features.Audit.AuditActions.SignOut, "user", context.User.Identity?.Name));
        await context.SignOutAsync(CookieScheme);
        return Results.LocalRedirect("/signin");
    }

    /// <summary>Only paths of this site: no scheme, no protocol-relative //host, no backslash tricks.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\n') && !url.Contains('\r');
}
