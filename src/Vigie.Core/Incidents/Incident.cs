using System.Globalization;
using Vigie.Core.Observables;
using Vigie.Core.Taxonomy;

namespace Vigie.Core.Incidents;

/// <summary>The qualification of an incident: what it is, how bad, and how it may be shared.</summary>
public sealed record Qualification(
    string? RsitClass,
    string? RsitType,
    Severity Severity,
    Impact Impact,
    Tlp Tlp,
    Pap Pap);

/// <summary>
/// The case. Every change goes through a method here that checks it and appends the matching
/// <see cref="TimelineEvent"/>, so the history cannot miss a move (DESIGN.md).
/// </summary>
public sealed class Incident
{
    private readonly List<TimelineEvent> _timeline = [];
    private readonly List<IncidentTask> _tasks = [];
    private readonly List<IncidentObservable> _observables = [];

    private Incident()
    {
    }

    public Guid Id { get; private set; }

    public int Year { get; private set; }

    public int Sequence { get; private set; }

    /// <summary>The team's number, e.g. 2026-0042 (<see cref="IncidentNumber"/>).</summary>
    public string Number { get; private set; } = "";

    /// <summary>
    /// Position in the team's numbering (year × 1,000,000 + sequence): one sortable column for
    /// newest-first keyset paging, instead of a two-column comparison no index serves well.
    /// </summary>
    public long Ordinal { get; private set; }

    public string Title { get; private set; } = "";

    public string? Description { get; private set; }

    public string? RsitClass { get; private set; }

    public string? RsitType { get; private set; }

    public Severity Severity { get; private set; }

    public Impact Impact { get; private set; }

    /// <summary>Derived from severity and impact by <see cref="PriorityMatrix"/>; never set directly.</summary>
    public Priority Priority { get; private set; }

    public Tlp Tlp { get; private set; }

    public Pap Pap { get; private set; }

    public IncidentState State { get; private set; }

    public Guid? ConstituentId { get; private set; }

    public string? Assignee { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>SLA clocks and milestones (<see cref="IncidentSla"/>).</summary>
    public IncidentSla Sla { get; private set; } = new();

    /// <summary>Under legal hold: the retention purge never deletes nor pseudonymises anything of this incident (docs/privacy.md).</summary>
    public bool LegalHold { get; private set; }

    /// <summary>When the retention purge replaced the personal data of this closed incident by pseudonyms; null while it holds them.</summary>
    public DateTimeOffset? PseudonymisedAt { get; private set; }

    /// <summary>Sets or lifts the legal hold, with the reason on the timeline.</summary>
    public Error? SetLegalHold(bool hold, string actor, string? reason, DateTimeOffset now)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (why is null)
        {
            return Error.Validation("reason", "A legal hold is set or lifted with a reason.");
        }
        if (why.Length > 4000)
        {
            return Error.Validation("reason", "The reason is longer than 4,000 characters.");
        }
        if (LegalHold == hold)
        {
            return Error.Conflict(hold ? "already-held" : "not-held", hold ? "The incident is already under legal hold." : "The incident is not under legal hold.");
        }
        if (hold && PseudonymisedAt is not null)
        {
            return Error.Conflict("pseudonymised", "The incident's personal data was already pseudonymised; a hold can no longer keep it.");
        }
        Touch(now);
        LegalHold = hold;
        _timeline.Add(new TimelineEvent(Id, TimelineKind.LegalHold, actor, UpdatedAt, new Dictionary<string, string?> { ["hold"] = hold ? "on" : "off" }, why));
        return null;
    }

    /// <summary>Marks the incident pseudonymised (the retention purge, which rewrites the personal data itself); its dates stay as they were.</summary>
    public void MarkPseudonymised(DateTimeOffset now)
    {
        if (LegalHold)
        {
            throw new InvalidOperationException("An incident under legal hold is never pseudonymised.");
        }
        PseudonymisedAt ??= Instant(now);
    }

    public IReadOnlyList<TimelineEvent> Timeline => _timeline;

    public IReadOnlyList<IncidentTask> Tasks => _tasks;

    /// <summary>The observables attached so far (loaded when needed; see <see cref="AddObservable"/>).</summary>
    public IReadOnlyList<IncidentObservable> Observables => _observables;

    /// <summary>
    /// Opens a new incident in state <c>new</c>. The number (year, sequence) is allocated by the
    /// caller from the team's counter, inside the same transaction.
    /// </summary>
    public static Result<Incident> Create(int year, int sequence, string? title, string? description,
        Qualification q, Guid? constituentId, string actor, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (year is < 1970 or > 9999)
        {
            errors.Add("year", "The year of an incident number must be between 1970 and 9999.");
        }
        if (sequence is < 1 or > 999_999)
        {
            errors.Add("sequence", "The team's numbering allows 1 to 999,999 incidents a year.");
        }
        var cleanTitle = title?.Trim() ?? "";
        if (cleanTitle.Length == 0)
        {
            errors.Add("title", "A title is required.");
        }
        else if (cleanTitle.Length > 300)
        {
            errors.Add("title", "The title is longer than 300 characters.");
        }
        CheckDescription(description, errors);
        Check(q, errors);
        if (errors.ToError() is { } error)
        {
            return error;
        }

        var utc = Instant(now);
        var incident = new Incident
        {
            Id = Guid.CreateVersion7(utc),
            Year = year,
            Sequence = sequence,
            Number = IncidentNumber.Format(year, sequence),
            Ordinal = IncidentNumber.Ordinal(year, sequence),
            Title = cleanTitle,
            Description = string.IsNullOrWhiteSpace(description) ? null : description,
            ConstituentId = constituentId,
            State = IncidentState.New,
            CreatedBy = actor,
            CreatedAt = utc,
            UpdatedAt = utc,
        };
        incident.Apply(q);
        incident._timeline.Add(new TimelineEvent(incident.Id, TimelineKind.Created, actor, utc, new Dictionary<string, string?>
        {
            ["number"] = incident.Number,
            ["title"] = incident.Title,
            ["state"] = incident.State.ToWire(),
            ["priority"] = incident.Priority.ToString(),
            ["tlp"] = incident.Tlp.ToLabel(),
        }));
        return incident;
    }

    /// <summary>Moves the incident through its life cycle (<see cref="IncidentStateMachine"/>).</summary>
    public Error? MoveTo(IncidentState target, string actor, string? reason, DateTimeOffset now)
    {
        var from = State;
        if (!IncidentStateMachine.IsAllowed(from, target))
        {
            var allowed = IncidentStateMachine.AllowedMoves(from).Select(s => s.ToWire()).ToArray();
            return Error.Conflict("illegal-transition",
                $"An incident in state '{from.ToWire()}' cannot move to '{target.ToWire()}'. Allowed moves: {string.Join(", ", allowed)}.")
                with
            { Extensions = new Dictionary<string, object?> { ["state"] = from.ToWire(), ["allowedMoves"] = allowed } };
        }

        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (why is null && IncidentStateMachine.RequiresReason(from, target))
        {
            return Error.Validation("reason", $"Moving from '{from.ToWire()}' to '{target.ToWire()}' needs a reason.");
        }
        if (why is { Length: > 4000 })
        {
            return Error.Validation("reason", "The reason is longer than 4,000 characters.");
        }

        State = target;
        Touch(now);
        TrackMilestones(from, target);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.StateChanged, actor, UpdatedAt,
            new Dictionary<string, string?> { ["from"] = from.ToWire(), ["to"] = target.ToWire() }, why));
        return null;
    }

    /// <summary>Sets the RSIT class/type, severity, impact (hence priority), TLP and PAP.</summary>
    public Error? Qualify(Qualification q, string actor, string? reason, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        Check(q, errors);
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > 4000 })
        {
            errors.Add("reason", "The reason is longer than 4,000 characters.");
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }

        var before = CurrentQualification();
        if (before == q)
        {
            return null;
        }
        var beforePriority = Priority;
        Apply(q);
        Touch(now);

        var data = new Dictionary<string, string?>();
        void Diff(string name, object? old, object? @new)
        {
            if (!Equals(old, @new))
            {
                data[name + ".from"] = Format(old);
                data[name + ".to"] = Format(@new);
            }
        }
        Diff("rsitClass", before.RsitClass, q.RsitClass);
        Diff("rsitType", before.RsitType, q.RsitType);
        Diff("severity", before.Severity, q.Severity);
        Diff("impact", before.Impact, q.Impact);
        Diff("priority", beforePriority, Priority);
        Diff("tlp", before.Tlp, q.Tlp);
        Diff("pap", before.Pap, q.Pap);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.Qualified, actor, UpdatedAt, data, reason));
        return null;
    }

    /// <summary>Changes the title, description, constituent or assignee (not the qualification).</summary>
    public Error? Update(string? title, string? description, Guid? constituentId, string? assignee, string actor, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var newTitle = title is null ? Title : title.Trim();
        if (newTitle.Length == 0)
        {
            errors.Add("title", "A title is required.");
        }
        else if (newTitle.Length > 300)
        {
            errors.Add("title", "The title is longer than 300 characters.");
        }
        CheckDescription(description, errors);
        if (errors.ToError() is { } error)
        {
            return error;
        }

        var data = new Dictionary<string, string?>();
        if (newTitle != Title)
        {
            data["title.from"] = Title;
            data["title.to"] = newTitle;
            Title = newTitle;
        }
        // "" clears the description; clearing an absent one is no change.
        var newDescription = description is null ? Description : string.IsNullOrWhiteSpace(description) ? null : description;
        if (newDescription != Description)
        {
            data["description"] = "changed";
            Description = newDescription;
        }
        if (constituentId != ConstituentId)
        {
            data["constituent.from"] = ConstituentId?.ToString();
            data["constituent.to"] = constituentId?.ToString();
            ConstituentId = constituentId;
        }
        if (assignee != Assignee)
        {
            data["assignee.from"] = Assignee;
            data["assignee.to"] = assignee;
            Assignee = assignee;
        }
        if (data.Count > 0)
        {
            Touch(now);
            if (Assignee is not null)
            {
                Sla.AcknowledgedAt ??= UpdatedAt;
            }
            _timeline.Add(new TimelineEvent(Id, TimelineKind.Updated, actor, UpdatedAt, data));
        }
        return null;
    }

    /// <summary>Adds a task; the timeline records it (with the playbook it comes from, when given).</summary>
    public Result<IncidentTask> AddTask(string? title, TaskKind kind, string? owner, DateTimeOffset? due, string actor, DateTimeOffset now,
        string? playbook = null)
    {
        var t = title?.Trim() ?? "";
        if (t.Length is 0 or > 300)
        {
            return Error.Validation("title", "A task needs a title of 1 to 300 characters.");
        }
        var task = new IncidentTask(Id, t, kind, owner, due, actor, now);
        _tasks.Add(task);
        Touch(now);
        var data = new Dictionary<string, string?>
        {
            ["task"] = task.Id.ToString(),
            ["title"] = t,
            ["kind"] = kind.ToString().ToLowerInvariant(),
        };
        if (playbook is not null)
        {
            data["playbook"] = playbook;
        }
        _timeline.Add(new TimelineEvent(Id, TimelineKind.TaskAdded, actor, UpdatedAt, data));
        return task;
    }

    /// <summary>Changes an open task's owner or due date; the timeline records what changed (TaskUpdated).</summary>
    public Error? UpdateTask(IncidentTask task, string? owner, DateTimeOffset? due, string actor, DateTimeOffset now)
    {
        if (task.IncidentId != Id)
        {
            return Error.NotFound("The task");
        }
        if (task.Status != TaskStatus.Open)
        {
            return Error.Conflict("task-state", $"The task is already {task.Status.ToString().ToLowerInvariant()}.");
        }
        var newOwner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim();
        var newDue = due?.ToUniversalTime();
        var data = new Dictionary<string, string?> { ["task"] = task.Id.ToString(), ["title"] = task.Title };
        if (newOwner != task.Owner)
        {
            data["owner.from"] = task.Owner;
            data["owner.to"] = newOwner;
        }
        if (newDue != task.DueAt)
        {
            data["due.from"] = task.DueAt?.ToString("O", CultureInfo.InvariantCulture);
            data["due.to"] = newDue?.ToString("O", CultureInfo.InvariantCulture);
        }
        if (data.Count == 2)
        {
            return null;
        }
        task.Reschedule(newOwner, newDue);
        Touch(now);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.TaskUpdated, actor, UpdatedAt, data));
        return null;
    }

    /// <summary>Marks a task done or cancelled.</summary>
    public Error? FinishTask(IncidentTask task, TaskStatus status, string actor, DateTimeOffset now)
    {
        if (task.IncidentId != Id)
        {
            return Error.NotFound("The task");
        }
        if (status == TaskStatus.Open || task.Status != TaskStatus.Open)
        {
            return Error.Conflict("task-state", $"The task is already {task.Status.ToString().ToLowerInvariant()}.");
        }
        task.Finish(status, now);
        Touch(now);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.TaskCompleted, actor, UpdatedAt, new Dictionary<string, string?>
        {
            ["task"] = task.Id.ToString(),
            ["status"] = status.ToString().ToLowerInvariant(),
        }));
        return null;
    }

    /// <summary>Records that a report was attached to this incident.</summary>
    public void RecordReportLinked(Guid reportId, string actor, DateTimeOffset now)
    {
        Touch(now);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.ReportLinked, actor, UpdatedAt,
            new Dictionary<string, string?> { ["report"] = reportId.ToString() }));
    }

    /// <summary>
    /// Attaches an indicator, normalised (defanged input accepted), and records it on the timeline.
    /// The caller checks that it is not attached already (the database enforces it too).
    /// </summary>
    public Result<IncidentObservable> AddObservable(string? input, ObservableKind? kind, string? note,
        string actor, DateTimeOffset now)
    {
        if (!ObservableValue.TryNormalize(input, kind, out var value, out var error))
        {
            return Error.Validation("value", error!);
        }
        if (note is { Length: > 2000 })
        {
            return Error.Validation("note", "The note is longer than 2,000 characters.");
        }
        Touch(now);
        var observable = new IncidentObservable(Id, value, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), actor, UpdatedAt);
        _observables.Add(observable);
        var kindWord = value.Kind.ToString().ToLowerInvariant();
        _timeline.Add(new TimelineEvent(Id, TimelineKind.ObservableAdded, actor, UpdatedAt,
            new Dictionary<string, string?> { ["kind"] = kindWord, ["value"] = value.Value }));
        return observable;
    }

    /// <summary>
    /// Sets the SLA due times (at creation, and again when the priority or the constituent's contract
    /// changes them); a change of an existing due time is recorded on the timeline (SlaChanged).
    /// </summary>
    public void ScheduleSla(SlaSchedule schedule, string actor, DateTimeOffset now)
    {
        var firstDue = schedule.FirstResponseDueAt.ToUniversalTime();
        var resolutionDue = schedule.ResolutionDueAt?.ToUniversalTime();
        var changed = Sla.FirstResponseDueAt is { } before && (before != firstDue || Sla.ResolutionDueAt != resolutionDue);
        if (changed)
        {
            _timeline.Add(new TimelineEvent(Id, TimelineKind.SlaChanged, actor, Instant(now), new Dictionary<string, string?>
            {
                ["target"] = schedule.FirstResponseTarget,
                ["source"] = schedule.Source,
                ["firstResponse.from"] = Sla.FirstResponseDueAt?.ToString("O", CultureInfo.InvariantCulture),
                ["firstResponse.to"] = firstDue.ToString("O", CultureInfo.InvariantCulture),
                ["resolution.from"] = Sla.ResolutionDueAt?.ToString("O", CultureInfo.InvariantCulture),
                ["resolution.to"] = resolutionDue?.ToString("O", CultureInfo.InvariantCulture),
            }));
        }
        Sla.ReceivedAt = schedule.ReceivedAt.ToUniversalTime();
        Sla.FirstResponseTarget = schedule.FirstResponseTarget;
        Sla.FirstResponseDueAt = firstDue;
        Sla.ResolutionTarget = schedule.ResolutionTarget;
        Sla.ResolutionDueAt = resolutionDue;
        Sla.TargetSource = schedule.Source;
        if (firstDue > Instant(now))
        {
            Sla.FirstResponseBreached = false;
        }
        if (resolutionDue is null || resolutionDue > Instant(now))
        {
            Sla.ResolutionBreached = false;
        }
    }

    /// <summary>
    /// Gives an incident opened before the SLA facts were kept its clocks and milestones, read back from
    /// its timeline. Breaches already past are marked without timeline entries (history is not rewritten).
    /// </summary>
    public void BackfillSla(SlaSchedule schedule, SlaMilestones milestones, DateTimeOffset now)
    {
        Sla.ReceivedAt = schedule.ReceivedAt.ToUniversalTime();
        Sla.FirstResponseTarget = schedule.FirstResponseTarget;
        Sla.FirstResponseDueAt = schedule.FirstResponseDueAt.ToUniversalTime();
        Sla.ResolutionTarget = schedule.ResolutionTarget;
        Sla.ResolutionDueAt = schedule.ResolutionDueAt?.ToUniversalTime();
        Sla.TargetSource = schedule.Source;
        Sla.AcknowledgedAt = milestones.Acknowledged;
        Sla.FirstRespondedAt = milestones.FirstResponse;
        Sla.ContainedAt = milestones.Contained;
        Sla.ResolvedAt = milestones.Resolved;
        var at = Instant(now);
        Sla.FirstResponseBreached = (milestones.FirstResponse ?? at) > Sla.FirstResponseDueAt;
        Sla.ResolutionBreached = Sla.ResolutionDueAt is { } due && (milestones.Resolved ?? at) > due;
    }

    /// <summary>Records that someone took the incident (the first time only): on-call acknowledgement, assignment, triage.</summary>
    public void RecordAcknowledged(DateTimeOffset at) => Sla.AcknowledgedAt ??= Instant(at);

    /// <summary>Stops the first-response clock at the first human answer (later answers change nothing).</summary>
    public void RecordFirstResponse(DateTimeOffset at)
    {
        Sla.FirstRespondedAt ??= Instant(at);
        Sla.AcknowledgedAt ??= Sla.FirstRespondedAt;
    }

    /// <summary>Starts waiting for the constituent (the clocks pause if the policy says so).</summary>
    public Error? StartWaiting(string actor, string? reason, DateTimeOffset now)
    {
        if (Sla.WaitingSince is not null)
        {
            return Error.Conflict("already-waiting", "The incident is already waiting for the constituent.");
        }
        if (State is IncidentState.Resolved or IncidentState.Closed or IncidentState.Rejected)
        {
            return Error.Conflict("not-running", $"An incident in state '{State.ToWire()}' has no running clock to pause.");
        }
        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (why is { Length: > 4000 })
        {
            return Error.Validation("reason", "The reason is longer than 4,000 characters.");
        }
        Touch(now);
        // The instant itself, not UpdatedAt (which Touch keeps strictly increasing): the pause is measured from it.
        Sla.WaitingSince = Instant(now);
        _timeline.Add(new TimelineEvent(Id, TimelineKind.WaitingStarted, actor, UpdatedAt, new Dictionary<string, string?>(), why));
        return null;
    }

    /// <summary>Ends the wait; the caller gives the due times moved later by the pause (or unchanged when the policy does not pause).</summary>
    public Error? StopWaiting(string actor, DateTimeOffset? firstResponseDue, DateTimeOffset? resolutionDue, DateTimeOffset now)
    {
        if (Sla.WaitingSince is not { } since)
        {
            return Error.Conflict("not-waiting", "The incident is not waiting for the constituent.");
        }
        Touch(now);
        var data = new Dictionary<string, string?> { ["since"] = since.ToString("O", CultureInfo.InvariantCulture) };
        if (firstResponseDue is { } f && f != Sla.FirstResponseDueAt)
        {
            data["firstResponse.from"] = Sla.FirstResponseDueAt?.ToString("O", CultureInfo.InvariantCulture);
            data["firstResponse.to"] = f.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            Sla.FirstResponseDueAt = f.ToUniversalTime();
        }
        if (resolutionDue is { } r && r != Sla.ResolutionDueAt)
        {
            data["resolution.from"] = Sla.ResolutionDueAt?.ToString("O", CultureInfo.InvariantCulture);
            data["resolution.to"] = r.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            Sla.ResolutionDueAt = r.ToUniversalTime();
        }
        Sla.WaitingSince = null;
        _timeline.Add(new TimelineEvent(Id, TimelineKind.WaitingEnded, actor, UpdatedAt, data));
        return null;
    }

    /// <summary>
    /// Records that a clock went past its due time (SlaBreached on the timeline). The caller claims the
    /// breach first with a conditional update (SlaService), so two nodes never record it twice.
    /// </summary>
    public void RecordBreach(bool resolution, DateTimeOffset due, DateTimeOffset now)
    {
        if (resolution)
        {
            Sla.ResolutionBreached = true;
        }
        else
        {
            Sla.FirstResponseBreached = true;
        }
        _timeline.Add(new TimelineEvent(Id, TimelineKind.SlaBreached, SystemActor, Instant(now), new Dictionary<string, string?>
        {
            ["clock"] = resolution ? "resolution" : "first-response",
            ["due"] = due.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["priority"] = Priority.ToString(),
        }));
    }

    /// <summary>Appends an on-call event (page sent, escalated, acknowledged, failed) to the timeline.</summary>
    public void RecordOnCall(TimelineKind kind, string actor, IReadOnlyDictionary<string, string?> data, DateTimeOffset now)
    {
        if (kind is not (TimelineKind.Paged or TimelineKind.PageEscalated or TimelineKind.PageAcknowledged or TimelineKind.PageFailed))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), "Only on-call events are recorded here.");
        }
        if (kind == TimelineKind.PageAcknowledged)
        {
            Sla.AcknowledgedAt ??= Instant(now);
        }
        _timeline.Add(new TimelineEvent(Id, kind, actor, Instant(now), new Dictionary<string, string?>(data)));
    }

    /// <summary>The actor of what Vigie does by itself (breaches, pages).</summary>
    public const string SystemActor = "vigie";

    private void TrackMilestones(IncidentState from, IncidentState to)
    {
        if (from == IncidentState.New)
        {
            Sla.AcknowledgedAt ??= UpdatedAt;
        }
        switch (to)
        {
            case IncidentState.Contained:
                Sla.ContainedAt ??= UpdatedAt;
                break;
            case IncidentState.Resolved or IncidentState.Closed or IncidentState.Rejected:
                Sla.ResolvedAt ??= UpdatedAt;
                Sla.WaitingSince = null;
                break;
            case IncidentState.Open or IncidentState.Triage:
                Sla.ResolvedAt = null;
                break;
        }
    }

    public Qualification CurrentQualification() => new(RsitClass, RsitType, Severity, Impact, Tlp, Pap);

    private void Apply(Qualification q)
    {
        RsitClass = q.RsitClass;
        RsitType = q.RsitType;
        Severity = q.Severity;
        Impact = q.Impact;
        Priority = PriorityMatrix.Derive(q.Severity, q.Impact);
        Tlp = q.Tlp;
        Pap = q.Pap;
    }

    private static void CheckDescription(string? description, FieldErrors errors)
    {
        if (description is { Length: > 100_000 })
        {
            errors.Add("description", "The description is longer than 100,000 characters.");
        }
    }

    private static void Check(Qualification q, FieldErrors errors)
    {
        errors.Add(RsitTaxonomy.Default.Validate(q.RsitClass, q.RsitType));
        if (!Enum.IsDefined(q.Severity))
        {
            errors.Add("severity", "Severity must be low, medium, high or critical.");
        }
        if (!Enum.IsDefined(q.Impact))
        {
            errors.Add("impact", "Impact must be low, medium, high or critical.");
        }
        if (!Enum.IsDefined(q.Tlp))
        {
            errors.Add("tlp", $"TLP must be one of {TrafficLabels.AllowedTlp}.");
        }
        if (!Enum.IsDefined(q.Pap))
        {
            errors.Add("pap", $"PAP must be one of {TrafficLabels.AllowedPap}.");
        }
    }

    /// <summary>
    /// Every change moves <see cref="UpdatedAt"/> strictly forward, by at least one microsecond,
    /// and its timeline entry takes that instant: the timeline is totally ordered by time even
    /// when two changes share a clock reading or the clock steps back.
    /// </summary>
    private void Touch(DateTimeOffset now)
    {
        var utc = Instant(now);
        UpdatedAt = utc > UpdatedAt ? utc : UpdatedAt.AddMicroseconds(1);
    }

    /// <summary>UTC, truncated to the microsecond: PostgreSQL's precision, so both providers store the same instant.</summary>
    internal static DateTimeOffset Instant(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        Tlp t => t.ToLabel(),
        Pap p => p.ToLabel(),
        Priority p => p.ToString(),
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
