using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vigie.Data;

namespace Vigie.Features.Health;

/// <summary>Readiness includes the database: a node that cannot reach it must leave the load balancer.</summary>
internal sealed class DatabaseHealthCheck(VigieDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var pending = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, ct);
            var provider = db.Database.ProviderName?.Split('.').Last() ?? "unknown";
            return pending.Any()
                ? HealthCheckResult.Unhealthy($"{provider}: {pending.Count()} migration(s) not applied; run 'vigie db migrate'.")
                : HealthCheckResult.Healthy($"{provider}: reachable, schema up to date.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", e);
        }
    }
}

public static class HealthApi
{
    public static IServiceCollection AddVigieHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static IEndpointRouteBuilder MapVigieHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            // Status and per-check description only: exception text could reveal connection details.
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
                });
            },
        }).AllowAnonymous();
        return app;
    }
}
