using System.Text.Json;

namespace Vigie.Core.Incidents;

/// <summary>What kind of thing happened on an incident; the UI renders each kind in the reader's language.</summary>
public enum TimelineKind
{
    Created,
    StateChanged,
    Qualified,
    Updated,
    ReportLinked,
    ObservableAdded,
    TaskAdded,
    TaskCompleted,
    Note,

    // Workspace (issue 4): each feature appends its own kinds here, so the timeline stays one list.
    ReportUnlinked,
    TaskUpdated,
    ObservableRemoved,
    MessageSent,
    MessageReceived,
    ShareRefused,
    ConsentRecorded,
    EvidenceAdded,
    EvidenceAccessed,
    ReviewUpdated,
    Exported,

    // SLA and on-call (issue 5).
    SlaChanged,
    SlaBreached,
    WaitingStarted,
    WaitingEnded,
    Paged,
    PageEscalated,
    PageAcknowledged,
    PageFailed,

    // Retention (issue 7 §7): a legal hold set or lifted (data "hold": "on" / "off").
    LegalHold,
}

/// <summary>
/// One entry of an incident's timeline: who did what, when and why. Written in the same
/// SaveChanges as the change it records, never edited afterwards.
/// </summary>
public sealed class TimelineEvent
{
    private TimelineEvent()
    {
    }

    public TimelineEvent(Guid incidentId, TimelineKind kind, string actor, DateTimeOffset at,
        IReadOnlyDictionary<string, string?>? data = null, string? reason = null)
    {
        Id = Guid.CreateVersion7(at);
        IncidentId = incidentId;
        Kind = kind;
        Actor = actor;
        At = at.ToUniversalTime();
        Reason = reason;
        Data = data is null || data.Count == 0 ? null : JsonSerializer.Serialize(data);
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    public TimelineKind Kind { get; private set; }

    public string Actor { get; private set; } = "";

    public DateTimeOffset At { get; private set; }

    public string? Reason { get; private set; }

    /// <summary>Structured facts of the event (JSON object of strings), e.g. from/to of a state change.</summary>
    public string? Data { get; private set; }

    public IReadOnlyDictionary<string, string?> ReadData() =>
        Data is null ? new Dictionary<string, string?>()
            : JsonSerializer.Deserialize<Dictionary<string, string?>>(Data) ?? [];
}
