using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Vigie.Core.Reports;
using Vigie.Data;

namespace Vigie.Features.Reports;

/// <summary>
/// Group commit of new reports. Each channel (SMTP session, IMAP poller, API request) has already made
/// its raw bytes durable; what remains is one row per report, and a commit — a disk flush — per row
/// caps intake at the disk's flush rate and makes concurrent sessions queue on the database's write
/// lock. Here every report waiting at that moment goes in one transaction, and each caller is answered
/// only once that transaction is committed: the guarantee (row durable before the 250) is unchanged,
/// the flushes are shared.
/// </summary>
public sealed partial class ReportCommitter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<ReportCommitter> _logger;
    private readonly Task _loop;

    public ReportCommitter(IServiceScopeFactory scopes, ILogger<ReportCommitter> logger)
    {
        _scopes = scopes;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    private sealed record Pending(Report Report, TaskCompletionSource<(Report Report, bool IsNew)> Done);

    /// <summary>Commits the report (or finds the one already stored with the same bytes).</summary>
    public async Task<(Report Report, bool IsNew)> CommitAsync(Report report, CancellationToken ct)
    {
        var pending = new Pending(report, new TaskCompletionSource<(Report, bool)>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The host is stopping: the report was not committed.");
        }
        // Not cancellable once queued: the caller must not believe a committed report was dropped.
        return await pending.Done.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            try
            {
                await CommitBatchAsync(batch);
            }
            catch (Exception e)
            {
                LogBatchFailed(e, batch.Count);
                foreach (var p in batch)
                {
                    p.Done.TrySetException(e);
                }
            }
            batch.Clear();
        }
    }

    private async Task CommitBatchAsync(List<Pending> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var hashes = batch.Select(p => p.Report.Sha256).Distinct().ToList();
        var stored = await db.Reports.AsNoTracking().Where(r => hashes.Contains(r.Sha256)).ToDictionaryAsync(r => r.Sha256);
        var fresh = new Dictionary<string, Report>();
        foreach (var p in batch)
        {
            if (!stored.ContainsKey(p.Report.Sha256) && fresh.TryAdd(p.Report.Sha256, p.Report))
            {
                db.Reports.Add(p.Report);
            }
        }
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException) when (batch.Count > 1)
        {
            // Another node committed one of these bytes meanwhile: go one by one, so each caller gets its answer.
            foreach (var p in batch)
            {
                await CommitBatchAsync([p]);
            }
            return;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var raced = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Sha256 == batch[0].Report.Sha256);
            if (raced is null)
            {
                throw;
            }
            batch[0].Done.TrySetResult((raced, false));
            return;
        }
        foreach (var p in batch)
        {
            var isNew = fresh.TryGetValue(p.Report.Sha256, out var mine) && ReferenceEquals(mine, p.Report);
            p.Done.TrySetResult(isNew ? (p.Report, true) : (stored.TryGetValue(p.Report.Sha256, out var old) ? old : mine!, false));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing {Count} report(s) failed; their senders are told to retry.")]
    private partial void LogBatchFailed(Exception e, int count);
}
