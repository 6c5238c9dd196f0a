using Microsoft.AspNetCore.Authorization;
using Vigie.Data;

namespace Vigie.Features.Audit;

/// <summary>Wires the audit log: the service, the change interceptor on both contexts, the read middleware and the auditors' policy.</summary>
public static class AuditSetup
{
    /// <summary>Read the audit log: auditors and admins (any token scope: reading is all there is).</summary>
    public const string Policy = "audit";

    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditChangeInterceptor>();
        builder.Services.AddScoped<AuditVerifier>();
        // Composed with the registrations in DataSetup (EF Core 9+), so the data layer needs no audit knowledge.
        builder.Services.ConfigureDbContext<SqliteVigieDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<AuditChangeInterceptor>()));
        builder.Services.ConfigureDbContext<PostgresVigieDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<AuditChangeInterceptor>()));
        builder.Services.Configure<AuthorizationOptions>(o => o.AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole("admin", "auditor")));
        return builder;
    }

    /// <summary>After authentication and authorization: the middleware needs the endpoint and the user.</summary>
    public static WebApplication UseAudit(this WebApplication app)
    {
        app.UseMiddleware<AuditReadMiddleware>();
        return app;
    }
}
