namespace Vigie.Core.Incidents;

/// <summary>The incident-response phase a task belongs to (NIST SP 800-61 vocabulary).</summary>
public enum TaskKind
{
    Containment,
    Eradication,
    Recovery,
    Coordination,
    Other,
}

public enum TaskStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>A containment / eradication / recovery / coordination step of an incident.</summary>
public sealed class IncidentTask
{
    private IncidentTask()
    {
    }

    internal IncidentTask(Guid incidentId, string title, TaskKind kind, string? owner, DateTimeOffset? due, string actor, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        IncidentId = incidentId;
        Title = title;
        Kind = kind;
        Owner = owner;
        DueAt = due?.ToUniversalTime();
        CreatedBy = actor;
        CreatedAt = now.ToUniversalTime();
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    public string Title { get; private set; } = "";

    public TaskKind Kind { get; private set; }

    public TaskStatus Status { get; private set; }

    public string? Owner { get; private set; }

    public DateTimeOffset? DueAt { get; private set; }

    public string CreatedBy { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    internal void Reschedule(string? owner, DateTimeOffset? due)
    {
        Owner = owner;
        DueAt = due?.ToUniversalTime();
    }

    internal void Finish(TaskStatus status, DateTimeOffset now)
    {
        Status = status;
        CompletedAt = now.ToUniversalTime();
    }
}
