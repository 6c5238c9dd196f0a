using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Vigie.Tests.Infrastructure;

/// <summary>
/// A minimal OpenID Connect provider on 127.0.0.1 that stands in for the team's identity provider
/// (Keycloak, Entra ID…): the internet is out of reach, so the tests run the protocol against this real
/// HTTP server. It serves discovery, the JWKS, an authorize endpoint that signs in <see cref="Person"/>
/// without asking (auto-login), and a token endpoint that checks the client secret, the redirect URI and
/// the PKCE verifier, then issues an RS256 ID token (Microsoft.IdentityModel.JsonWebTokens). <see cref="Tamper"/>
/// makes it misbehave the ways an attacker would.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "vigie";
    public const string ClientSecret = "test-client-secret-0123";

    /// <summary>Someone the provider signs in.</summary>
    public sealed record Identity(string Subject, string? Email, bool EmailVerified = true, string? Name = null, string[]? Groups = null, string[]? Amr = null);

    public enum Tampering
    {
        None,

        /// <summary>The ID token is signed with another key under the provider's key id.</summary>
        Signature,

        /// <summary>The ID token carries a nonce other than the one the client sent.</summary>
        Nonce,
    }

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (Identity Person, string Nonce, string RedirectUri, string Challenge)> _codes = new();
    private WebApplication? _app;

    /// <summary>Who is "signed in" at the provider: the authorize endpoint answers for them at once.</summary>
    public Identity Person { get; set; } = new("sub-0", "analyst@csirt.test");

    public Tampering Tamper { get; set; }

    /// <summary>The query of the last authorize request (to check PKCE, state and nonce were sent).</summary>
    public IQueryCollection? LastAuthorize { get; private set; }

    public Uri Issuer { get; private set; } = default!;

    private const string KeyId = "test-key-1";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = IssuerText,
            ["authorization_endpoint"] = IssuerText + "/authorize",
            ["token_endpoint"] = IssuerText + "/token",
            ["jwks_uri"] = IssuerText + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post" },
            ["scopes_supported"] = new[] { "openid", "profile", "email" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var p = _key.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                        ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                    },
                },
            });
        });
        _app.MapGet("/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            LastAuthorize = q;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
                || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["redirect_uri"]))
            {
                return Results.BadRequest("invalid_request");
            }
            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
            _codes[code] = (Person, q["nonce"].ToString(), q["redirect_uri"].ToString(), q["code_challenge"].ToString());
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        _app.MapPost("/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret
                || !_codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"]
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            return Results.Json(new Dictionary<string, object>
            {
                ["access_token"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24)),
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["id_token"] = IdToken(grant.Person, grant.Nonce),
            });
        });
        await _app.StartAsync();
        Issuer = new Uri(_app.Urls.First());
    }

    private string IssuerText => Issuer.GetLeftPart(UriPartial.Authority);

    /// <summary>The provider's clock is the real one (it is another system); Vigie checks its tokens against it.</summary>
    private string IdToken(Identity person, string nonce)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = person.Subject,
            ["nonce"] = Tamper == Tampering.Nonce ? "not-the-nonce-sent" : nonce,
            ["email_verified"] = person.EmailVerified,
        };
        if (person.Email is not null)
        {
            claims["email"] = person.Email;
        }
        if (person.Name is not null)
        {
            claims["name"] = person.Name;
        }
        if (person.Groups is not null)
        {
            claims["groups"] = person.Groups;
        }
        if (person.Amr is not null)
        {
            claims["amr"] = person.Amr;
        }
        var key = new RsaSecurityKey(Tamper == Tampering.Signature ? _otherKey : _key) { KeyId = KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IssuerText,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The settings that point a Vigie host at this provider.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Vigie:Oidc:Authority"] = IssuerText,
        ["Vigie:Oidc:ClientId"] = ClientId,
        ["Vigie:Oidc:ClientSecret"] = ClientSecret,
        ["Vigie:Oidc:RequireHttpsMetadata"] = "false",
        ["Vigie:Oidc:DisplayName"] = "Test SSO",
        ["Vigie:Oidc:RoleClaim"] = "groups",
        ["Vigie:Oidc:RoleMap:csirt-admins"] = "admin",
        ["Vigie:Oidc:RoleMap:csirt-leads"] = "lead",
        ["Vigie:Oidc:RoleMap:csirt-analysts"] = "analyst",
        ["Vigie:Oidc:RoleMap:csirt-auditors"] = "auditor",
        ["Vigie:Oidc:TrustProviderMfa"] = "true",
    };

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _key.Dispose();
        _otherKey.Dispose();
    }
}
