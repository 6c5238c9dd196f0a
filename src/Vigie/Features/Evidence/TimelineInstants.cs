using Microsoft.EntityFrameworkCore;
using Vigie.Data;

namespace Vigie.Features.Evidence;

/// <summary>
/// The instant of a timeline entry written beside the incident's own methods (evidence, review,
/// export): now, truncated to the microsecond like every stored instant, but strictly after the
/// incident's latest entry. So the timeline and the custody logs keep the order things happened in
/// even when two come within one clock tick (or the clock steps back), as the incident's Touch does.
/// </summary>
internal static class TimelineInstants
{
    public static async Task<DateTimeOffset> NextAsync(VigieDb db, TimeProvider time, Guid incidentId, CancellationToken ct)
    {
        var utc = time.GetUtcNow().ToUniversalTime();
        var now = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
        var last = await db.TimelineEvents.Where(e => e.IncidentId == incidentId)
            .OrderByDescending(e => e.At).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
        var pending = db.ChangeTracker.Entries<Core.Incidents.TimelineEvent>()
            .Where(e => e.State == EntityState.Added && e.Entity.IncidentId == incidentId).Select(e => (DateTimeOffset?)e.Entity.At).Max();
        var after = new[] { last, pending }.Max();
        return after is { } a && a >= now ? a.AddMicroseconds(1) : now;
    }
}
