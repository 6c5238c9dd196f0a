using Vigie.Core.Incidents;
using static Vigie.Core.Incidents.IncidentState;
using TaskStatus = Vigie.Core.Incidents.TaskStatus;

namespace Vigie.Core.Tests.Domain;

public class IncidentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private static readonly Qualification Q = new("intrusions", "system-compromise", Severity.High, Impact.Medium, Tlp.Amber, Pap.Green);

    private static Incident NewIncident(Qualification? q = null, DateTimeOffset? at = null)
    {
        var result = Incident.Create(2026, 42, "  Compromised web server  ", "Seen by the SOC.", q ?? Q, null, "alice", at ?? T0);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    // A legal path from new to each state; IncidentIn gives every step a reason.
    private static readonly Dictionary<IncidentState, IncidentState[]> PathTo = new()
    {
        [New] = [],
        [Triage] = [Triage],
        [Open] = [Triage, Open],
        [Contained] = [Triage, Open, Contained],
        [Resolved] = [Triage, Open, Resolved],
        [Closed] = [Triage, Open, Resolved, Closed],
        [Rejected] = [Rejected],
    };

    private static Incident IncidentIn(IncidentState state)
    {
        var incident = NewIncident();
        var at = T0;
        foreach (var step in PathTo[state])
        {
            at = at.AddMinutes(1);
            Assert.Null(incident.MoveTo(step, "alice", "because", at));
        }
        Assert.Equal(state, incident.State);
        return incident;
    }

    // ---- Create

    [Fact]
    public void Create_opens_a_new_incident_with_number_priority_and_a_created_event()
    {
        var incident = NewIncident(at: new DateTimeOffset(2026, 3, 2, 10, 30, 0, TimeSpan.FromHours(1)));

        Assert.Equal(New, incident.State);
        Assert.Equal(2026, incident.Year);
        Assert.Equal(42, incident.Sequence);
        Assert.Equal("2026-0042", incident.Number);
        Assert.Equal(2_026_000_042L, incident.Ordinal);
        Assert.Equal("Compromised web server", incident.Title);
        Assert.Equal("Seen by the SOC.", incident.Description);
        Assert.Equal("intrusions", incident.RsitClass);
        Assert.Equal("system-compromise", incident.RsitType);
        Assert.Equal(Severity.High, incident.Severity);
        Assert.Equal(Impact.Medium, incident.Impact);
        Assert.Equal(Priority.P2, incident.Priority);
        Assert.Equal(Tlp.Amber, incident.Tlp);
        Assert.Equal(Pap.Green, incident.Pap);
        Assert.Equal(Q, incident.CurrentQualification());
        Assert.Null(incident.Assignee);
        Assert.Null(incident.ConstituentId);
        Assert.Equal("alice", incident.CreatedBy);
        Assert.Equal(T0, incident.CreatedAt);
        Assert.Equal(TimeSpan.Zero, incident.CreatedAt.Offset);
        Assert.Equal(T0, incident.UpdatedAt);
        Assert.NotEqual(Guid.Empty, incident.Id);
        Assert.Equal(7, incident.Id.Version);
        Assert.Empty(incident.Tasks);

        var created = Assert.Single(incident.Timeline);
        Assert.Equal(TimelineKind.Created, created.Kind);
        Assert.Equal(incident.Id, created.IncidentId);
        Assert.Equal("alice", created.Actor);
        Assert.Equal(T0, created.At);
        Assert.Null(created.Reason);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["number"] = "2026-0042",
            ["title"] = "Compromised web server",
            ["state"] = "new",
            ["priority"] = "P2",
            ["tlp"] = "TLP:AMBER",
        }, created.ReadData());
    }

    [Fact]
    public void Create_derives_priority_from_the_matrix()
    {
        var incident = NewIncident(Q with { Severity = Severity.Low, Impact = Impact.Low });
        Assert.Equal(Priority.P4, incident.Priority);
        incident = NewIncident(Q with { Severity = Severity.High, Impact = Impact.Critical });
        Assert.Equal(Priority.P1, incident.Priority);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_requires_a_title(string? title)
    {
        var result = Incident.Create(2026, 1, title, null, Q, null, "alice", T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Equal(["A title is required."], result.Error.Fields!["title"]);
    }

    [Fact]
    public void Create_accepts_300_characters_of_title_and_refuses_301()
    {
        Assert.True(Incident.Create(2026, 1, new string('t', 300), null, Q, null, "alice", T0).IsSuccess);
        Assert.True(Incident.Create(2026, 1, "  " + new string('t', 300) + "  ", null, Q, null, "alice", T0).IsSuccess);

        var result = Incident.Create(2026, 1, new string('t', 301), null, Q, null, "alice", T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(["The title is longer than 300 characters."], result.Error!.Fields!["title"]);
    }

    [Fact]
    public void Create_refuses_a_bad_rsit_pair_and_reports_every_field()
    {
        var bad = new Qualification("intrusions", "phishing", (Severity)0, (Impact)9, (Tlp)7, (Pap)7);
        var result = Incident.Create(2026, 1, "", new string('d', 100_001), bad, null, "alice", T0);
        Assert.False(result.IsSuccess);
        Assert.Equal(
            ["description", "impact", "pap", "rsitType", "severity", "title", "tlp"],
            result.Error!.Fields!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("system-compromise", Assert.Single(result.Error.Fields["rsitType"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hacking", null, "rsitClass")]
    [InlineData(null, "phishing", "rsitClass")]
    [InlineData("fraud", "system-compromise", "rsitType")]
    public void Create_names_the_rsit_field_in_error(string? c, string? t, string field)
    {
        var result = Incident.Create(2026, 1, "Title", null, Q with { RsitClass = c, RsitType = t }, null, "alice", T0);
        Assert.False(result.IsSuccess);
        Assert.Equal([field], result.Error!.Fields!.Keys);
    }

    [Fact]
    public void Create_without_rsit_class_is_allowed_and_blank_description_is_null()
    {
        var result = Incident.Create(2026, 1, "Title", "   ", Q with { RsitClass = null, RsitType = null }, null, "alice", T0);
        Assert.True(result.IsSuccess);
        Assert.Null(result.Value!.RsitClass);
        Assert.Null(result.Value.Description);
    }

    [Fact]
    public void Create_refuses_a_sequence_outside_the_number_range()
    {
        var result = Incident.Create(2026, 1_000_001, "Title", null, Q, null, "alice", T0);
        Assert.False(result.IsSuccess);
    }

    // ---- MoveTo

    [Fact]
    public void MoveTo_along_the_happy_path_records_one_state_change_per_move()
    {
        var incident = NewIncident();
        IncidentState[] path = [Triage, Open, Contained, Resolved, Closed];
        var previous = New;
        for (var i = 0; i < path.Length; i++)
        {
            var at = T0.AddHours(i + 1);
            var reason = i % 2 == 0 ? null : $"  step {i}  ";
            Assert.Null(incident.MoveTo(path[i], $"analyst{i}", reason, at));

            Assert.Equal(path[i], incident.State);
            Assert.Equal(at, incident.UpdatedAt);
            Assert.Equal(i + 2, incident.Timeline.Count);
            var e = incident.Timeline[^1];
            Assert.Equal(TimelineKind.StateChanged, e.Kind);
            Assert.Equal($"analyst{i}", e.Actor);
            Assert.Equal(at, e.At);
            Assert.Equal(reason?.Trim(), e.Reason);
            Assert.Equal(new Dictionary<string, string?> { ["from"] = previous.ToWire(), ["to"] = path[i].ToWire() }, e.ReadData());
            previous = path[i];
        }
        Assert.Equal(T0, incident.CreatedAt);
    }

    [Fact]
    public void MoveTo_obeys_the_state_table_from_every_state()
    {
        foreach (var from in Enum.GetValues<IncidentState>())
        {
            foreach (var to in Enum.GetValues<IncidentState>())
            {
                var incident = IncidentIn(from);
                var count = incident.Timeline.Count;
                var error = incident.MoveTo(to, "bob", "a reason", T0.AddDays(1));
                var allowed = IncidentStateMachineTests.Expected[from].Contains(to);
                if (allowed)
                {
                    Assert.Null(error);
                    Assert.Equal(to, incident.State);
                    Assert.Equal(count + 1, incident.Timeline.Count);
                }
                else
                {
                    Assert.NotNull(error);
                    Assert.Equal(ErrorKind.Conflict, error.Kind);
                    Assert.Equal(from, incident.State);
                    Assert.Equal(count, incident.Timeline.Count);
                }
            }
        }
    }

    [Fact]
    public void Illegal_move_is_a_conflict_listing_the_allowed_moves_and_changes_nothing()
    {
        var incident = NewIncident();
        var updated = incident.UpdatedAt;

        var error = incident.MoveTo(Closed, "bob", "done", T0.AddHours(1));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("illegal-transition", error.Code);
        Assert.Equal("An incident in state 'new' cannot move to 'closed'. Allowed moves: triage, rejected.", error.Message);
        Assert.Equal(["triage", "rejected"], Assert.IsType<string[]>(error.Extensions!["allowedMoves"]));
        Assert.Equal("new", error.Extensions["state"]);
        Assert.Equal(New, incident.State);
        Assert.Single(incident.Timeline);
        Assert.Equal(updated, incident.UpdatedAt);
    }

    [Fact]
    public void Illegal_move_from_open_lists_open_s_moves()
    {
        var incident = IncidentIn(Open);
        var error = incident.MoveTo(Closed, "bob", null, T0.AddDays(1));
        Assert.Equal(["contained", "resolved", "rejected"], (string[])error!.Extensions!["allowedMoves"]!);
        Assert.Equal("open", error.Extensions["state"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Rejecting_without_a_reason_is_a_validation_error_and_changes_nothing(string? reason)
    {
        var incident = IncidentIn(Triage);
        var count = incident.Timeline.Count;
        var updated = incident.UpdatedAt;

        var error = incident.MoveTo(Rejected, "bob", reason, T0.AddDays(1));

        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal(["Moving from 'triage' to 'rejected' needs a reason."], error.Fields!["reason"]);
        Assert.Equal(Triage, incident.State);
        Assert.Equal(count, incident.Timeline.Count);
        Assert.Equal(updated, incident.UpdatedAt);
    }

    [Theory]
    [InlineData(Contained, Open)]
    [InlineData(Resolved, Open)]
    [InlineData(Closed, Open)]
    [InlineData(Rejected, Triage)]
    public void Going_back_without_a_reason_is_refused(IncidentState from, IncidentState to)
    {
        var incident = IncidentIn(from);
        var error = incident.MoveTo(to, "bob", null, T0.AddDays(1));
        Assert.NotNull(error);
        Assert.True(error.Fields!.ContainsKey("reason"));
        Assert.Equal(from, incident.State);

        Assert.Null(incident.MoveTo(to, "bob", "containment failed", T0.AddDays(1)));
        Assert.Equal(to, incident.State);
        Assert.Equal("containment failed", incident.Timeline[^1].Reason);
    }

    [Fact]
    public void A_reason_longer_than_4000_characters_is_refused()
    {
        var incident = NewIncident();
        var error = incident.MoveTo(Rejected, "bob", new string('r', 4001), T0.AddHours(1));
        Assert.NotNull(error);
        Assert.True(error.Fields!.ContainsKey("reason"));
        Assert.Equal(New, incident.State);
        Assert.Null(incident.MoveTo(Rejected, "bob", new string('r', 4000), T0.AddHours(1)));
    }

    // ---- Qualify

    [Fact]
    public void Qualify_records_only_the_changed_fields()
    {
        var incident = NewIncident();
        var at = T0.AddHours(2);

        Assert.Null(incident.Qualify(Q with { Severity = Severity.Low }, "carol", "less bad", at));

        Assert.Equal(Severity.Low, incident.Severity);
        Assert.Equal(Priority.P4, incident.Priority);
        Assert.Equal(at, incident.UpdatedAt);
        var e = incident.Timeline[^1];
        Assert.Equal(TimelineKind.Qualified, e.Kind);
        Assert.Equal("carol", e.Actor);
        Assert.Equal("less bad", e.Reason);
        Assert.Equal(at, e.At);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["severity.from"] = "high",
            ["severity.to"] = "low",
            ["priority.from"] = "P2",
            ["priority.to"] = "P4",
        }, e.ReadData());
    }

    [Fact]
    public void Qualify_formats_labels_and_nulls()
    {
        var incident = NewIncident();
        Assert.Null(incident.Qualify(Q with { RsitType = null, Tlp = Tlp.Red, Pap = Pap.Clear }, "carol", null, T0.AddHours(1)));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["rsitType.from"] = "system-compromise",
            ["rsitType.to"] = null,
            ["tlp.from"] = "TLP:AMBER",
            ["tlp.to"] = "TLP:RED",
            ["pap.from"] = "PAP:GREEN",
            ["pap.to"] = "PAP:CLEAR",
        }, incident.Timeline[^1].ReadData());
        Assert.Equal(Priority.P2, incident.Priority);
    }

    [Fact]
    public void Qualify_with_the_same_values_records_nothing()
    {
        var incident = NewIncident();
        Assert.Null(incident.Qualify(Q with { }, "carol", "again", T0.AddHours(1)));
        Assert.Single(incident.Timeline);
        Assert.Equal(T0, incident.UpdatedAt);
    }

    [Fact]
    public void Qualify_with_a_bad_pair_is_refused_and_changes_nothing()
    {
        var incident = NewIncident();
        var error = incident.Qualify(Q with { RsitType = "phishing", Severity = Severity.Critical }, "carol", null, T0.AddHours(1));
        Assert.NotNull(error);
        Assert.True(error.Fields!.ContainsKey("rsitType"));
        Assert.Equal(Q, incident.CurrentQualification());
        Assert.Equal(Priority.P2, incident.Priority);
        Assert.Single(incident.Timeline);
    }

    // ---- Update

    [Fact]
    public void Update_changes_title_and_assignee_with_an_updated_event()
    {
        var incident = NewIncident();
        var at = T0.AddHours(1);
        Assert.Null(incident.Update("  New title ", null, null, "dave", "carol", at));

        Assert.Equal("New title", incident.Title);
        Assert.Equal("dave", incident.Assignee);
        Assert.Equal("Seen by the SOC.", incident.Description);
        Assert.Equal(at, incident.UpdatedAt);
        var e = incident.Timeline[^1];
        Assert.Equal(TimelineKind.Updated, e.Kind);
        Assert.Equal("carol", e.Actor);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["title.from"] = "Compromised web server",
            ["title.to"] = "New title",
            ["assignee.from"] = null,
            ["assignee.to"] = "dave",
        }, e.ReadData());
    }

    [Fact]
    public void Update_records_constituent_and_description_changes()
    {
        var incident = NewIncident();
        var constituent = new Guid("0197a000-0000-7000-8000-000000000001");
        Assert.Null(incident.Update(null, "Other text", constituent, null, "carol", T0.AddHours(1)));
        Assert.Equal(constituent, incident.ConstituentId);
        Assert.Equal("Other text", incident.Description);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["description"] = "changed",
            ["constituent.from"] = null,
            ["constituent.to"] = constituent.ToString(),
        }, incident.Timeline[^1].ReadData());
    }

    [Fact]
    public void Update_with_nothing_changed_records_nothing()
    {
        var incident = NewIncident();
        Assert.Null(incident.Update(null, null, null, null, "carol", T0.AddHours(1)));
        Assert.Null(incident.Update("Compromised web server", "Seen by the SOC.", null, null, "carol", T0.AddHours(1)));
        Assert.Single(incident.Timeline);
        Assert.Equal(T0, incident.UpdatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Update_refuses_a_blank_title(string title)
    {
        var incident = NewIncident();
        var error = incident.Update(title, null, null, "dave", "carol", T0.AddHours(1));
        Assert.Equal(["A title is required."], error!.Fields!["title"]);
        Assert.Equal("Compromised web server", incident.Title);
        Assert.Null(incident.Assignee);
        Assert.Single(incident.Timeline);
    }

    [Fact]
    public void Update_refuses_a_301_character_title()
    {
        var incident = NewIncident();
        var error = incident.Update(new string('x', 301), null, null, null, "carol", T0.AddHours(1));
        Assert.True(error!.Fields!.ContainsKey("title"));
        Assert.Single(incident.Timeline);
    }

    [Fact]
    public void Update_with_an_empty_description_when_there_is_none_records_nothing()
    {
        var incident = Incident.Create(2026, 1, "Title", null, Q, null, "alice", T0).Value!;
        Assert.Null(incident.Update(null, "", null, null, "carol", T0.AddHours(1)));
        Assert.Single(incident.Timeline);
    }

    [Fact]
    public void Update_refuses_a_description_that_create_would_refuse()
    {
        var incident = NewIncident();
        var error = incident.Update(null, new string('d', 100_001), null, null, "carol", T0.AddHours(1));
        Assert.NotNull(error);
        Assert.True(error.Fields!.ContainsKey("description"));
    }

    // ---- Tasks

    [Fact]
    public void AddTask_adds_an_open_task_and_a_timeline_event()
    {
        var incident = NewIncident();
        var at = T0.AddHours(1);
        var due = new DateTimeOffset(2026, 3, 3, 18, 0, 0, TimeSpan.FromHours(1));

        var result = incident.AddTask("  Block 192.0.2.1 at the edge  ", TaskKind.Containment, "erin", due, "carol", at);

        Assert.True(result.IsSuccess);
        var task = result.Value!;
        Assert.Same(task, Assert.Single(incident.Tasks));
        Assert.Equal(incident.Id, task.IncidentId);
        Assert.Equal("Block 192.0.2.1 at the edge", task.Title);
        Assert.Equal(TaskKind.Containment, task.Kind);
        Assert.Equal(TaskStatus.Open, task.Status);
        Assert.Equal("erin", task.Owner);
        Assert.Equal(due, task.DueAt);
        Assert.Equal(TimeSpan.Zero, task.DueAt!.Value.Offset);
        Assert.Equal("carol", task.CreatedBy);
        Assert.Equal(at, task.CreatedAt);
        Assert.Null(task.CompletedAt);

        var e = incident.Timeline[^1];
        Assert.Equal(TimelineKind.TaskAdded, e.Kind);
        Assert.Equal(at, e.At);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["task"] = task.Id.ToString(),
            ["title"] = "Block 192.0.2.1 at the edge",
            ["kind"] = "containment",
        }, e.ReadData());
        Assert.Equal(at, incident.UpdatedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void AddTask_needs_a_title(string? title)
    {
        var incident = NewIncident();
        var result = incident.AddTask(title, TaskKind.Other, null, null, "carol", T0.AddHours(1));
        Assert.False(result.IsSuccess);
        Assert.True(result.Error!.Fields!.ContainsKey("title"));
        Assert.Empty(incident.Tasks);
        Assert.Single(incident.Timeline);

        Assert.False(incident.AddTask(new string('t', 301), TaskKind.Other, null, null, "carol", T0).IsSuccess);
        Assert.True(incident.AddTask(new string('t', 300), TaskKind.Other, null, null, "carol", T0).IsSuccess);
    }

    [Fact]
    public void FinishTask_once_then_again_is_a_conflict()
    {
        var incident = NewIncident();
        var task = incident.AddTask("Reset passwords", TaskKind.Recovery, null, null, "carol", T0.AddHours(1)).Value!;
        var done = T0.AddHours(3);

        Assert.Null(incident.FinishTask(task, TaskStatus.Done, "erin", done));
        Assert.Equal(TaskStatus.Done, task.Status);
        Assert.Equal(done, task.CompletedAt);
        var e = incident.Timeline[^1];
        Assert.Equal(TimelineKind.TaskCompleted, e.Kind);
        Assert.Equal("erin", e.Actor);
        Assert.Equal(new Dictionary<string, string?> { ["task"] = task.Id.ToString(), ["status"] = "done" }, e.ReadData());
        var count = incident.Timeline.Count;

        var again = incident.FinishTask(task, TaskStatus.Cancelled, "erin", done.AddHours(1));
        Assert.NotNull(again);
        Assert.Equal(ErrorKind.Conflict, again.Kind);
        Assert.Equal("task-state", again.Code);
        Assert.Equal(TaskStatus.Done, task.Status);
        Assert.Equal(done, task.CompletedAt);
        Assert.Equal(count, incident.Timeline.Count);
    }

    [Fact]
    public void FinishTask_to_open_is_a_conflict_and_cancel_works()
    {
        var incident = NewIncident();
        var task = incident.AddTask("Call the ISP", TaskKind.Coordination, null, null, "carol", T0.AddHours(1)).Value!;
        Assert.Equal(ErrorKind.Conflict, incident.FinishTask(task, TaskStatus.Open, "erin", T0.AddHours(2))!.Kind);
        Assert.Equal(TaskStatus.Open, task.Status);

        Assert.Null(incident.FinishTask(task, TaskStatus.Cancelled, "erin", T0.AddHours(2)));
        Assert.Equal(TaskStatus.Cancelled, task.Status);
        Assert.Equal("cancelled", incident.Timeline[^1].ReadData()["status"]);
    }

    [Fact]
    public void FinishTask_of_another_incident_is_not_found()
    {
        var mine = NewIncident();
        var other = Incident.Create(2026, 43, "Other", null, Q, null, "alice", T0.AddSeconds(1)).Value!;
        var task = other.AddTask("Theirs", TaskKind.Other, null, null, "carol", T0.AddHours(1)).Value!;

        var error = mine.FinishTask(task, TaskStatus.Done, "erin", T0.AddHours(2));
        Assert.Equal(ErrorKind.NotFound, error!.Kind);
        Assert.Equal(TaskStatus.Open, task.Status);
        Assert.Single(mine.Timeline);
    }

    // ---- Time

    [Fact]
    public void UpdatedAt_never_goes_backwards_when_the_clock_steps_back()
    {
        // Steps are one microsecond: PostgreSQL's precision, so the order survives a round trip.
        var incident = NewIncident();

        Assert.Null(incident.MoveTo(Triage, "bob", null, T0.AddHours(-1)));
        Assert.Equal(T0.AddMicroseconds(1), incident.UpdatedAt);
        Assert.Equal(T0.AddMicroseconds(1), incident.Timeline[^1].At);

        Assert.Null(incident.MoveTo(Open, "bob", null, T0.AddHours(-2)));
        Assert.Equal(T0.AddMicroseconds(2), incident.UpdatedAt);

        // Same instant as the last change: still strictly later.
        Assert.True(incident.AddObservable("192.0.2.1", null, null, "bob", T0.AddMicroseconds(2)).IsSuccess);
        Assert.Equal(T0.AddMicroseconds(3), incident.UpdatedAt);

        incident.RecordReportLinked(Guid.Empty, "bob", T0.AddHours(5));
        Assert.Equal(T0.AddHours(5), incident.UpdatedAt);

        var times = incident.Timeline.Select(e => e.At).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, times.Distinct().Count());
        Assert.Equal(T0, incident.CreatedAt);
    }

    [Fact]
    public void Times_are_stored_in_utc()
    {
        var incident = NewIncident();
        var paris = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.FromHours(1));
        Assert.Null(incident.MoveTo(Triage, "bob", null, paris));
        Assert.Equal(TimeSpan.Zero, incident.UpdatedAt.Offset);
        Assert.Equal(paris, incident.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, incident.Timeline[^1].At.Offset);
    }

    [Fact]
    public void Recorded_links_and_observables_go_on_the_timeline()
    {
        var incident = NewIncident();
        var report = new Guid("0197a000-0000-7000-8000-0000000000aa");
        incident.RecordReportLinked(report, "bob", T0.AddMinutes(1));
        Assert.True(incident.AddObservable("example.com", null, null, "bob", T0.AddMinutes(2)).IsSuccess);

        Assert.Equal(TimelineKind.ReportLinked, incident.Timeline[1].Kind);
        Assert.Equal(report.ToString(), incident.Timeline[1].ReadData()["report"]);
        Assert.Equal(TimelineKind.ObservableAdded, incident.Timeline[2].Kind);
        Assert.Equal(new Dictionary<string, string?> { ["kind"] = "domain", ["value"] = "example.com" }, incident.Timeline[2].ReadData());
    }
}
