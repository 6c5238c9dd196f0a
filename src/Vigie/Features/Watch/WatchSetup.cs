using Microsoft.Extensions.Options;
using Quartz;
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

        builder.Services.AddScoped<CsafFetch>();
        builder.Services.AddScoped<FeedPull>();
        builder.Services.AddHttpClient(FeedDownload.Client, c => c.Timeout = TimeSpan.FromMinutes(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), AutomaticDecompression = System.Net.DecompressionMethods.All });
        builder.Services.AddOptions<FeedPullOptions>().BindConfiguration(FeedPullOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FeedPullOptions>, FeedPullOptionsValidator>();
        builder.Services.AddHealthChecks().AddCheck<FeedHealthCheck>("feeds");
        var feeds = builder.Configuration.GetSection(FeedPullOptions.Section).Get<FeedPullOptions>()?.Feeds ?? [];
        if (feeds.Any(f => f.Enabled))
        {
            builder.Services.AddQuartz(q =>
            {
                foreach (var feed in feeds.Where(f => f.Enabled && CronExpression.TryParse(f.Schedule, out _)))
                {
                    var key = new JobKey($"feed-{feed.Name}", "vigie");
                    q.AddJob<FeedPullJob>(j => j.WithIdentity(key).UsingJobData(FeedPullJob.FeedKey, feed.Name));
                    q.AddTrigger(t => t.ForJob(key).WithIdentity($"feed-{feed.Name}", "vigie")
                        .WithCronSchedule(feed.Schedule, c => c.InTimeZone(TimeZoneInfo.Utc)));
                }
            });
        }
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
