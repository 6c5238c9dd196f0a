using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Vigie.Core.Incidents;

namespace Vigie.Features.Audit;

/// <summary>
/// Changes to incidents reach the audit log through their timeline: every change to an incident
/// appends a <see cref="TimelineEvent"/> in the same SaveChanges (DESIGN.md), so watching for new
/// timeline rows catches state changes, qualification, tasks, correspondence sent, consents,
/// evidence added and reviews wherever they are made (API, page, worker) without a hook in each.
/// The entries are written once the change is committed (at the end of SaveChanges, or when the
/// caller's explicit transaction commits), never for a change that was rolled back.
/// Reads (<see cref="TimelineKind.EvidenceAccessed"/>) and exports (<see cref="TimelineKind.Exported"/>)
/// are recorded by <see cref="AuditReadMiddleware"/> instead, with the request's outcome.
/// </summary>
public sealed class AuditChangeInterceptor(AuditLog audit, IHttpContextAccessor http, ILogger<AuditChangeInterceptor> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<AuditEvent>> _pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            await FlushAsync(context);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            FlushAsync(context).GetAwaiter().GetResult();
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Discard(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            await FlushAsync(context);
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context)
        {
            FlushAsync(context).GetAwaiter().GetResult();
        }
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Discard(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Discard(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var added = context.ChangeTracker.Entries<TimelineEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Where(e => e.Kind is not (TimelineKind.EvidenceAccessed or TimelineKind.Exported)).ToList();
        if (added.Count == 0)
        {
            return;
        }
        var numbers = context.ChangeTracker.Entries<Incident>().ToDictionary(e => e.Entity.Id, e => e.Entity.Number);
        var pending = _pending.GetOrCreateValue(context);
        lock (pending)
        {
            foreach (var e in added)
            {
                var detail = new Dictionary<string, string?> { ["event"] = e.Kind.ToString() };
                foreach (var (key, value) in e.ReadData())
                {
                    detail.TryAdd(key, value);
                }
                if (e.Reason is { Length: > 0 } reason)
                {
                    detail["reason"] = reason;
                }
                var (action, outcome) = e.Kind switch
                {
                    TimelineKind.Created => (AuditActions.Create, AuditOutcomes.Success),
                    TimelineKind.MessageSent or TimelineKind.ConsentRecorded => (AuditActions.Share, AuditOutcomes.Success),
                    TimelineKind.ShareRefused => (AuditActions.Share, AuditOutcomes.Denied),
                    _ => (AuditActions.Change, AuditOutcomes.Success),
                };
                detail["actor"] = e.Actor;
                pending.Add(new AuditEvent(action, "incident", numbers.GetValueOrDefault(e.IncidentId) ?? e.IncidentId.ToString(), outcome, detail));
            }
        }
    }

    private void Discard(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private async Task FlushAsync(DbContext context)
    {
        if (!_pending.TryGetValue(context, out var pending))
        {
            return;
        }
        _pending.Remove(context);
        List<AuditEvent> events;
        lock (pending)
        {
            events = [.. pending];
        }
        foreach (var what in events)
        {
            var actorName = what.Detail?["actor"] ?? "system";
            var detail = what.Detail!.Where(kv => kv.Key != "actor").ToDictionary(kv => kv.Key, kv => kv.Value);
            // The person of the request when they are the one the timeline names; otherwise (workers, intake) the timeline's actor.
            var request = http.HttpContext;
            var actor = request is not null && request.User.Identity?.Name == actorName
                ? AuditActor.Of(request)
                : new AuditActor(null, actorName, request?.Connection.RemoteIpAddress?.ToString());
            try
            {
                await audit.AppendWithRetriesAsync(actor, what with { Detail = detail });
            }
            catch (Exception e)
            {
                // The change is committed; failing the request now would only hide that it happened.
                logger.LogError(e, "Could not record a change of incident {Incident} in the audit log.", what.ObjectId);
            }
        }
    }
}
