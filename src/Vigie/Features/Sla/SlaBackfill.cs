namespace Vigie.Features.Sla;

/// <summary>
/// At start-up, in the background: gives incidents from before the SLA facts were kept their clocks
/// (<see cref="SlaService.BackfillAsync"/>), so lists, metrics and sweeps see the whole history.
/// </summary>
public sealed class SlaBackfill(IServiceScopeFactory scopes, ILogger<SlaBackfill> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var done = await scope.ServiceProvider.GetRequiredService<SlaService>().BackfillAsync(500, stoppingToken);
            if (done > 0)
            {
                log.LogInformation("SLA clocks computed for {Count} incident(s) opened before they were kept.", done);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            // Not fatal: the next start resumes where this one stopped.
            log.LogWarning(e, "SLA backfill stopped; it resumes at the next start.");
        }
    }
}
