using Vigie.Features.Audit;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Taxonomy;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Web;
using TaskStatus = Vigie.Core.Incidents.TaskStatus;

namespace Vigie.Features.Incidents;

public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents").WithTags("Incidents").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("List incidents, newest first, with filters and keyset paging.");
        group.MapPost("/", Create).RequireAuthorization(Policies.Write).WithSummary("Open an incident.");
        group.MapGet("/{key}", Get).Audited("read", "incident", "key").WithSummary("Get an incident by id or number (2026-0042).");
        group.MapPatch("/{key}", Patch).RequireAuthorization(Policies.Write)
            .WithSummary("Change title, description, constituent, assignee and qualification.");
        group.MapPost("/{key}/transitions", Transition).RequireAuthorization(Policies.Write)
            .WithSummary("Move the incident to another state, with a reason.");
        group.MapGet("/{key}/timeline", Timeline).WithSummary("Everything that happened to the incident, oldest first.");
        group.MapGet("/{key}/tasks", Tasks).WithSummary("The incident's tasks.");
        group.MapPost("/{key}/tasks", AddTask).RequireAuthorization(Policies.Write).WithSummary("Add a task.");
        group.MapPost("/{key}/tasks/{taskId:guid}/finish", FinishTask).RequireAuthorization(Policies.Write)
            .WithSummary("Mark a task done or cancelled.");
        group.MapGet("/{key}/observables", ListObservables)
            .WithSummary("The incident's observables, each with the numbers of the other incidents that have it.");
        group.MapPost("/{key}/observables", AddObservable).RequireAuthorization(Policies.Write)
            .WithSummary("Attach an observable (IP, CIDR, domain, URL, e-mail, hash, CVE, ASN; defanged forms accepted).");
        group.MapGet("/taxonomy", Taxonomy).WithSummary("The RSIT classes and types incidents are classified with.");
        return app;
    }

    internal static async Task<Results<Ok<IncidentPage>, ProblemHttpResult>> List(
        VigieDb db, ClaimsPrincipal user, string[]? state, string? @class, Guid? constituent, string? tlp, int? limit, string? cursor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var states = new List<IncidentState>();
        foreach (var s in (state ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (IncidentStateMachine.TryParse(s, out var parsed))
            {
                states.Add(parsed);
            }
            else
            {
                errors.Add("state", $"'{s}' is not a state. Allowed values: {string.Join(", ", Enum.GetValues<IncidentState>().Select(x => x.ToWire()))}.");
            }
        }
        if (@class is not null && RsitTaxonomy.Default.FindClass(@class) is null)
        {
            errors.Add("class", $"'{@class}' is not an RSIT class. Allowed values: {string.Join(", ", RsitTaxonomy.Default.Classes.Select(c => c.Value))}.");
        }
        Tlp? tlpFilter = null;
        if (tlp is not null)
        {
            if (TrafficLabels.TryParseTlp(tlp, out var t))
            {
                tlpFilter = t;
            }
            else
            {
                errors.Add("tlp", $"'{tlp}' is not a TLP label. Allowed values: {TrafficLabels.AllowedTlp}.");
            }
        }
        var pageSize = limit ?? 50;
        if (pageSize is < 1 or > 500)
        {
            errors.Add("limit", "limit must be between 1 and 500.");
        }
        long? after = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                after = c;
            }
            else
            {
                errors.Add("cursor", "The cursor is not one this API returned.");
            }
        }
        if (errors.ToError() is { } error)
        {
            return error.ToProblem();
        }

        var query = db.Incidents.AsNoTracking().VisibleTo(user);
        if (states.Count == 1)
        {
            var only = states[0];
            query = query.Where(i => i.State == only);
        }
        else if (states.Count > 1)
        {
            query = query.Where(i => states.Contains(i.State));
        }
        if (@class is not null)
        {
            query = query.Where(i => i.RsitClass == @class);
        }
        if (constituent is not null)
        {
            query = query.Where(i => i.ConstituentId == constituent);
        }
        if (tlpFilter is not null)
        {
            query = query.Where(i => i.Tlp == tlpFilter);
        }
        if (after is not null)
        {
            query = query.Where(i => i.Ordinal < after);
        }
        var page = await query.OrderByDescending(i => i.Ordinal).Take(pageSize + 1).ToListAsync(ct);
        var next = page.Count > pageSize ? page[pageSize - 1].Ordinal.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new IncidentPage([.. page.Take(pageSize).Select(i => i.ToDto())], next));
    }

    internal static async Task<Results<Created<IncidentDto>, ProblemHttpResult>> Create(
        CreateIncidentRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await incidents.CreateAsync(request, user.Actor(), ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/incidents/{result.Value!.Id}", result.Value.ToDto())
            : result.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Get(string key, VigieDb db, ClaimsPrincipal user, CancellationToken ct) =>
        await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is { } incident
            ? TypedResults.Ok(incident.ToDto())
            : NotFound(key);

    internal static async Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Patch(
        string key, PatchIncidentRequest request, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await incidents.PatchAsync(key, request, user, ct);
        return result.IsSuccess ? TypedResults.Ok(result.Value!.ToDto()) : result.Error!.ToProblem();
    }

    internal static async Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Transition(
        string key, TransitionRequest request, VigieDb db, IncidentService incidents, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!IncidentStateMachine.TryParse(request.To, out var target))
        {
            return Error.Validation("to", $"'{request.To}' is not a state. Allowed values: {string.Join(", ", Enum.GetValues<IncidentState>().Select(x => x.ToWire()))}.").ToProblem();
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        if (await incidents.MoveAsync(incident, target, request.Reason, user.Actor(), ct) is { } error)
        {
            return error.ToProblem();
        }
        return TypedResults.Ok(incident.ToDto());
    }

    internal static async Task<Results<Ok<List<TimelineEventDto>>, ProblemHttpResult>> Timeline(string key, VigieDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        var events = await db.TimelineEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id)
            .OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        return TypedResults.Ok(events.Select(e => e.ToDto()).ToList());
    }

    internal static async Task<Results<Ok<List<TaskDto>>, ProblemHttpResult>> Tasks(string key, VigieDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        var tasks = await db.IncidentTasks.AsNoTracking().Where(t => t.IncidentId == incident.Id)
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok(tasks.Select(t => t.ToDto()).ToList());
    }

    internal static async Task<Results<Created<TaskDto>, ProblemHttpResult>> AddTask(
        string key, CreateTaskRequest request, VigieDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var kind = TaskKind.Other;
        if (request.Kind is not null && !EnumWords.TryParse(request.Kind, out kind))
        {
            return Error.Validation("kind", $"'{request.Kind}' is not a task kind. Allowed values: containment, eradication, recovery, coordination, other.").ToProblem();
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        var result = incident.AddTask(request.Title, kind, request.Owner, request.DueAt, user.Actor(), time.GetUtcNow());
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/incidents/{incident.Id}/tasks/{result.Value!.Id}", result.Value.ToDto());
    }

    internal static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> FinishTask(
        string key, Guid taskId, FinishTaskRequest request, VigieDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!EnumWords.TryParse(request.Status, out TaskStatus status) || status == TaskStatus.Open)
        {
            return Error.Validation("status", "status must be done or cancelled.").ToProblem();
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        if (await db.IncidentTasks.FirstOrDefaultAsync(t => t.Id == taskId && t.IncidentId == incident.Id, ct) is not { } task)
        {
            return Error.NotFound("The task").ToProblem();
        }
        if (incident.FinishTask(task, status, user.Actor(), time.GetUtcNow()) is { } error)
        {
            return error.ToProblem();
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(task.ToDto());
    }

    internal static async Task<Results<Ok<List<ObservableDto>>, ProblemHttpResult>> ListObservables(string key, VigieDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await db.Incidents.AsNoTracking().VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        var observables = await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id)
            .OrderBy(o => o.AddedAt).ToListAsync(ct);
        var related = await RelatedAsync(db, user, incident.Id, observables, ct);
        return TypedResults.Ok(observables.Select(o => o.ToDto([.. related[(o.Kind, o.Value)]])).ToList());
    }

    internal static async Task<Results<Created<ObservableDto>, ProblemHttpResult>> AddObservable(
        string key, AddObservableRequest request, VigieDb db, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        Core.Observables.ObservableKind? kind = null;
        if (request.Kind is not null)
        {
            if (!EnumWords.TryParse<Core.Observables.ObservableKind>(request.Kind, out var k))
            {
                return Error.Validation("kind", $"'{request.Kind}' is not an observable kind. Allowed values: {string.Join(", ", Enum.GetValues<Core.Observables.ObservableKind>().Select(k => k.ToString().ToLowerInvariant()))}.").ToProblem();
            }
            kind = k;
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(key, ct) is not { } incident)
        {
            return NotFound(key);
        }
        var added = incident.AddObservable(request.Value, kind, request.Note, user.Actor(), time.GetUtcNow());
        if (!added.IsSuccess)
        {
            return added.Error!.ToProblem();
        }
        var o = added.Value!;
        if (await db.IncidentObservables.AnyAsync(x => x.IncidentId == incident.Id && x.Kind == o.Kind && x.Value == o.Value, ct))
        {
            return Error.Conflict("duplicate-observable", $"{o.Value} is already attached to {incident.Number}.").ToProblem();
        }
        await db.SaveChangesAsync(ct);
        var related = await RelatedAsync(db, user, incident.Id, [o], ct);
        return TypedResults.Created($"/api/v1/incidents/{incident.Id}/observables/{o.Id}", o.ToDto([.. related[(o.Kind, o.Value)]]));
    }

    /// <summary>For each observable, the numbers of the other incidents that have the same one (correlation).</summary>
    internal static async Task<ILookup<(Core.Observables.ObservableKind, string), string>> RelatedAsync(
        VigieDb db, ClaimsPrincipal user, Guid incidentId, IReadOnlyList<IncidentObservable> observables, CancellationToken ct)
    {
        var values = observables.Select(o => o.Value).Distinct().ToList();
        var rows = values.Count == 0 ? []
            : await db.IncidentObservables.AsNoTracking()
                .Where(o => values.Contains(o.Value) && o.IncidentId != incidentId)
                .Join(db.Incidents.VisibleTo(user), o => o.IncidentId, i => i.Id, (o, i) => new { o.Kind, o.Value, i.Number, i.Ordinal })
                .OrderByDescending(x => x.Ordinal).ToListAsync(ct);
        return rows.ToLookup(r => (r.Kind, r.Value), r => r.Number);
    }

    internal static Ok<IReadOnlyList<RsitClass>> Taxonomy() => TypedResults.Ok(RsitTaxonomy.Default.Classes);

    internal static ProblemHttpResult NotFound(string key) => Error.NotFound($"Incident '{key}'").ToProblem();


    /// <summary>Finds an incident by its id (GUID) or its number (2026-0042).</summary>
    internal static Task<Incident?> FindByKeyAsync(this IQueryable<Incident> incidents, string key, CancellationToken ct)
    {
        if (Guid.TryParse(key, out var id))
        {
            return incidents.FirstOrDefaultAsync(i => i.Id == id, ct);
        }
        if (IncidentNumber.TryParse(key, out var year, out var sequence))
        {
            var ordinal = IncidentNumber.Ordinal(year, sequence);
            return incidents.FirstOrDefaultAsync(i => i.Ordinal == ordinal, ct);
        }
        return Task.FromResult<Incident?>(null);
    }
}
