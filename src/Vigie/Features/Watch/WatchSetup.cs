using Vigie.Features.Inventory;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>Asks for a full rematch after an inventory change; requests that arrive while one runs fold into the next.</summary>
public sealed class WatchSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void RematchAll()
    {
        try
        {
            if (_pending.CurrentCount == 0)
            {
                _pending.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // already requested
        }
    }

    public Task WaitAsync(CancellationToken ct) => _pending.WaitAsync(ct);
}

/// <summary>Runs the rematches <see cref="WatchSignal"/> asks for, one at a time, outside the request that changed the inventory.</summary>
public sealed class WatchWorker(WatchSignal signal, IServiceScopeFactory scopes, ILogger<WatchWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WatchService>().RematchAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failed rematch leaves the previous matches in place; the next change or `vigie watch rematch` retries.
                log.LogError(e, "Rematch after an inventory change failed");
            }
        }
    }
}

/// <summary>Wires the vulnerability store, the inventories and the watch.</summary>
public static class WatchSetup
{
    public static WebApplicationBuilder AddVulnerabilityWatch(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<VulnerabilityStore>();
        builder.Services.AddScoped<VulnerabilityImport>();
        builder.Services.AddScoped<InventoryService>();
        builder.Services.AddScoped<WatchService>();
        builder.Services.AddScoped<Advisories.AdvisoryService>();
        builder.Services.AddScoped<Advisories.AdvisoryDistribution>();
        builder.Services.AddSingleton<WatchSignal>();
        builder.Services.AddHostedService<WatchWorker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapVulnerabilityWatch(this IEndpointRouteBuilder app)
    {
        app.MapVulnerabilities();
        app.MapInventory();
        app.MapWatch();
        Advisories.CsafProvider.MapCsafProvider(app);
        Advisories.AdvisoriesApi.MapAdvisories(app);
        return app;
    }
}
