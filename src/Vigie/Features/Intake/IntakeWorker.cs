using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core.Reports;
using Vigie.Data;

namespace Vigie.Features.Intake;

/// <summary>
/// Reads stored reports in the background: claims each one (Received → Processing, one UPDATE, so two
/// nodes never read the same report), runs <see cref="ReportProcessor"/>, and records a failure
/// rather than losing anything. Claims older than the lease (a node died mid-read) are given back.
/// </summary>
public sealed partial class IntakeWorker(IServiceScopeFactory scopes, IntakeSignal signal, TimeProvider time,
    IOptions<IntakeOptions> options, ILogger<IntakeWorker> logger) : BackgroundService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }
        // Let the host finish starting (migrations run before the server listens).
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                await signal.WaitAsync(s_poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database is away, say: wait and try again; the reports are safe where they are.
                LogLoopFailed(e);
                await Task.Delay(s_poll, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Reads every report waiting now; returns how many were read. Also used by <c>vigie intake</c>.</summary>
    public async Task<int> DrainAsync(CancellationToken ct, IProgress<int>? progress = null)
    {
        await ReleaseStaleClaimsAsync(ct);
        var total = 0;
        while (await ClaimAsync(ct) is { Count: > 0 } claimed)
        {
            var read = 0;
            await Parallel.ForEachAsync(claimed, new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.Value.Workers),
                CancellationToken = ct,
            }, async (id, token) =>
            {
                await ProcessClaimedAsync(id, token);
                Interlocked.Increment(ref read);
                progress?.Report(1);
            });
            total += read;
        }
        return total;
    }

    /// <summary>
    /// Claims the oldest waiting reports in one UPDATE (one write transaction for the whole batch, not
    /// one per report), marked with a token so that a report another node claimed first is left to it.
    /// </summary>
    private async Task<List<Guid>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var waiting = await db.Reports.AsNoTracking().Where(r => r.Status == ReportStatus.Received)
            .OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id).Select(r => r.Id).Take(ClaimBatch).ToListAsync(ct);
        if (waiting.Count == 0)
        {
            return waiting;
        }
        var token = Guid.NewGuid();
        var now = time.GetUtcNow();
        await db.Reports.Where(r => waiting.Contains(r.Id) && r.Status == ReportStatus.Received)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReportStatus.Processing)
                .SetProperty(r => r.ClaimedAt, now).SetProperty(r => r.ClaimToken, token), ct);
        return await db.Reports.AsNoTracking().Where(r => r.ClaimToken == token && r.Status == ReportStatus.Processing)
            .OrderBy(r => r.ReceivedAt).Select(r => r.Id).ToListAsync(ct);
    }

    private const int ClaimBatch = 64;

    /// <summary>Reads one claimed report; a failure is recorded on the report, never thrown.</summary>
    private async Task ProcessClaimedAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<ReportProcessor>().ProcessAsync(id, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the report back so the next start reads it.
            await using var again = scopes.CreateAsyncScope();
            await GiveBackAsync(again.ServiceProvider.GetRequiredService<VigieDb>().Reports.Where(r => r.Id == id), CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            LogReportFailed(e, id);
            await using var again = scopes.CreateAsyncScope();
            var fresh = again.ServiceProvider.GetRequiredService<VigieDb>();
            if (await fresh.Reports.FirstOrDefaultAsync(r => r.Id == id, CancellationToken.None) is { } report)
            {
                report.RecordFailure($"{e.GetType().Name}: {e.Message}");
                await fresh.SaveChangesAsync(CancellationToken.None);
            }
        }
    }

    private async Task ReleaseStaleClaimsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var before = time.GetUtcNow() - options.Value.ClaimLease;
        var released = await GiveBackAsync(db.Reports.Where(r => r.Status == ReportStatus.Processing && r.ClaimedAt < before), ct);
        if (released > 0)
        {
            LogReleased(released);
        }
    }

    /// <summary>Puts claimed reports back in the queue, in one UPDATE (what <see cref="Report.Requeue"/> does to one entity).</summary>
    private static Task<int> GiveBackAsync(IQueryable<Report> reports, CancellationToken ct) =>
        reports.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReportStatus.Received)
            .SetProperty(r => r.ClaimedAt, (DateTimeOffset?)null).SetProperty(r => r.ClaimToken, (Guid?)null), ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "The intake loop failed; retrying shortly.")]
    private partial void LogLoopFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading report {ReportId} failed; it is kept and marked failed (vigie intake reprocess retries it).")]
    private partial void LogReportFailed(Exception e, Guid reportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} report(s) left half-read by a stopped worker were queued again.")]
    private partial void LogReleased(int count);
}
