using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Web;

namespace Vigie.Features.Identity;

/// <summary>Why a person the provider sent back does not come in (the code in /signin?oidc=…, and the audit reason).</summary>
public static class OidcRefusals
{
    public const string NoEmail = "no-email";
    public const string EmailNotVerified = "email-not-verified";
    public const string Unknown = "unknown";
    public const string Disabled = "disabled";
    public const string Locked = "locked";
    public const string Unmapped = "unmapped";
    public const string NotStaff = "not-staff";

    /// <summary>The exchange with the provider failed: bad signature, wrong nonce or state, provider error or unreachable.</summary>
    public const string Failed = "failed";

    public static readonly string[] All = [NoEmail, EmailNotVerified, Unknown, Disabled, Locked, Unmapped, NotStaff, Failed];
}

/// <summary>
/// OpenID Connect sign-in: the ASP.NET Core handler runs the protocol (authorization code + PKCE, state,
/// nonce, ID-token signature, issuer, audience, lifetime); this class decides who comes in. The person is
/// matched to a Vigie account by verified e-mail (or provisioned, if allowed), their role follows the
/// provider's groups when a role map is set, and a normal Vigie session is opened through
/// <see cref="AccountService"/>, after Vigie's TOTP step unless the provider's <c>amr</c> is trusted.
/// </summary>
public sealed class OidcSignIn(VigieDb db, AccountService accounts, AuditLog audit, TimeProvider time, IOptions<OidcOptions> options,
    ILogger<OidcSignIn> log)
{
    public const string Scheme = "oidc";

    public const string ChallengePath = "/signin/oidc";

    private OidcOptions Options => options.Value;

    /// <summary>Registers the provider when <c>Vigie:Oidc:Authority</c> is set; the configuration is checked at start-up, each problem naming its key.</summary>
    public static void AddVigieOidc(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        builder.Services.AddScoped<OidcSignIn>();
        var configured = builder.Configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (!configured.Enabled)
        {
            return;
        }
        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, configured.DisplayName, _ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>, SecretValues>((o, vigie, secrets) =>
        {
            var c = vigie.Value;
            o.Authority = c.Authority;
            o.ClientId = c.ClientId;
            o.ClientSecret = string.IsNullOrEmpty(c.ClientSecret) ? null : secrets.Reveal(c.ClientSecret, OidcOptions.Section + ":ClientSecret");
            o.RequireHttpsMetadata = c.RequireHttpsMetadata;
            o.CallbackPath = c.CallbackPath;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // Back by a top-level GET: the state and nonce cookies can then be SameSite=Lax, and need no https on a test bench.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.Scope.Clear();
            o.Scope.Add("openid");
            foreach (var scope in c.Scopes.Where(s => !string.IsNullOrWhiteSpace(s) && s != "openid"))
            {
                o.Scope.Add(scope);
            }
            // The claim names of the ID token as the provider wrote them (email, groups, amr), not WS-Federation URIs.
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            // Never used to sign in (the callback opens a Vigie session itself), but the handler wants one.
            o.SignInScheme = WebSetup.CookieScheme;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Only once the handler has checked everything (signature, issuer, audience, lifetime, then the nonce and the
            // token response, which come after OnTokenValidated): the ticket is what the library vouches for.
            o.Events.OnTicketReceived = OnTicketReceivedAsync;
            o.Events.OnRemoteFailure = OnRemoteFailureAsync;
        });
    }

    public static void MapOidcSignIn(WebApplication app) =>
        app.MapGet(ChallengePath, ChallengeAsync).AllowAnonymous().ExcludeFromDescription();

    /// <summary>The "Sign in with …" link: off (404) unless a provider is configured.</summary>
    private static async Task<IResult> ChallengeAsync(HttpContext http, string? returnUrl, IOptions<OidcOptions> options)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.NotFound();
        }
        try
        {
            await http.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = WebSetup.IsLocal(returnUrl) ? returnUrl : "/" });
            return Results.Empty;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException && !http.Response.HasStarted)
        {
            // The discovery document could not be read: the provider is down or unreachable.
            http.RequestServices.GetRequiredService<ILogger<OidcSignIn>>().LogWarning("OpenID Connect provider unreachable: {Error}", e.Message);
            return Results.LocalRedirect("/signin?oidc=" + OidcRefusals.Failed);
        }
    }

    private static async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var http = context.HttpContext;
        var signIn = http.RequestServices.GetRequiredService<OidcSignIn>();
        var returnUrl = WebSetup.IsLocal(context.ReturnUri) ? context.ReturnUri! : "/";
        var next = await signIn.CompleteAsync(http, context.Principal!, returnUrl, http.RequestAborted);
        context.HandleResponse();
        await WriteContinuePageAsync(http, next);
    }

    /// <summary>Tampered or unsigned token, wrong nonce or state, an error from the provider: refused, audited, and said plainly.</summary>
    private static async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<ILogger<OidcSignIn>>().LogWarning("OpenID Connect sign-in failed: {Error}", context.Failure?.Message);
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(AuditActor.Anonymous(http.Connection.RemoteIpAddress?.ToString()),
            new(AuditActions.SignInFailed, "user", null, AuditOutcomes.Failure, new Dictionary<string, string?>
            {
                ["method"] = "oidc",
                ["reason"] = OidcRefusals.Failed,
                ["error"] = context.Failure?.GetType().Name,
            }));
        context.HandleResponse();
        await WriteContinuePageAsync(http, "/signin?oidc=" + OidcRefusals.Failed);
    }

    /// <summary>
    /// Maps the provider's person to a Vigie account and opens the session (or the TOTP step). Returns where
    /// the browser goes next: the return URL, the code or enrolment step, or the sign-in page with the refusal.
    /// </summary>
    public async Task<string> CompleteAsync(HttpContext http, ClaimsPrincipal idp, string returnUrl, CancellationToken ct)
    {
        var ip = http.Connection.RemoteIpAddress?.ToString();
        var subject = idp.FindFirstValue("sub");
        var rawEmail = idp.FindFirstValue(Options.EmailClaim);
        if (!Core.EmailAddress.TryNormalize(rawEmail, out var email, out _))
        {
            return await RefuseAsync(AuditActor.Anonymous(ip), rawEmail, subject, OidcRefusals.NoEmail);
        }
        if (!string.IsNullOrWhiteSpace(Options.EmailVerifiedClaim)
            && !string.Equals(idp.FindFirstValue(Options.EmailVerifiedClaim), "true", StringComparison.OrdinalIgnoreCase))
        {
            return await RefuseAsync(AuditActor.Anonymous(ip), email, subject, OidcRefusals.EmailNotVerified);
        }
        var mapped = MappedRole(idp);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            if (!Options.ProvisionUnknownUsers)
            {
                return await RefuseAsync(AuditActor.Anonymous(ip), email, subject, OidcRefusals.Unknown);
            }
            if (mapped is null)
            {
                return await RefuseAsync(AuditActor.Anonymous(ip), email, subject, OidcRefusals.Unmapped);
            }
            user = new User
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()),
                Email = email,
                FullName = FullName(idp) ?? email,
                Role = mapped.Value,
                CreatedAt = time.GetUtcNow(),
                // No local password: this account signs in through the provider only (until an admin sets one).
                PasswordHash = "",
            };
            db.Users.Add(user);
            await db.SaveChangesAsync(ct);
            log.LogInformation("Account {UserId} provisioned from OpenID Connect with role {Role}.", user.Id, user.Role);
            await audit.RecordAsync(new AuditActor(user.Id, user.Email, ip), new(AuditActions.Create, "user", user.Email,
                Detail: new Dictionary<string, string?> { ["method"] = "oidc", ["role"] = Role(user.Role), ["subject"] = subject }));
        }
        var actor = new AuditActor(user.Id, user.Email, ip);
        if (user.Disabled)
        {
            return await RefuseAsync(actor, email, subject, OidcRefusals.Disabled);
        }
        if (!user.IsStaff)
        {
            // Constituent contacts never come in through the team's provider, whatever their groups say.
            return await RefuseAsync(actor, email, subject, OidcRefusals.NotStaff);
        }
        if (accounts.IsLocked(user))
        {
            return await RefuseAsync(actor, email, subject, OidcRefusals.Locked);
        }
        if (Options.RoleMap.Count > 0)
        {
            if (mapped is null)
            {
                return await RefuseAsync(actor, email, subject, OidcRefusals.Unmapped);
            }
            if (mapped.Value != user.Role)
            {
                // The provider decides the role: it changes here, at sign-in, and the account's other sessions
                // (which carry the old role) end.
                var before = user.Role;
                user.Role = mapped.Value;
                await db.SaveChangesAsync(ct);
                await audit.RecordAsync(actor, new(AuditActions.Change, "user", user.Email, Detail: new Dictionary<string, string?>
                {
                    ["method"] = "oidc",
                    ["field"] = "role",
                    ["from"] = Role(before),
                    ["to"] = Role(user.Role),
                }));
                await accounts.RevokeAsync(user.Id, null, null, actor, ct);
            }
        }
        if (FullName(idp) is { } fullName && fullName != user.FullName)
        {
            user.FullName = fullName;
            await db.SaveChangesAsync(ct);
        }
        var amr = ProviderSecondFactor(idp);
        if (amr is not null)
        {
            await accounts.StartSessionAsync(http, user, ct, new Dictionary<string, string?>
            {
                ["method"] = "oidc",
                ["second-factor"] = "amr:" + amr,
                ["subject"] = subject,
            });
            return returnUrl;
        }
        var stage = user.HasTwoFactor ? "code" : "enrol";
        await AccountService.SignInPendingAsync(http, user, stage, "oidc");
        return $"/signin/{stage}?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
    }

    /// <summary>The highest Vigie role any of the person's claim values maps to, or null.</summary>
    public UserRole? MappedRole(ClaimsPrincipal idp)
    {
        if (Options.RoleMap.Count == 0 || string.IsNullOrWhiteSpace(Options.RoleClaim))
        {
            return null;
        }
        UserRole? best = null;
        foreach (var claim in idp.FindAll(Options.RoleClaim))
        {
            if (Options.RoleMap.TryGetValue(claim.Value, out var name) && OidcOptions.MappableRoles.TryGetValue(name, out var role)
                && (best is null || role < best))
            {
                // UserRole is ordered from the widest (admin) to the narrowest staff role (auditor).
                best = role;
            }
        }
        return best;
    }

    /// <summary>The provider's <c>amr</c> value that stands for the second factor, when that is trusted; else null.</summary>
    private string? ProviderSecondFactor(ClaimsPrincipal idp) =>
        !Options.TrustProviderMfa
            ? null
            : idp.FindAll("amr").Select(c => c.Value).FirstOrDefault(v => Options.SecondFactorMethods.Contains(v, StringComparer.OrdinalIgnoreCase));

    private string? FullName(ClaimsPrincipal idp) =>
        idp.FindFirstValue(Options.FullNameClaim) is { } name && !string.IsNullOrWhiteSpace(name) ? name.Trim()[..Math.Min(name.Trim().Length, 200)] : null;

    private static string Role(UserRole role) => role.ToString().ToLowerInvariant();

    private async Task<string> RefuseAsync(AuditActor actor, string? email, string? subject, string reason)
    {
        await audit.RecordAsync(actor, new(AuditActions.SignInFailed, "user", actor.Id is null ? null : actor.Name, AuditOutcomes.Failure,
            new Dictionary<string, string?> { ["method"] = "oidc", ["email"] = email, ["subject"] = subject, ["reason"] = reason }));
        return "/signin?oidc=" + reason;
    }

    /// <summary>
    /// A page that moves on by itself (meta refresh, no script): the session and pending cookies are SameSite=Strict,
    /// and a browser does not send them on a redirect chain that began at the provider's site; a navigation started
    /// by this page is same-site.
    /// </summary>
    private static async Task WriteContinuePageAsync(HttpContext http, string next)
    {
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<IdentityText>>();
        var e = System.Text.Encodings.Web.HtmlEncoder.Default;
        var lang = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={e.Encode(next)}\">"
            + $"<title>{e.Encode(text["Oidc.Continue"])} · Vigie</title><meta name=\"viewport\" content=\"width=device-width\"></head>"
            + $"<body><main id=\"main\"><p><a id=\"continue\" href=\"{e.Encode(next)}\">{e.Encode(text["Oidc.Continue"])}</a></p></main></body></html>");
    }
}

/// <summary>Lists every problem of <c>Vigie:Oidc</c> at start-up, each with its key.</summary>
public sealed class OidcOptionsValidator : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
