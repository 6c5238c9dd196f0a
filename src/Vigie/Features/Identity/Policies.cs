using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Vigie.Features.Identity;

/// <summary>
/// The authorization policies of API v1, in one place. A request needs both a role that allows the
/// operation and a token scope that covers it. Constituent contacts get nothing here: their
/// access goes through the portal (identity issue), which filters by organisation.
/// </summary>
public static class Policies
{
    /// <summary>Read incidents, reports, constituents, lookups: staff, any scope.</summary>
    public const string Read = "read";

    /// <summary>Create and change: admin, lead, analyst, with a write or admin token.</summary>
    public const string Write = "write";

    /// <summary>Publish the team's public documents (RFC 2350): admin and lead, with a write or admin token.</summary>
    public const string Publish = "publish";

    /// <summary>Manage users and tokens: admin with an admin token.</summary>
    public const string Admin = "admin";

    public static AuthorizationBuilder AddVigiePolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireRole("admin", "lead", "analyst", "auditor"))
        .AddPolicy(Write, p => p.RequireAuthenticatedUser().RequireRole("admin", "lead", "analyst")
            .RequireClaim(VigieClaims.Scope, "write", "admin"))
        .AddPolicy(Publish, p => p.RequireAuthenticatedUser().RequireRole("admin", "lead")
            .RequireClaim(VigieClaims.Scope, "write", "admin"))
        .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole("admin").RequireClaim(VigieClaims.Scope, "admin"));

    /// <summary>The actor recorded on timelines: the user's e-mail address.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
