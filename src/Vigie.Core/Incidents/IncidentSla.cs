namespace Vigie.Core.Incidents;

/// <summary>
/// The SLA facts of an incident (docs/sla.md), kept on the incident row so lists sort and filter by due
/// time: when its clock started (the first report's reception, else the creation), the two clocks'
/// targets and due times, the milestones the metrics measure (acknowledgement, first response,
/// containment, resolution), the current pause and which clocks were recorded as breached.
/// Changed only through <see cref="Incident"/>'s methods, which write the timeline.
/// </summary>
public sealed class IncidentSla
{
    /// <summary>When the first report reached the team (or the incident was opened): the SLA's "received at".</summary>
    public DateTimeOffset? ReceivedAt { get; internal set; }

    /// <summary>The first-response target applied, as written in the policy (<c>1bd</c>), and its source (<c>default</c>, <c>contract:gold</c>).</summary>
    public string? FirstResponseTarget { get; internal set; }

    public DateTimeOffset? FirstResponseDueAt { get; internal set; }

    /// <summary>The first human answer to the reporter or constituent (the automatic acknowledgement does not count).</summary>
    public DateTimeOffset? FirstRespondedAt { get; internal set; }

    public string? ResolutionTarget { get; internal set; }

    public DateTimeOffset? ResolutionDueAt { get; internal set; }

    public string? TargetSource { get; internal set; }

    /// <summary>When someone took the incident: first assignment, first move out of "new", or an on-call page acknowledged.</summary>
    public DateTimeOffset? AcknowledgedAt { get; internal set; }

    /// <summary>First move to "contained".</summary>
    public DateTimeOffset? ContainedAt { get; internal set; }

    /// <summary>Last move to "resolved" (or straight to "closed"); cleared when the incident is reopened.</summary>
    public DateTimeOffset? ResolvedAt { get; internal set; }

    /// <summary>Set while the team waits for the constituent (the clocks pause if the policy says so).</summary>
    public DateTimeOffset? WaitingSince { get; internal set; }

    public bool FirstResponseBreached { get; internal set; }

    public bool ResolutionBreached { get; internal set; }
}

/// <summary>Due times computed by the SLA policy for an incident (<see cref="Incident.ScheduleSla"/>).</summary>
public sealed record SlaSchedule(
    DateTimeOffset ReceivedAt,
    string FirstResponseTarget,
    DateTimeOffset FirstResponseDueAt,
    string? ResolutionTarget,
    DateTimeOffset? ResolutionDueAt,
    string Source);
