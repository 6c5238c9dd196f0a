using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Playbooks;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;

namespace Vigie.Features.Playbooks;

/// <summary>What applying a playbook did: the tasks it created.</summary>
public sealed record AppliedPlaybook(Playbook Playbook, IReadOnlyList<IncidentTask> Tasks);

/// <summary>
/// The team's playbooks: read by every staff member, written by leads and admins (<see cref="VigiePrincipal.CanManage"/>),
/// applied to an incident by whoever may change it.
/// </summary>
public sealed class PlaybookService(VigieDb db, TimeProvider time)
{
    /// <summary>Every playbook with its steps, ordered by RSIT class, type and name.</summary>
    public async Task<List<Playbook>> ListAsync(CancellationToken ct) =>
        (await db.Playbooks.AsNoTracking().Include(p => p.Steps).ToListAsync(ct))
            .OrderBy(p => p.RsitClass ?? "~", StringComparer.Ordinal).ThenBy(p => p.RsitType ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.NameEn, StringComparer.Ordinal).ToList();

    public Task<Playbook?> FindAsync(Guid id, CancellationToken ct) =>
        db.Playbooks.Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == id, ct);

    public async Task<Result<Playbook>> CreateAsync(PlaybookRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!user.CanManage())
        {
            return Forbidden();
        }
        if (request.Parse() is { IsSuccess: false } bad)
        {
            return bad.Error!;
        }
        var created = Playbook.Create(request.NameFr, request.NameEn, request.RsitClass, request.RsitType,
            request.Parse().Value!, user.Actor(), time.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created;
        }
        if (await NameTakenAsync(created.Value!.NameEn, null, ct))
        {
            return NameConflict(created.Value.NameEn);
        }
        db.Playbooks.Add(created.Value);
        await db.SaveChangesAsync(ct);
        return created;
    }

    public async Task<Result<Playbook>> UpdateAsync(Guid id, PlaybookRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!user.CanManage())
        {
            return Forbidden();
        }
        if (await FindAsync(id, ct) is not { } playbook)
        {
            return Error.NotFound($"Playbook {id}");
        }
        var steps = request.Parse();
        if (!steps.IsSuccess)
        {
            return steps.Error!;
        }
        if (playbook.Update(request.NameFr, request.NameEn, request.RsitClass, request.RsitType, steps.Value!, user.Actor(), time.GetUtcNow()) is { } error)
        {
            return error;
        }
        if (await NameTakenAsync(playbook.NameEn, playbook.Id, ct))
        {
            return NameConflict(playbook.NameEn);
        }
        await db.SaveChangesAsync(ct);
        return playbook;
    }

    public async Task<Error?> DeleteAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!user.CanManage())
        {
            return Forbidden();
        }
        if (await db.Playbooks.FirstOrDefaultAsync(p => p.Id == id, ct) is not { } playbook)
        {
            return Error.NotFound($"Playbook {id}");
        }
        db.Playbooks.Remove(playbook);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Creates one task per step on <paramref name="incident"/> (tracked), titled in <paramref name="language"/>,
    /// due so many hours from now; each task is on the timeline with the playbook's name. Saves.
    /// </summary>
    public async Task<Result<AppliedPlaybook>> ApplyAsync(Incident incident, Guid playbookId, string language, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!user.CanChange(incident))
        {
            return Forbidden();
        }
        if (await db.Playbooks.AsNoTracking().Include(p => p.Steps).FirstOrDefaultAsync(p => p.Id == playbookId, ct) is not { } playbook)
        {
            return Error.NotFound($"Playbook {playbookId}");
        }
        var now = time.GetUtcNow();
        var name = playbook.Name(language);
        var tasks = new List<IncidentTask>();
        foreach (var step in playbook.Steps.OrderBy(s => s.Position))
        {
            var added = incident.AddTask(Clip(step.Title(language)), step.Kind, null, step.DueFrom(now), user.Actor(), now, name);
            if (!added.IsSuccess)
            {
                return added.Error!;
            }
            tasks.Add(added.Value!);
        }
        await db.SaveChangesAsync(ct);
        return new AppliedPlaybook(playbook, tasks);
    }

    /// <summary>Writes <see cref="DefaultPlaybooks"/> when the team has no playbook at all; returns how many were written.</summary>
    public async Task<int> EnsureDefaultsAsync(CancellationToken ct)
    {
        if (await db.Playbooks.AnyAsync(ct))
        {
            return 0;
        }
        var now = time.GetUtcNow();
        foreach (var t in DefaultPlaybooks.All)
        {
            db.Playbooks.Add(Playbook.Create(t.NameFr, t.NameEn, t.RsitClass, t.RsitType, t.Steps, "vigie", now).Value!);
        }
        try
        {
            await db.SaveChangesAsync(ct);
            return DefaultPlaybooks.All.Count;
        }
        catch (DbUpdateException)
        {
            // Another node seeded at the same moment (unique name): theirs stand.
            db.ChangeTracker.Clear();
            return 0;
        }
    }

    private Task<bool> NameTakenAsync(string nameEn, Guid? except, CancellationToken ct) =>
        db.Playbooks.AnyAsync(p => p.NameEn == nameEn && p.Id != except, ct);

    private static Error NameConflict(string name) => Error.Conflict("duplicate-playbook", $"A playbook named '{name}' exists already.");

    private static Error Forbidden() => new(ErrorKind.Forbidden, "forbidden", "Only leads and admins edit playbooks; applying one needs the right to change the incident.");

    private static string Clip(string title) => title.Length > 300 ? title[..300] : title;
}

/// <summary>A playbook as the API and the editor send it: both names, the RSIT class/type, and the steps in order.</summary>
public sealed record PlaybookRequest(string? NameFr, string? NameEn, string? RsitClass, string? RsitType, IReadOnlyList<PlaybookStepRequest>? Steps)
{
    /// <summary>The steps with their kinds parsed; a step with an unknown kind is an error.</summary>
    public Result<IReadOnlyList<PlaybookStepInput>> Parse()
    {
        var errors = new FieldErrors();
        var steps = new List<PlaybookStepInput>();
        var list = Steps ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            var kind = TaskKind.Other;
            if (!string.IsNullOrEmpty(s.Kind) && !EnumWords.TryParse(s.Kind, out kind))
            {
                errors.Add($"steps[{i}].kind", $"'{s.Kind}' is not a task kind. Allowed values: containment, eradication, recovery, coordination, other.");
            }
            steps.Add(new PlaybookStepInput(s.TitleFr, s.TitleEn, kind, s.DueOffsetHours));
        }
        return errors.ToError() is { } error ? error : steps;
    }
}

public sealed record PlaybookStepRequest(string? TitleFr, string? TitleEn, string? Kind, int? DueOffsetHours);

/// <summary>A playbook as the API shows it.</summary>
public sealed record PlaybookDto(Guid Id, string NameFr, string NameEn, string? RsitClass, string? RsitType, string UpdatedBy,
    DateTimeOffset UpdatedAt, IReadOnlyList<PlaybookStepDto> Steps);

public sealed record PlaybookStepDto(int Position, string TitleFr, string TitleEn, string Kind, int? DueOffsetHours);

/// <summary>Seeds the default playbooks at start-up (after the migrations, which run before the host starts).</summary>
internal sealed partial class PlaybookSeeder(IServiceScopeFactory scopes, ILogger<PlaybookSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var written = await scope.ServiceProvider.GetRequiredService<PlaybookService>().EnsureDefaultsAsync(cancellationToken);
            if (written > 0)
            {
                LogSeeded(written);
            }
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            // A PostgreSQL not migrated yet (MigrateOnStart off): the operator migrates, the next start seeds.
            LogFailed(e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} default playbooks (the team had none).")]
    private partial void LogSeeded(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The default playbooks could not be written; they will be at the next start.")]
    private partial void LogFailed(Exception e);
}

public static class PlaybookDtos
{
    public static PlaybookDto ToDto(this Playbook p) => new(p.Id, p.NameFr, p.NameEn, p.RsitClass, p.RsitType, p.UpdatedBy, p.UpdatedAt,
        [.. p.Steps.OrderBy(s => s.Position).Select(s => new PlaybookStepDto(s.Position, s.TitleFr, s.TitleEn, EnumWords.ToWord(s.Kind), s.DueOffsetHours))]);
}
