using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Playbooks;
using Vigie.Features.Playbooks;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Playbooks;

/// <summary>Playbooks: shipped defaults, who may edit them, and applying one to an incident.</summary>
public abstract class PlaybookTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonArray> ListAsync(string user = "auditor") =>
        (await app.Client(user).GetAsync("/api/v1/playbooks", Ct).Expect(HttpStatusCode.OK)).AsArray();

    private static object Sample(string name) => new
    {
        nameFr = name + " (fr)",
        nameEn = name,
        rsitClass = "availability",
        rsitType = "outage",
        steps = new object[]
        {
            new { titleFr = "Prévenir l'exploitant", titleEn = "Call the operator", kind = "coordination", dueOffsetHours = 2 },
            new { titleFr = "Basculer sur le site de secours", titleEn = "", kind = "recovery", dueOffsetHours = (int?)null },
        },
    };

    [Fact]
    public async Task The_default_playbooks_are_seeded_once_at_start()
    {
        var list = await ListAsync();
        foreach (var t in DefaultPlaybooks.All)
        {
            var p = list.Single(x => x!.Str("nameEn") == t.NameEn)!;
            Assert.Equal(t.RsitClass, p.Str("rsitClass"));
            Assert.Equal(t.Steps.Count, p["steps"]!.AsArray().Count);
        }
        var phishing = list.Single(x => x!.Str("nameEn") == "Phishing")!;
        Assert.Equal("Hameçonnage", phishing.Str("nameFr"));
        Assert.Equal("coordination", phishing["steps"]![0]!.Str("kind"));

        await using var scope = app.Scope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PlaybookService>().EnsureDefaultsAsync(Ct));
        Assert.Equal(list.Count, (await ListAsync()).Count);
    }

    [Fact]
    public async Task Only_leads_and_admins_write_playbooks()
    {
        var name = "Outage " + Guid.NewGuid().ToString("N")[..6];
        var refused = await app.Client("analyst").PostJson("/api/v1/playbooks", Sample(name)).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", refused.Str("code"));
        await app.Client("auditor").PostJson("/api/v1/playbooks", Sample(name)).Expect(HttpStatusCode.Forbidden);

        var created = await app.Client("lead").PostJson("/api/v1/playbooks", Sample(name)).Expect(HttpStatusCode.Created);
        var id = created.Str("id");
        Assert.Equal(2, created["steps"]!.AsArray().Count);
        Assert.Equal("lead@csirt.test", created.Str("updatedBy"));
        await app.Client("lead").PostJson("/api/v1/playbooks", Sample(name)).ExpectProblem(HttpStatusCode.Conflict);

        await app.Client("analyst").PutJson($"/api/v1/playbooks/{id}", Sample(name + " x")).ExpectProblem(HttpStatusCode.Forbidden);
        var edited = await app.Client("admin").PutJson($"/api/v1/playbooks/{id}", new
        {
            nameFr = "Panne",
            nameEn = name,
            rsitClass = "availability",
            rsitType = (string?)null,
            steps = new object[] { new { titleFr = "Une seule étape", titleEn = "One step", kind = "other", dueOffsetHours = 1 } },
        }).Expect(HttpStatusCode.OK);
        Assert.Equal("Panne", edited.Str("nameFr"));
        Assert.Null(edited["rsitType"]);
        Assert.Equal("One step", Assert.Single(edited["steps"]!.AsArray())!.Str("titleEn"));

        var invalid = await app.Client("lead").PutJson($"/api/v1/playbooks/{id}", new
        {
            nameFr = "", nameEn = "", rsitClass = "availability", rsitType = "phishing",
            steps = new object[] { new { titleFr = "", titleEn = "", kind = "soon", dueOffsetHours = -1 } },
        }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["steps[0].kind"]);

        await app.Client("analyst").DeleteAsync($"/api/v1/playbooks/{id}", Ct).ExpectProblem(HttpStatusCode.Forbidden);
        await app.Client("lead").DeleteAsync($"/api/v1/playbooks/{id}", Ct).Expect(HttpStatusCode.NoContent);
        await app.Client("lead").GetAsync($"/api/v1/playbooks/{id}", Ct).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Applying_a_playbook_creates_its_steps_as_tasks_due_from_now_in_the_chosen_language()
    {
        var incident = await app.Client().PostJson("/api/v1/incidents", new { title = "Phishing wave", rsitClass = "fraud", rsitType = "phishing" })
            .Expect(HttpStatusCode.Created);
        var number = incident.Str("number");
        var phishing = (await ListAsync()).Single(p => p!.Str("nameEn") == "Phishing")!;
        var steps = phishing["steps"]!.AsArray();
        var now = app.Time.GetUtcNow();

        var applied = await app.Client().PostJson($"/api/v1/incidents/{number}/playbook", new { playbookId = phishing.Str("id"), language = "en" })
            .Expect(HttpStatusCode.OK);
        var tasks = applied["tasks"]!.AsArray();
        Assert.Equal(steps.Count, tasks.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(steps[i]!.Str("titleEn"), tasks[i]!.Str("title"));
            Assert.Equal(steps[i]!.Str("kind"), tasks[i]!.Str("kind"));
            var due = tasks[i]!["dueAt"]!.GetValue<DateTimeOffset>();
            Assert.Equal(now.AddHours(steps[i]!["dueOffsetHours"]!.GetValue<int>()), due);
        }
        var timeline = await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK);
        var added = timeline.AsArray().Where(e => e!.Str("kind") == "taskAdded").ToList();
        Assert.Equal(steps.Count, added.Count);
        Assert.All(added, e => Assert.Equal("Phishing", e!["data"]!.Str("playbook")));

        var french = await app.Client().PostJson($"/api/v1/incidents/{number}/playbook", new { playbookId = phishing.Str("id"), language = "fr" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal(steps[0]!.Str("titleFr"), french["tasks"]![0]!.Str("title"));

        await app.Client("analyst-readonly").PostJson($"/api/v1/incidents/{number}/playbook", new { playbookId = phishing.Str("id") })
            .Expect(HttpStatusCode.Forbidden);
        await app.Client().PostJson($"/api/v1/incidents/{number}/playbook", new { playbookId = Guid.NewGuid() }).ExpectProblem(HttpStatusCode.NotFound);
        await app.Client().PostJson($"/api/v1/incidents/{number}/playbook", new { playbookId = phishing.Str("id"), language = "de" })
            .ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_red_incident_the_analyst_may_not_see_gets_no_playbook()
    {
        var incident = await app.Client("lead").PostJson("/api/v1/incidents", new { title = "Red case", tlp = "TLP:RED" }).Expect(HttpStatusCode.Created);
        var playbook = (await ListAsync())[0]!.Str("id");
        await app.Client("analyst").PostJson($"/api/v1/incidents/{incident.Str("number")}/playbook", new { playbookId = playbook })
            .ExpectProblem(HttpStatusCode.NotFound);
        await app.Client("lead").PostJson($"/api/v1/incidents/{incident.Str("number")}/playbook", new { playbookId = playbook })
            .Expect(HttpStatusCode.OK);
    }
}

public sealed class PlaybookSqliteTests(SqliteApp app) : PlaybookTests(app), IClassFixture<SqliteApp>;

public sealed class PlaybookPostgresTests(PostgresApp app) : PlaybookTests(app), IClassFixture<PostgresApp>;
