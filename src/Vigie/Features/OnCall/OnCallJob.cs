using Quartz;

namespace Vigie.Features.OnCall;

/// <summary>Quartz job: pages, escalates and checks the rota (<see cref="OnCallService.RunAsync"/>).</summary>
[DisallowConcurrentExecution]
public sealed class OnCallJob(IServiceScopeFactory scopes) : IJob
{
    public static readonly JobKey Key = new("oncall", "vigie");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OnCallService>().RunAsync(cancellationToken);
    }
}
