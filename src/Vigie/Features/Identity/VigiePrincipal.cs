using System.Security.Claims;

namespace Vigie.Features.Identity;

/// <summary>
/// The one place a signed-in principal is built, for API tokens and for the workspace cookie alike,
/// so policies and authorization handlers see the same claims whichever way a person came in.
/// </summary>
public static class VigiePrincipal
{
    public static ClaimsPrincipal Create(User user, TokenScope scope, string scheme)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.Email),
            new(ClaimTypes.GivenName, user.FullName),
            new(ClaimTypes.Role, user.Role.ToString().ToLowerInvariant()),
            new(VigieClaims.Scope, scope.ToString().ToLowerInvariant()),
        ];
        if (user.ConstituentId is { } constituent)
        {
            claims.Add(new(VigieClaims.ConstituentId, constituent.ToString()));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// A person in the workspace may do what their role allows: the cookie carries the widest scope
    /// of the role (tokens are the way to hold less).
    /// </summary>
    public static TokenScope ScopeOfRole(UserRole role) => role switch
    {
        UserRole.Admin => TokenScope.Admin,
        // A contact in the portal replies, files reports and changes their key (their role keeps them out of staff routes).
        UserRole.Lead or UserRole.Analyst or UserRole.Constituent => TokenScope.Write,
        _ => TokenScope.Read,
    };

    public static string FullName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.GivenName) ?? user.Actor();

    public static bool HasRole(this ClaimsPrincipal user, UserRole role) => user.IsInRole(role.ToString().ToLowerInvariant());

    /// <summary>May change incidents, reports and correspondence (analyst, lead, admin).</summary>
    public static bool CanWrite(this ClaimsPrincipal user) =>
        user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead) || user.HasRole(UserRole.Analyst);

    /// <summary>May edit constituents, playbooks and templates (lead, admin).</summary>
    public static bool CanManage(this ClaimsPrincipal user) => user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead);
}
