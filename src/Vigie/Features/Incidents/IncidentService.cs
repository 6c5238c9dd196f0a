using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Sla;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Incidents;

/// <summary>
/// Creating and changing incidents where more than one row moves: the yearly number, the
/// linked reports, the constituent check. Single-entity changes go straight to the entity.
/// </summary>
public sealed class IncidentService(VigieDb db, TimeProvider time, IOptions<TeamProfileOptions> team, SlaService sla)
{
    public async Task<Result<Incident>> CreateAsync(CreateIncidentRequest request, string actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var q = ParseQualification(request.RsitClass, request.RsitType, request.Severity, request.Impact, request.Tlp, request.Pap,
            new Qualification(null, null, Severity.Medium, Impact.Medium, Tlp.Amber, Pap.Amber), errors);
        if (request.ConstituentId is { } cid && !await db.Constituents.AnyAsync(c => c.Id == cid, ct))
        {
            errors.Add("constituentId", $"No constituent has the id {cid}.");
        }
        var reportIds = request.ReportIds ?? [];
        var reports = reportIds.Length == 0 ? []
            : await db.Reports.Where(r => reportIds.Contains(r.Id)).ToListAsync(ct);
        foreach (var missing in reportIds.Except(reports.Select(r => r.Id)))
        {
            errors.Add("reportIds", $"No report has the id {missing}.");
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        // The number is allocated in the same transaction as the insert: a failed request
        // leaves neither an incident nor a gap-making increment behind.
        for (var attempt = 1; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var now = time.GetUtcNow();
                var year = TeamYear(now);
                var sequence = await NextSequenceAsync(year, ct);
                var created = Incident.Create(year, sequence, request.Title, request.Description, q!, request.ConstituentId, actor, now);
                if (!created.IsSuccess)
                {
                    return created;
                }
                var incident = created.Value!;
                db.Incidents.Add(incident);
                foreach (var report in reports)
                {
                    if (report.LinkTo(incident, actor, now) is { } linkError)
                    {
                        return linkError;
                    }
                }
                await sla.ScheduleAsync(incident, actor, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return incident;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Two nodes created the first incident of a year at once: the counter row insert
                // collided. Start over; the row now exists.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<Result<Incident>> PatchAsync(string key, PatchIncidentRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var actor = user.Actor();
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return Error.NotFound($"Incident '{key}'");
        }
        var errors = new FieldErrors();
        var q = ParseQualification(request.RsitClass, request.RsitType, request.Severity, request.Impact, request.Tlp, request.Pap,
            incident.CurrentQualification(), errors);
        var constituent = request.ClearConstituent == true ? null : request.ConstituentId ?? incident.ConstituentId;
        if (request.ConstituentId is { } cid && cid != incident.ConstituentId && !await db.Constituents.AnyAsync(c => c.Id == cid, ct))
        {
            errors.Add("constituentId", $"No constituent has the id {cid}.");
        }
        if (request.Assignee is { Length: > 0 } assignee && !await db.Users.AnyAsync(u => u.Email == assignee && !u.Disabled, ct))
        {
            errors.Add("assignee", $"No active user has the e-mail address '{assignee}'.");
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var assigneeValue = request.Assignee is null ? incident.Assignee : request.Assignee.Length == 0 ? null : request.Assignee;
        if (incident.Update(request.Title, request.Description, constituent, assigneeValue, actor, now) is { } updateError)
        {
            return updateError;
        }
        var before = (incident.Priority, incident.ConstituentId);
        if (incident.Qualify(q!, actor, request.Reason, now) is { } qualifyError)
        {
            return qualifyError;
        }
        if (before != (incident.Priority, incident.ConstituentId))
        {
            await sla.ScheduleAsync(incident, actor, ct);
        }
        await db.SaveChangesAsync(ct);
        return incident;
    }

    /// <summary>The most observables copied from reports into one incident at once (a Shadowserver file can hold thousands).</summary>
    public const int MaxCopiedObservables = 1000;

    /// <summary>
    /// Adds to the incident the observables found in its reports that it does not have yet (normalised
    /// values, duplicates skipped, at most <see cref="MaxCopiedObservables"/>); the caller saves.
    /// </summary>
    public async Task AddReportObservablesAsync(Incident incident, IEnumerable<(ObservableKind Kind, string Value)> found,
        string actor, DateTimeOffset now, CancellationToken ct)
    {
        var have = (await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id)
                .Select(o => new { o.Kind, o.Value }).ToListAsync(ct))
            .Select(o => (o.Kind, o.Value)).ToHashSet();
        have.UnionWith(incident.Observables.Select(o => (o.Kind, o.Value)));
        var copied = 0;
        foreach (var o in found)
        {
            if (copied >= MaxCopiedObservables)
            {
                break;
            }
            if (have.Add(o) && incident.AddObservable(o.Value, o.Kind, null, actor, now).IsSuccess)
            {
                copied++;
            }
        }
    }

    /// <summary>
    /// Moves the incident through its life cycle (<see cref="Incident.MoveTo"/>), with the checks
    /// that need more than the incident itself: a P1 or P2 incident is closed only once its
    /// post-incident review is complete (RFC 2350 §5.3; <see cref="Reviews.IncidentReview"/>).
    /// </summary>
    public async Task<Error?> MoveAsync(Incident incident, IncidentState target, string? reason, string actor, CancellationToken ct)
    {
        if (target == IncidentState.Closed && incident.State != IncidentState.Closed
            && incident.Priority is Priority.P1 or Priority.P2
            && IncidentStateMachine.IsAllowed(incident.State, target)
            && !await db.IncidentReviews.AnyAsync(r => r.IncidentId == incident.Id && r.CompletedAt != null, ct))
        {
            return Error.Conflict("review-required",
                $"A {incident.Priority} incident is closed only after its post-incident review is marked complete: complete the review first (Review tab, or PUT /api/v1/incidents/{incident.Number}/review).")
                with
            { Extensions = new Dictionary<string, object?> { ["priority"] = incident.Priority.ToString() } };
        }
        if (incident.MoveTo(target, actor, reason, time.GetUtcNow()) is { } error)
        {
            return error;
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The year of the team's numbering is the year in the team's time zone.</summary>
    private int TeamYear(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(team.Value.TimeZone);
        return TimeZoneInfo.ConvertTime(now, zone).Year;
    }

    private async Task<int> NextSequenceAsync(int year, CancellationToken ct)
    {
        // UPDATE … SET last = last + 1 takes the row lock (PostgreSQL) or the write lock (SQLite)
        // until commit, so concurrent creations get consecutive numbers, never the same one.
        var updated = await db.IncidentCounters.Where(c => c.Year == year)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Last, c => c.Last + 1), ct);
        if (updated == 0)
        {
            db.IncidentCounters.Add(new IncidentCounter { Year = year, Last = 1 });
            await db.SaveChangesAsync(ct);
            return 1;
        }
        return await db.IncidentCounters.Where(c => c.Year == year).Select(c => c.Last).SingleAsync(ct);
    }

    internal static Qualification? ParseQualification(string? rsitClass, string? rsitType, string? severity, string? impact,
        string? tlp, string? pap, Qualification current, FieldErrors errors)
    {
        var q = current;
        if (rsitClass is not null)
        {
            q = q with { RsitClass = rsitClass.Length == 0 ? null : rsitClass.Trim() };
        }
        if (rsitType is not null)
        {
            q = q with { RsitType = rsitType.Length == 0 ? null : rsitType.Trim() };
        }
        else if (rsitClass is not null && rsitClass != current.RsitClass)
        {
            // A new class invalidates the old type.
            q = q with { RsitType = null };
        }
        if (severity is not null)
        {
            if (EnumWords.TryParse<Severity>(severity, out var s))
            {
                q = q with { Severity = s };
            }
            else
            {
                errors.Add("severity", $"'{severity}' is not a severity. Allowed values: low, medium, high, critical.");
            }
        }
        if (impact is not null)
        {
            if (EnumWords.TryParse<Impact>(impact, out var i))
            {
                q = q with { Impact = i };
            }
            else
            {
                errors.Add("impact", $"'{impact}' is not an impact. Allowed values: low, medium, high, critical.");
            }
        }
        if (tlp is not null)
        {
            if (TrafficLabels.TryParseTlp(tlp, out var t))
            {
                q = q with { Tlp = t };
            }
            else
            {
                errors.Add("tlp", $"'{tlp}' is not a TLP label. Allowed values: {TrafficLabels.AllowedTlp}.");
            }
        }
        if (pap is not null)
        {
            if (TrafficLabels.TryParsePap(pap, out var p))
            {
                q = q with { Pap = p };
            }
            else
            {
                errors.Add("pap", $"'{pap}' is not a PAP label. Allowed values: {TrafficLabels.AllowedPap}.");
            }
        }
        errors.Add(Core.Taxonomy.RsitTaxonomy.Default.Validate(q.RsitClass, q.RsitType));
        return q;
    }
}
