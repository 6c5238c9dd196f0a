namespace Vigie.Features.Identity;

/// <summary>
/// Optional sign-in through an OpenID Connect provider (<c>Vigie:Oidc</c>): off while <see cref="Authority"/>
/// is empty. Authorization code flow with PKCE; the provider proves who the person is, Vigie decides
/// whether they may come in (an existing account matched by verified e-mail, or one provisioned if allowed)
/// and with which role (<see cref="RoleMap"/>). See docs/identity.md.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Vigie:Oidc";

    /// <summary>The issuer, e.g. https://sso.example.org/realms/csirt; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client secret; may be <c>protected:…</c> (vigie secret protect). Empty for a public client (PKCE only).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c>.</summary>
    public string[] Scopes { get; set; } = ["profile", "email"];

    /// <summary>The provider's name on the sign-in button ("Sign in with …" / "Se connecter avec …").</summary>
    public string DisplayName { get; set; } = "OpenID Connect";

    /// <summary>The ID-token claim holding the e-mail address.</summary>
    public string EmailClaim { get; set; } = "email";

    /// <summary>
    /// The claim saying the address was verified by the provider (must be true). Empty = the provider only
    /// issues addresses it vouches for (e.g. Entra ID's organisational <c>email</c>/<c>preferred_username</c>).
    /// </summary>
    public string? EmailVerifiedClaim { get; set; } = "email_verified";

    public string FullNameClaim { get; set; } = "name";

    /// <summary>The claim listing groups or roles (e.g. <c>groups</c>, <c>roles</c>); each value is looked up in <see cref="RoleMap"/>.</summary>
    public string? RoleClaim { get; set; }

    /// <summary>
    /// Claim value → Vigie role (admin, lead, analyst, auditor). When not empty, a person with no mapped value
    /// is refused, and the role of the account follows the provider at each sign-in (the highest mapped role).
    /// When empty, the account keeps the role set in Vigie.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = [];

    /// <summary>Create an account for a person the provider vouches for but Vigie does not know (needs <see cref="RoleMap"/>). Off by default.</summary>
    public bool ProvisionUnknownUsers { get; set; }

    /// <summary>
    /// Whether the provider's <c>amr</c> claim (RFC 8176) naming one of <see cref="SecondFactorMethods"/>
    /// stands for Vigie's second factor. Off: staff still give their TOTP code after the provider.
    /// </summary>
    public bool TrustProviderMfa { get; set; }

    /// <summary>The <c>amr</c> values that count as a second factor when <see cref="TrustProviderMfa"/> is on.</summary>
    public string[] SecondFactorMethods { get; set; } = ["mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "retina", "vbm"];

    /// <summary>Only for a provider on a test bench: allow an http:// authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Where the provider sends the browser back; register it with the provider (https://vigie.example.org/signin/oidc/callback).</summary>
    public string CallbackPath { get; set; } = "/signin/oidc/callback";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The staff roles a claim value may map to (constituent contacts never come in through the provider).</summary>
    public static readonly IReadOnlyDictionary<string, UserRole> MappableRoles = new Dictionary<string, UserRole>(StringComparer.OrdinalIgnoreCase)
    {
        ["admin"] = UserRole.Admin,
        ["lead"] = UserRole.Lead,
        ["analyst"] = UserRole.Analyst,
        ["auditor"] = UserRole.Auditor,
    };

    /// <summary>What is wrong with the configuration, each naming its key; empty when it is usable (or off).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{Section}:Authority must be an absolute https:// URL (the issuer).");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && RequireHttpsMetadata)
        {
            problems.Add($"{Section}:Authority must use https:// (set {Section}:RequireHttpsMetadata=false only for a test provider).");
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add($"{Section}:ClientId is required when {Section}:Authority is set.");
        }
        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            problems.Add($"{Section}:DisplayName must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(EmailClaim))
        {
            problems.Add($"{Section}:EmailClaim must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(CallbackPath) || CallbackPath[0] != '/')
        {
            problems.Add($"{Section}:CallbackPath must be a path starting with '/'.");
        }
        foreach (var (value, role) in RoleMap)
        {
            if (!MappableRoles.ContainsKey(role ?? ""))
            {
                problems.Add($"{Section}:RoleMap:{value} = '{role}': the role must be admin, lead, analyst or auditor.");
            }
        }
        if (RoleMap.Count > 0 && string.IsNullOrWhiteSpace(RoleClaim))
        {
            problems.Add($"{Section}:RoleClaim is required when {Section}:RoleMap is set.");
        }
        if (ProvisionUnknownUsers && RoleMap.Count == 0)
        {
            problems.Add($"{Section}:ProvisionUnknownUsers needs {Section}:RoleClaim and {Section}:RoleMap (a new account needs a role).");
        }
        if (TrustProviderMfa && SecondFactorMethods.Length == 0)
        {
            problems.Add($"{Section}:SecondFactorMethods must not be empty when {Section}:TrustProviderMfa is on.");
        }
        return problems;
    }
}
