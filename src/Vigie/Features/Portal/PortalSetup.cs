using Microsoft.AspNetCore.Authorization;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;

namespace Vigie.Features.Portal;

/// <summary>The constituent portal (docs/portal.md): its policies, the resource handlers, its service.</summary>
public static class PortalSetup
{
    /// <summary>A constituent contact with an organisation: the portal's pages and its API, any scope.</summary>
    public const string Contact = "portal";

    /// <summary>A contact with a write (or admin) scope: reply, file a report, hand in evidence, change their key.</summary>
    public const string ContactWrite = "portal-write";

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Contact, p => p.RequireAuthenticatedUser().RequireRole("constituent").RequireClaim(VigieClaims.ConstituentId))
            .AddPolicy(ContactWrite, p => p.RequireAuthenticatedUser().RequireRole("constituent").RequireClaim(VigieClaims.ConstituentId)
                .RequireClaim(VigieClaims.Scope, "write", "admin"));
        builder.Services.AddScoped<IAuthorizationHandler, IncidentAuthorizationHandler>();
        builder.Services.AddScoped<IAuthorizationHandler, ReportAuthorizationHandler>();
        builder.Services.AddScoped<PortalService>();
        builder.Services.AddScoped<PortalInventory>();
        builder.Services.AddScoped<PortalAdvisories>();
        return builder;
    }
}
