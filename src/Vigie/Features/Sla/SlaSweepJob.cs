using Quartz;

namespace Vigie.Features.Sla;

/// <summary>Quartz job: records SLA breaches (<see cref="SlaService.SweepAsync"/>).</summary>
[DisallowConcurrentExecution]
public sealed class SlaSweepJob(IServiceScopeFactory scopes, ILogger<SlaSweepJob> log) : IJob
{
    public static readonly JobKey Key = new("sla-sweep", "vigie");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorded = await scope.ServiceProvider.GetRequiredService<SlaService>().SweepAsync(cancellationToken);
        if (recorded > 0)
        {
            log.LogInformation("SLA sweep recorded {Count} breach(es).", recorded);
        }
    }
}
