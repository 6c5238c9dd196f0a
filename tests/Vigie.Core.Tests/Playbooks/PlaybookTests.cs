using Vigie.Core.Incidents;
using Vigie.Core.Playbooks;
using TaskStatus = Vigie.Core.Incidents.TaskStatus;

namespace Vigie.Core.Tests.Playbooks;

public class PlaybookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private static PlaybookStepInput Step(string fr, string en, int? hours = 4) => new(fr, en, TaskKind.Containment, hours);

    [Fact]
    public void Every_default_playbook_is_valid_and_names_a_real_rsit_type()
    {
        Assert.True(DefaultPlaybooks.All.Count >= 8);
        foreach (var t in DefaultPlaybooks.All)
        {
            var created = Playbook.Create(t.NameFr, t.NameEn, t.RsitClass, t.RsitType, t.Steps, "vigie", T0);
            Assert.True(created.IsSuccess, $"{t.NameEn}: {created.Error?.Message} {string.Join("; ", created.Error?.Fields?.SelectMany(f => f.Value) ?? [])}");
            Assert.All(created.Value!.Steps, s => Assert.True(s.TitleFr.Length > 0 && s.TitleEn.Length > 0));
        }
        Assert.Equal(DefaultPlaybooks.All.Count, DefaultPlaybooks.All.Select(t => t.NameEn).Distinct().Count());
    }

    [Fact]
    public void A_playbook_is_refused_without_name_steps_or_with_a_type_outside_its_class()
    {
        var error = Playbook.Create("", " ", "availability", "phishing", [Step("", ""), Step("a", "b", -1)], "lead", T0).Error!;
        Assert.Equal(["name", "rsitType", "steps[0].title", "steps[1].dueOffsetHours"], error.Fields!.Keys.Order(StringComparer.Ordinal));
        Assert.False(Playbook.Create("x", "x", null, "ddos", [Step("a", "b")], "lead", T0).IsSuccess);
        Assert.False(Playbook.Create("x", "x", null, null, [], "lead", T0).IsSuccess);
        Assert.True(Playbook.Create("x", "", null, null, [Step("a", "")], "lead", T0).IsSuccess);
    }

    [Fact]
    public void Titles_fall_back_to_the_other_language_and_due_dates_count_from_the_application()
    {
        var p = Playbook.Create("Panne", "", "availability", null, [Step("Appeler", "", 3), Step("", "Check", null)], "lead", T0).Value!;
        Assert.Equal("Panne", p.Name("en"));
        Assert.Equal(["Appeler", "Check"], p.Steps.Select(s => s.Title("en")));
        Assert.Equal(["Appeler", "Check"], p.Steps.Select(s => s.Title("fr")));
        Assert.Equal(T0.AddHours(3), p.Steps[0].DueFrom(T0));
        Assert.Null(p.Steps[1].DueFrom(T0));
        Assert.True(p.Fits("availability", "ddos"));
        Assert.False(p.Fits("fraud", "phishing"));
    }

    [Fact]
    public void UpdateTask_changes_owner_and_due_and_records_what_changed()
    {
        var incident = Incident.Create(2026, 1, "Case", null, new Qualification(null, null, Severity.Medium, Impact.Medium, Tlp.Amber, Pap.Amber),
            null, "alice", T0).Value!;
        var task = incident.AddTask("Block", TaskKind.Containment, null, null, "alice", T0, "Phishing").Value!;
        Assert.Equal("Phishing", incident.Timeline[^1].ReadData()["playbook"]);

        var due = T0.AddHours(5);
        Assert.Null(incident.UpdateTask(task, "bob@csirt.test", due, "alice", T0.AddHours(1)));
        Assert.Equal("bob@csirt.test", task.Owner);
        Assert.Equal(due, task.DueAt);
        var e = incident.Timeline[^1];
        Assert.Equal(TimelineKind.TaskUpdated, e.Kind);
        Assert.Null(e.ReadData()["owner.from"]);
        Assert.Equal("bob@csirt.test", e.ReadData()["owner.to"]);
        Assert.Contains("due.to", e.ReadData().Keys);

        var count = incident.Timeline.Count;
        Assert.Null(incident.UpdateTask(task, "bob@csirt.test", due, "alice", T0.AddHours(2)));
        Assert.Equal(count, incident.Timeline.Count); // no change, no event

        Assert.Null(incident.FinishTask(task, TaskStatus.Done, "alice", T0.AddHours(3)));
        Assert.Equal("task-state", incident.UpdateTask(task, null, null, "alice", T0.AddHours(4))!.Code);
    }
}
