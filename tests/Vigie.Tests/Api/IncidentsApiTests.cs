using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Api;

public abstract class IncidentsApiTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonNode> Create(object body, string user = "analyst") =>
        await app.Client(user).PostJson("/api/v1/incidents", body).Expect(HttpStatusCode.Created);

    [Fact]
    public async Task Create_numbers_incidents_per_year_and_derives_priority()
    {
        var first = await Create(new { title = "Phishing campaign against accounting", rsitClass = "fraud", rsitType = "phishing", severity = "high", impact = "high", tlp = "TLP:AMBER+STRICT", pap = "green" });
        var second = await Create(new { title = "Second one" });

        Assert.Matches(@"^2026-\d{4}$", first.Str("number"));
        var n1 = int.Parse(first.Str("number")[5..]);
        var n2 = int.Parse(second.Str("number")[5..]);
        Assert.True(n2 > n1, $"{n2} should follow {n1}");
        Assert.Equal("new", first.Str("state"));
        Assert.Equal("P2", first.Str("priority"));
        Assert.Equal("TLP:AMBER+STRICT", first.Str("tlp"));
        Assert.Equal("PAP:GREEN", first.Str("pap"));
        Assert.Equal("analyst@csirt.test", first.Str("createdBy"));
        // Defaults: medium × medium = P3, TLP:AMBER, PAP:AMBER.
        Assert.Equal("P3", second.Str("priority"));
        Assert.Equal("TLP:AMBER", second.Str("tlp"));
        Assert.Equal(["triage", "rejected"], second["allowedMoves"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task Year_of_the_number_is_the_year_in_Paris()
    {
        // 23:30 UTC on 31 December is already 00:30 on 1 January in Paris (UTC+1 in winter).
        var newYearsEve = new FakeTimeProvider(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero));
        await using var host = app.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(newYearsEve)));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", app.Token("analyst"));
        var incident = await client.PostJson("/api/v1/incidents", new { title = "New year's eve defacement" }).Expect(HttpStatusCode.Created);
        Assert.StartsWith("2027-", incident.Str("number"));
    }

    [Fact]
    public async Task Full_life_cycle_is_recorded_on_the_timeline_with_actor_reason_and_time()
    {
        var client = app.Client("analyst");
        var incident = await Create(new { title = "Web shell on intranet server", rsitClass = "intrusions", rsitType = "system-compromise" });
        var number = incident.Str("number");
        var moves = new[] { ("triage", "first look"), ("open", "confirmed by EDR"), ("contained", "server isolated"), ("resolved", "rebuilt from backup"), ("closed", "review done") };
        foreach (var (to, reason) in moves)
        {
            var moved = await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to, reason }).Expect(HttpStatusCode.OK);
            Assert.Equal(to, moved.Str("state"));
        }

        var timeline = (await client.GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal("created", timeline[0].Str("kind"));
        var changes = timeline.Where(e => e.Str("kind") == "stateChanged").ToList();
        Assert.Equal(["new>triage", "triage>open", "open>contained", "contained>resolved", "resolved>closed"],
            changes.Select(e => e!["data"].Str("from") + ">" + e!["data"].Str("to")));
        Assert.Equal(moves.Select(m => m.Item2), changes.Select(e => e.Str("reason")));
        Assert.All(changes, e => Assert.Equal("analyst@csirt.test", e.Str("actor")));
        Assert.All(changes, e => Assert.Equal(app.Time.GetUtcNow().Date, DateTimeOffset.Parse(e.Str("at"), System.Globalization.CultureInfo.InvariantCulture).Date));
    }

    [Fact]
    public async Task Illegal_move_is_409_naming_the_allowed_moves_and_changes_nothing()
    {
        var client = app.Client();
        var incident = await Create(new { title = "Port scan" });
        var id = incident.Str("id");

        var problem = await client.PostJson($"/api/v1/incidents/{id}/transitions", new { to = "closed", reason = "done" })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("cannot move to 'closed'", problem.Str("detail"));
        Assert.Equal(["triage", "rejected"], problem["allowedMoves"]!.AsArray().Select(x => x!.GetValue<string>()));

        var after = await client.GetAsync($"/api/v1/incidents/{id}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal("new", after.Str("state"));
        var timeline = await client.GetAsync($"/api/v1/incidents/{id}/timeline", Ct).Expect(HttpStatusCode.OK);
        Assert.Single(timeline.AsArray());
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_unknown_state_names_the_states()
    {
        var client = app.Client();
        var id = (await Create(new { title = "Spam complaint" })).Str("id");

        var noReason = await client.PostJson($"/api/v1/incidents/{id}/transitions", new { to = "rejected" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("needs a reason", noReason["errors"]!["reason"]![0]!.GetValue<string>());

        var unknown = await client.PostJson($"/api/v1/incidents/{id}/transitions", new { to = "frozen" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("new, triage, open, contained, resolved, closed, rejected", unknown["errors"]!["to"]![0]!.GetValue<string>());

        var rejected = await client.PostJson($"/api/v1/incidents/{id}/transitions", new { to = "rejected", reason = "not for us: end user, redirected to their SOC" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.Str("state"));
    }

    [Fact]
    public async Task Unknown_RSIT_type_is_400_naming_the_allowed_values_and_writes_nothing()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var before = await db.Incidents.CountAsync(Ct);
        var counterBefore = await db.IncidentCounters.SumAsync(c => c.Last, Ct);

        var problem = await app.Client().PostJson("/api/v1/incidents", new { title = "Bad type", rsitClass = "intrusions", rsitType = "ransomware" })
            .ExpectProblem(HttpStatusCode.BadRequest);
        var message = problem["errors"]!["rsitType"]![0]!.GetValue<string>();
        Assert.Contains("'ransomware' is not an RSIT type of class 'intrusions'", message);
        Assert.Contains("privileged-account-compromise", message);
        Assert.Contains("system-compromise", message);

        var badClass = await app.Client().PostJson("/api/v1/incidents", new { title = "Bad class", rsitClass = "hacking" })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("abusive-content", badClass["errors"]!["rsitClass"]![0]!.GetValue<string>());

        var badTlp = await app.Client().PostJson("/api/v1/incidents", new { title = "Bad TLP", tlp = "TLP:BLUE", severity = "huge" })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(badTlp["errors"]!["tlp"]);
        Assert.NotNull(badTlp["errors"]!["severity"]);

        var noTitle = await app.Client().PostJson("/api/v1/incidents", new { title = "  " }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(noTitle["errors"]!["title"]);

        Assert.Equal(before, await db.Incidents.CountAsync(Ct));
        Assert.Equal(counterBefore, await db.IncidentCounters.SumAsync(c => c.Last, Ct));
    }

    [Fact]
    public async Task Patch_requalifies_recomputes_priority_and_records_the_change()
    {
        var client = app.Client();
        var id = (await Create(new { title = "DDoS on portal", rsitClass = "availability", rsitType = "ddos", severity = "medium", impact = "medium" })).Str("id");

        var patched = await client.PatchJson($"/api/v1/incidents/{id}", new { severity = "critical", impact = "high", tlp = "red", reason = "customer lost its portal", assignee = "lead@csirt.test" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal("P1", patched.Str("priority"));
        Assert.Equal("TLP:RED", patched.Str("tlp"));
        Assert.Equal("lead@csirt.test", patched.Str("assignee"));
        Assert.Equal("availability", patched.Str("rsitClass"));

        var timeline = (await client.GetAsync($"/api/v1/incidents/{id}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        var qualified = Assert.Single(timeline, e => e.Str("kind") == "qualified");
        Assert.Equal("customer lost its portal", qualified.Str("reason"));
        Assert.Equal("P3", qualified!["data"].Str("priority.from"));
        Assert.Equal("P1", qualified!["data"].Str("priority.to"));
        Assert.Equal("TLP:RED", qualified!["data"].Str("tlp.to"));
        Assert.Null(qualified!["data"]!["rsitClass.from"]);
        var updated = Assert.Single(timeline, e => e.Str("kind") == "updated");
        Assert.Equal("lead@csirt.test", updated!["data"].Str("assignee.to"));

        var unknownAssignee = await client.PatchJson($"/api/v1/incidents/{id}", new { assignee = "nobody@csirt.test" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(unknownAssignee["errors"]!["assignee"]);
    }

    [Fact]
    public async Task Get_by_number_or_id_and_404_as_problem()
    {
        var client = app.Client();
        var created = await Create(new { title = "Lookup me" });
        var byNumber = await client.GetAsync($"/api/v1/incidents/{created.Str("number")}", Ct).Expect(HttpStatusCode.OK);
        var byId = await client.GetAsync($"/api/v1/incidents/{created.Str("id")}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(created.Str("id"), byNumber.Str("id"));
        Assert.Equal(created.Str("number"), byId.Str("number"));

        var missing = await client.GetAsync("/api/v1/incidents/1999-9999", Ct).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Contains("1999-9999", missing.Str("detail"));
        await client.GetAsync("/api/v1/incidents/not-a-key", Ct).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_filters_by_state_class_constituent_and_tlp_and_pages_with_a_cursor()
    {
        var client = app.Client();
        var constituent = await client.PostJson("/api/v1/constituents", new { name = $"Filter Corp {Guid.NewGuid():N}", kind = "partner" }).Expect(HttpStatusCode.Created);
        var cid = constituent.Str("id");
        var mine = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var created = await Create(new { title = $"Filtered {i}", rsitClass = "vulnerable", rsitType = "vulnerable-system", tlp = i % 2 == 0 ? "red" : "green", constituentId = cid });
            mine.Add(created.Str("number"));
            if (i < 3)
            {
                await client.PostJson($"/api/v1/incidents/{created.Str("id")}/transitions", new { to = "triage" }).Expect(HttpStatusCode.OK);
            }
        }

        var all = await client.GetAsync($"/api/v1/incidents?constituent={cid}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(Enumerable.Reverse(mine), all["items"]!.AsArray().Select(x => x.Str("number")));
        Assert.Null(all["nextCursor"]);

        var triage = await client.GetAsync($"/api/v1/incidents?constituent={cid}&state=triage", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(mine.Take(3).Reverse(), triage["items"]!.AsArray().Select(x => x.Str("number")));

        var red = await client.GetAsync($"/api/v1/incidents?constituent={cid}&tlp=TLP:RED&class=vulnerable", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal([mine[6], mine[4], mine[2], mine[0]], red["items"]!.AsArray().Select(x => x.Str("number")));

        var two = await client.GetAsync($"/api/v1/incidents?state=new,triage&constituent={cid}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(7, two["items"]!.AsArray().Count);

        // Keyset paging: three pages of 3, 3, 1, no duplicates, no gaps.
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetAsync($"/api/v1/incidents?constituent={cid}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}"), Ct).Expect(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(x => x.Str("number")));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(mine), seen);
    }

    [Fact]
    public async Task List_rejects_bad_filters_with_field_errors()
    {
        var problem = await app.Client().GetAsync("/api/v1/incidents?state=bogus&tlp=purple&limit=0&class=nope&cursor=abc", Ct)
            .ExpectProblem(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["class", "cursor", "limit", "state", "tlp"], errors.Select(e => e.Key).Order());
    }

    [Fact]
    public async Task Tasks_are_added_and_finished_with_timeline_entries()
    {
        var client = app.Client();
        var id = (await Create(new { title = "Compromised mailbox" })).Str("id");
        var task = await client.PostJson($"/api/v1/incidents/{id}/tasks", new { title = "Reset password and revoke sessions", kind = "containment", owner = "analyst@csirt.test" })
            .Expect(HttpStatusCode.Created);
        Assert.Equal("containment", task.Str("kind"));
        Assert.Equal("open", task.Str("status"));

        var done = await client.PostJson($"/api/v1/incidents/{id}/tasks/{task.Str("id")}/finish", new { status = "done" }).Expect(HttpStatusCode.OK);
        Assert.Equal("done", done.Str("status"));
        await client.PostJson($"/api/v1/incidents/{id}/tasks/{task.Str("id")}/finish", new { status = "done" }).ExpectProblem(HttpStatusCode.Conflict);
        await client.PostJson($"/api/v1/incidents/{id}/tasks", new { title = "x", kind = "pray" }).ExpectProblem(HttpStatusCode.BadRequest);

        var timeline = (await client.GetAsync($"/api/v1/incidents/{id}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["created", "taskAdded", "taskCompleted"], timeline.Select(e => e.Str("kind")));
    }

    [Fact]
    public async Task Observables_are_normalised_deduplicated_and_correlated_across_incidents()
    {
        var client = app.Client();
        var first = await Create(new { title = "C2 beaconing from workstation" });
        var second = await Create(new { title = "Same C2 seen by a partner" });

        var ip = await client.PostJson($"/api/v1/incidents/{first.Str("id")}/observables", new { value = "203[.]0.113[.]77", note = "C2 server" }).Expect(HttpStatusCode.Created);
        Assert.Equal("ipv4", ip.Str("kind"));
        Assert.Equal("203.0.113.77", ip.Str("value"));
        Assert.True(ip["isPrivateOrReserved"]!.GetValue<bool>()); // 203.0.113.0/24 is a documentation range (RFC 5737)
        Assert.Empty(ip["alsoIn"]!.AsArray());

        var url = await client.PostJson($"/api/v1/incidents/{first.Str("number")}/observables", new { value = "hxxps://Evil[.]Example:443/gate.php?id=1" }).Expect(HttpStatusCode.Created);
        Assert.Equal("url", url.Str("kind"));
        Assert.Equal("https://evil.example/gate.php?id=1", url.Str("value"));

        await client.PostJson($"/api/v1/incidents/{first.Str("id")}/observables", new { value = "203.0.113.77" }).ExpectProblem(HttpStatusCode.Conflict);
        var bad = await client.PostJson($"/api/v1/incidents/{first.Str("id")}/observables", new { value = "10.0.0.1/8" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("did you mean 10.0.0.0/8?", bad["errors"]!["value"]![0]!.GetValue<string>());
        await client.PostJson($"/api/v1/incidents/{first.Str("id")}/observables", new { value = "x", kind = "ipv5" }).ExpectProblem(HttpStatusCode.BadRequest);

        var again = await client.PostJson($"/api/v1/incidents/{second.Str("id")}/observables", new { value = "203.0.113.77" }).Expect(HttpStatusCode.Created);
        Assert.Equal([first.Str("number")], again["alsoIn"]!.AsArray().Select(x => x!.GetValue<string>()));

        var list = (await client.GetAsync($"/api/v1/incidents/{first.Str("id")}/observables", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["203.0.113.77", "https://evil.example/gate.php?id=1"], list.Select(o => o.Str("value")));
        Assert.Equal([second.Str("number")], list[0]!["alsoIn"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("C2 server", list[0].Str("note"));

        var timeline = (await client.GetAsync($"/api/v1/incidents/{first.Str("id")}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["203.0.113.77", "https://evil.example/gate.php?id=1"],
            timeline.Where(e => e.Str("kind") == "observableAdded").Select(e => e!["data"].Str("value")));
    }

    [Fact]
    public async Task Concurrent_creations_get_distinct_consecutive_numbers()
    {
        var tasks = Enumerable.Range(0, 12).Select(i => app.Client().PostJson("/api/v1/incidents", new { title = $"Burst {i}" })).ToList();
        var responses = await Task.WhenAll(tasks);
        var numbers = new List<int>();
        foreach (var r in responses)
        {
            numbers.Add(int.Parse((await r.Expect(HttpStatusCode.Created)).Str("number")[5..]));
        }
        Assert.Equal(12, numbers.Distinct().Count());
        Assert.Equal(11, numbers.Max() - numbers.Min());
    }
}

public sealed class IncidentsApiSqliteTests(SqliteApp app) : IncidentsApiTests(app), IClassFixture<SqliteApp>;

public sealed class IncidentsApiPostgresTests(PostgresApp app) : IncidentsApiTests(app), IClassFixture<PostgresApp>;
