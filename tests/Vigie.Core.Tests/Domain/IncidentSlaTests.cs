using Vigie.Core.Incidents;

namespace Vigie.Core.Tests.Domain;

/// <summary>The SLA facts an incident keeps, and the milestones read back from a timeline.</summary>
public sealed class IncidentSlaTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly Qualification Q = new("intrusions", "system-compromise", Severity.Medium, Impact.Medium, Tlp.Amber, Pap.Amber);

    private static Incident New()
    {
        var incident = Incident.Create(2026, 7, "Web shell", null, Q, null, "alice", T0).Value!;
        incident.ScheduleSla(new SlaSchedule(T0, "1bd", T0.AddDays(1), null, null, "default"), "alice", T0);
        return incident;
    }

    [Fact]
    public void A_first_schedule_is_silent_and_a_change_is_on_the_timeline()
    {
        var incident = New();
        Assert.DoesNotContain(incident.Timeline, e => e.Kind == TimelineKind.SlaChanged);
        incident.ScheduleSla(new SlaSchedule(T0, "1h", T0.AddHours(1), "3bd", T0.AddDays(3), "contract:gold"), "bob", T0.AddMinutes(5));
        var changed = Assert.Single(incident.Timeline, e => e.Kind == TimelineKind.SlaChanged);
        Assert.Equal("bob", changed.Actor);
        Assert.Equal("1h", changed.ReadData()["target"]);
        Assert.Equal("2026-12-01T09:00:00.0000000+00:00", changed.ReadData()["firstResponse.from"]);
        Assert.Equal("2026-11-30T10:00:00.0000000+00:00", changed.ReadData()["firstResponse.to"]);
        Assert.Equal("contract:gold", incident.Sla.TargetSource);
    }

    [Fact]
    public void Milestones_follow_the_life_cycle_and_a_reopening_clears_the_resolution()
    {
        var incident = New();
        Assert.Null(incident.Sla.AcknowledgedAt);
        Assert.Null(incident.MoveTo(IncidentState.Triage, "alice", null, T0.AddMinutes(10)));
        Assert.Equal(T0.AddMinutes(10), incident.Sla.AcknowledgedAt);
        Assert.Null(incident.MoveTo(IncidentState.Open, "alice", null, T0.AddMinutes(20)));
        Assert.Null(incident.MoveTo(IncidentState.Contained, "alice", null, T0.AddHours(1)));
        Assert.Null(incident.MoveTo(IncidentState.Resolved, "alice", null, T0.AddHours(2)));
        Assert.Equal(T0.AddHours(1), incident.Sla.ContainedAt);
        Assert.Equal(T0.AddHours(2), incident.Sla.ResolvedAt);
        Assert.Null(incident.MoveTo(IncidentState.Open, "alice", "came back", T0.AddHours(3)));
        Assert.Null(incident.Sla.ResolvedAt);
        Assert.Equal(T0.AddHours(1), incident.Sla.ContainedAt);

        // The same milestones come back from the timeline alone.
        incident.RecordFirstResponse(T0.AddMinutes(30));
        Assert.Null(incident.MoveTo(IncidentState.Resolved, "alice", null, T0.AddHours(4)));
        var read = SlaMilestones.FromTimeline(incident.Timeline);
        Assert.Equal(incident.Sla.AcknowledgedAt, read.Acknowledged);
        Assert.Equal(incident.Sla.ContainedAt, read.Contained);
        Assert.Equal(incident.Sla.ResolvedAt, read.Resolved);
        Assert.Null(read.FirstResponse); // no MessageSent event in this timeline: the answer was recorded directly
    }

    [Fact]
    public void The_first_answer_counts_once_and_an_assignment_acknowledges()
    {
        var incident = New();
        Assert.Null(incident.Update(null, null, null, "bob@csirt.test", "alice", T0.AddMinutes(3)));
        Assert.Equal(T0.AddMinutes(3), incident.Sla.AcknowledgedAt);
        incident.RecordFirstResponse(T0.AddHours(2));
        incident.RecordFirstResponse(T0.AddHours(5));
        Assert.Equal(T0.AddHours(2), incident.Sla.FirstRespondedAt);
    }

    [Fact]
    public void Waiting_starts_once_ends_once_and_records_the_moved_due_times()
    {
        var incident = New();
        Assert.Null(incident.StartWaiting("alice", "  logs asked  ", T0.AddHours(1)));
        Assert.Equal(T0.AddHours(1), incident.Sla.WaitingSince);
        Assert.Equal("already-waiting", incident.StartWaiting("alice", null, T0.AddHours(2))!.Code);
        Assert.Equal("logs asked", incident.Timeline.Single(e => e.Kind == TimelineKind.WaitingStarted).Reason);

        Assert.Null(incident.StopWaiting("alice", T0.AddDays(1).AddHours(2), null, T0.AddHours(3)));
        Assert.Null(incident.Sla.WaitingSince);
        Assert.Equal(T0.AddDays(1).AddHours(2), incident.Sla.FirstResponseDueAt);
        var ended = incident.Timeline.Single(e => e.Kind == TimelineKind.WaitingEnded).ReadData();
        Assert.Equal("2026-12-01T11:00:00.0000000+00:00", ended["firstResponse.to"]);
        Assert.Equal("not-waiting", incident.StopWaiting("alice", null, null, T0.AddHours(4))!.Code);

        Assert.Null(incident.MoveTo(IncidentState.Triage, "alice", null, T0.AddHours(5)));
        Assert.Null(incident.MoveTo(IncidentState.Rejected, "alice", "not ours", T0.AddHours(6)));
        Assert.Equal("not-running", incident.StartWaiting("alice", null, T0.AddHours(7))!.Code);
    }

    [Fact]
    public void Only_on_call_kinds_go_through_RecordOnCall_and_an_acknowledged_page_acknowledges()
    {
        var incident = New();
        Assert.Throws<ArgumentOutOfRangeException>(() => incident.RecordOnCall(TimelineKind.Note, "vigie", new Dictionary<string, string?>(), T0));
        incident.RecordOnCall(TimelineKind.PageAcknowledged, "carol@csirt.test", new Dictionary<string, string?> { ["level"] = "primary" }, T0.AddMinutes(4));
        Assert.Equal(T0.AddMinutes(4), incident.Sla.AcknowledgedAt);
        Assert.Equal("primary", incident.Timeline.Single(e => e.Kind == TimelineKind.PageAcknowledged).ReadData()["level"]);
    }
}
