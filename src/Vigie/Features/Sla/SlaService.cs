using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Extensions;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Core.Sla;
using Vigie.Data;

namespace Vigie.Features.Sla;

/// <summary>
/// The SLA clocks of incidents and reports (docs/sla.md): computes due times from the policy and the
/// calendar, reads clocks for lists and pages, pauses them while waiting for the constituent, and
/// records breaches. Pure rules live in Vigie.Core.Sla; this class only fetches what they need.
/// </summary>
public sealed class SlaService(VigieDb db, BusinessCalendar calendar, SlaPolicy policy, TimeProvider time)
{
    public BusinessCalendar Calendar => calendar;

    public SlaPolicy Policy => policy;

    public Instant Now => time.GetUtcNow().ToInstant();

    /// <summary>The contract tier of a constituent (what selects contract targets), or null.</summary>
    public async Task<string?> TierOfAsync(Guid? constituentId, CancellationToken ct) =>
        constituentId is not { } id ? null
            : await db.Constituents.AsNoTracking().Where(c => c.Id == id).Select(c => c.Contract!.Tier).FirstOrDefaultAsync(ct);

    /// <summary>The due times of a clock started at <paramref name="receivedAt"/> for a priority and contract tier.</summary>
    public SlaSchedule Schedule(DateTimeOffset receivedAt, Priority priority, string? tier)
    {
        var received = receivedAt.ToInstant();
        var first = policy.Target(SlaClockKind.FirstResponse, priority, tier)
            ?? throw new InvalidOperationException($"The SLA policy has no first-response target for {priority}.");
        var resolution = policy.Target(SlaClockKind.Resolution, priority, tier);
        return new SlaSchedule(receivedAt, first.Target.ToString(), first.Target.DueFrom(calendar, received).ToDateTimeOffset(),
            resolution?.Target.ToString(), resolution?.Target.DueFrom(calendar, received).ToDateTimeOffset(),
            resolution is not null && resolution.Source != first.Source ? $"{first.Source}, {resolution.Source}" : first.Source);
    }

    /// <summary>
    /// (Re)computes an incident's due times: at creation, and when its priority or constituent changes.
    /// The clock starts at the earliest reception of its reports (the reporter's wait began then), else
    /// at its creation. A pause already taken stays accounted for.
    /// </summary>
    public async Task ScheduleAsync(Incident incident, string actor, CancellationToken ct)
    {
        var received = incident.Sla.ReceivedAt;
        if (received is null)
        {
            var firstReport = await db.Reports.AsNoTracking().Where(r => r.IncidentId == incident.Id)
                .OrderBy(r => r.ReceivedAt).Select(r => (DateTimeOffset?)r.ReceivedAt).FirstOrDefaultAsync(ct);
            var tracked = db.ChangeTracker.Entries<Report>().Where(e => e.Entity.IncidentId == incident.Id).Select(e => (DateTimeOffset?)e.Entity.ReceivedAt);
            received = new[] { firstReport, incident.CreatedAt }.Concat(tracked).Where(d => d is not null).Min();
        }
        var schedule = Schedule(received!.Value, incident.Priority, await TierOfAsync(incident.ConstituentId, ct));
        incident.ScheduleSla(schedule, actor, time.GetUtcNow());
    }

    /// <summary>The first-response clock of an incident, read now (null before it was scheduled).</summary>
    public SlaReading? FirstResponse(Incident incident) =>
        Read(incident.Sla.FirstResponseTarget, incident.Sla.ReceivedAt, incident.Sla.FirstResponseDueAt, incident.Sla.FirstRespondedAt, incident.Sla.WaitingSince);

    /// <summary>The resolution clock of an incident, read now (null when its priority has no resolution target).</summary>
    public SlaReading? Resolution(Incident incident) =>
        Read(incident.Sla.ResolutionTarget, incident.Sla.ReceivedAt, incident.Sla.ResolutionDueAt, incident.Sla.ResolvedAt, incident.Sla.WaitingSince);

    /// <summary>
    /// The clock of a report not handled yet: the first-response target of an unqualified report
    /// (the default policy's P3, or its constituent's contract), from its reception.
    /// </summary>
    public SlaReading ReportClock(DateTimeOffset receivedAt, string? tier = null)
    {
        var target = policy.Target(SlaClockKind.FirstResponse, Priority.P3, tier)!.Target;
        var received = receivedAt.ToInstant();
        return SlaReading.Read(target, calendar, target.ClockStart(calendar, received), target.DueFrom(calendar, received),
            null, null, Now, policy.AtRiskFraction);
    }

    /// <summary>Reads one clock from its stored facts.</summary>
    public SlaReading? Read(string? targetText, DateTimeOffset? receivedAt, DateTimeOffset? due, DateTimeOffset? stoppedAt, DateTimeOffset? waitingSince)
    {
        if (targetText is null || receivedAt is null || due is null || !SlaTarget.Parse(targetText, "target").IsSuccess)
        {
            return null;
        }
        var target = SlaTarget.Parse(targetText, "target").Value;
        var received = receivedAt.Value.ToInstant();
        return SlaReading.Read(target, calendar, target.ClockStart(calendar, received), due.Value.ToInstant(),
            stoppedAt?.ToInstant(), policy.PauseWhileWaiting ? waitingSince?.ToInstant() : null, Now, policy.AtRiskFraction);
    }

    /// <summary>Starts waiting for the constituent.</summary>
    public Core.Error? StartWaiting(Incident incident, string actor, string? reason) => incident.StartWaiting(actor, reason, time.GetUtcNow());

    /// <summary>Ends the wait; with a pausing policy, each running clock's due time moves later by the business (or clock) time waited.</summary>
    public Core.Error? StopWaiting(Incident incident, string actor)
    {
        var now = time.GetUtcNow();
        if (incident.Sla.WaitingSince is not { } since || !policy.PauseWhileWaiting)
        {
            return incident.StopWaiting(actor, null, null, now);
        }
        DateTimeOffset? Extend(string? targetText, DateTimeOffset? due, DateTimeOffset? stopped)
        {
            if (targetText is null || due is null || stopped is not null || !SlaTarget.Parse(targetText, "target").IsSuccess)
            {
                return due;
            }
            var target = SlaTarget.Parse(targetText, "target").Value;
            var paused = target.Elapsed(calendar, since.ToInstant(), now.ToInstant());
            return target.Extend(calendar, due.Value.ToInstant(), paused).ToDateTimeOffset();
        }
        var s = incident.Sla;
        return incident.StopWaiting(actor, Extend(s.FirstResponseTarget, s.FirstResponseDueAt, s.FirstRespondedAt),
            Extend(s.ResolutionTarget, s.ResolutionDueAt, s.ResolvedAt), now);
    }

    /// <summary>
    /// Gives the incidents opened before the SLA facts were kept (an upgraded installation) their clocks
    /// and milestones, read back from their reports and timelines, <paramref name="batchSize"/> at a time.
    /// Idempotent: two nodes running it at once write the same values.
    /// </summary>
    public async Task<int> BackfillAsync(int batchSize, CancellationToken ct)
    {
        var tiers = await db.Constituents.AsNoTracking().Where(c => c.Contract != null && c.Contract.Tier != null)
            .Select(c => new { c.Id, c.Contract!.Tier }).ToDictionaryAsync(c => c.Id, c => c.Tier, ct);
        TimelineKind[] kinds = [TimelineKind.StateChanged, TimelineKind.Updated, TimelineKind.MessageSent, TimelineKind.PageAcknowledged];
        var total = 0;
        while (true)
        {
            var batch = await db.Incidents.Where(i => i.Sla.FirstResponseTarget == null).OrderBy(i => i.Id).Take(batchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return total;
            }
            var ids = batch.Select(i => i.Id).ToList();
            var received = (await db.Reports.AsNoTracking().Where(r => r.IncidentId != null && ids.Contains(r.IncidentId.Value))
                    .Select(r => new { r.IncidentId, r.ReceivedAt }).ToListAsync(ct))
                .GroupBy(r => r.IncidentId!.Value).ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt));
            var events = (await db.TimelineEvents.AsNoTracking().Where(e => ids.Contains(e.IncidentId) && kinds.Contains(e.Kind)).ToListAsync(ct))
                .ToLookup(e => e.IncidentId);
            var now = time.GetUtcNow();
            foreach (var incident in batch)
            {
                var start = received.TryGetValue(incident.Id, out var first) && first < incident.CreatedAt ? first : incident.CreatedAt;
                var tier = incident.ConstituentId is { } c ? tiers.GetValueOrDefault(c) : null;
                incident.BackfillSla(Schedule(start, incident.Priority, tier), SlaMilestones.FromTimeline(events[incident.Id]), now);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            total += batch.Count;
        }
    }

    /// <summary>
    /// Records on the timeline every clock that went past its due time since the last sweep. Each breach
    /// is claimed with a conditional update first, so two nodes sweeping at once record it once.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var paused = policy.PauseWhileWaiting;
        var firstDue = await db.Incidents.AsNoTracking()
            .Where(i => i.Sla.FirstRespondedAt == null && i.Sla.FirstResponseDueAt <= now && !i.Sla.FirstResponseBreached
                && (!paused || i.Sla.WaitingSince == null)
                && i.State != IncidentState.Resolved && i.State != IncidentState.Closed && i.State != IncidentState.Rejected)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(500).ToListAsync(ct);
        var resolutionDue = await db.Incidents.AsNoTracking()
            .Where(i => i.Sla.ResolvedAt == null && i.Sla.ResolutionDueAt <= now && !i.Sla.ResolutionBreached
                && (!paused || i.Sla.WaitingSince == null)
                && i.State != IncidentState.Resolved && i.State != IncidentState.Closed && i.State != IncidentState.Rejected)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(500).ToListAsync(ct);

        var recorded = 0;
        foreach (var (id, resolution) in firstDue.Select(id => (id, false)).Concat(resolutionDue.Select(id => (id, true))))
        {
            var claimed = resolution
                ? await db.Incidents.Where(i => i.Id == id && !i.Sla.ResolutionBreached)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Sla.ResolutionBreached, true), ct)
                : await db.Incidents.Where(i => i.Id == id && !i.Sla.FirstResponseBreached)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.Sla.FirstResponseBreached, true), ct);
            if (claimed == 1 && await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct) is { } incident
                && (resolution ? incident.Sla.ResolutionDueAt : incident.Sla.FirstResponseDueAt) is { } due)
            {
                incident.RecordBreach(resolution, due, now);
                await db.SaveChangesAsync(ct);
                recorded++;
            }
        }
        return recorded;
    }
}
