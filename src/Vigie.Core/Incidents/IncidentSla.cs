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

/// <summary>The milestones the metrics measure, as instants (null when not reached).</summary>
public sealed record SlaMilestones(DateTimeOffset? Acknowledged, DateTimeOffset? FirstResponse, DateTimeOffset? Contained, DateTimeOffset? Resolved)
{
    /// <summary>
    /// Reads the milestones back from a timeline, for incidents opened before the SLA facts were kept:
    /// acknowledged = first assignment or first move out of "new"; first response = first message sent to
    /// a reporter or a constituent contact; contained = first move to "contained"; resolved = last move to
    /// "resolved", "closed" or "rejected" not followed by a reopening.
    /// </summary>
    public static SlaMilestones FromTimeline(IEnumerable<TimelineEvent> events)
    {
        DateTimeOffset? acknowledged = null, first = null, contained = null, resolved = null;
        foreach (var e in events.OrderBy(e => e.At))
        {
            var data = e.ReadData();
            switch (e.Kind)
            {
                case TimelineKind.StateChanged:
                    var from = data.GetValueOrDefault("from");
                    var to = data.GetValueOrDefault("to");
                    if (from == "new")
                    {
                        acknowledged ??= e.At;
                    }
                    if (to == "contained")
                    {
                        contained ??= e.At;
                    }
                    if (to is "resolved" or "closed" or "rejected")
                    {
                        resolved ??= e.At;
                    }
                    else if (to is "open" or "triage")
                    {
                        resolved = null;
                    }
                    break;
                case TimelineKind.Updated when data.GetValueOrDefault("assignee.to") is { Length: > 0 }:
                    acknowledged ??= e.At;
                    break;
                case TimelineKind.MessageSent when data.GetValueOrDefault("party") is "reporter" or "constituentContact":
                    first ??= e.At;
                    acknowledged ??= e.At;
                    break;
                case TimelineKind.PageAcknowledged:
                    acknowledged ??= e.At;
                    break;
            }
        }
        return new SlaMilestones(acknowledged, first, contained, resolved);
    }
}
