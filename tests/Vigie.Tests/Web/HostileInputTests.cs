using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Web;

/// <summary>
/// The hostile-input corpus (TestData/payloads) against the main API routes and the pages that show what
/// they stored: each input is refused with a problem (4xx) or stored as the text it is and shown encoded;
/// never a server error, never markup of ours. Plus the classic request-level attacks: oversized bodies,
/// wrong content types, path traversal in an uploaded file name.
/// </summary>
public abstract class HostileInputTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Payloads()
    {
        var data = new TheoryData<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "payloads", "hostile-inputs.txt")))
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                data.Add(line);
            }
        }
        return data;
    }

    private static bool Dangerous(string payload) => payload.Contains('<', StringComparison.Ordinal) || payload.Contains('"', StringComparison.Ordinal);

    private async Task<string> PageAsync(string path)
    {
        using var response = await app.Client("analyst").GetAsync(path, Ct);
        Assert.True((int)response.StatusCode < 500, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task An_incident_title_and_description_are_refused_or_stored_as_text_and_shown_encoded(string payload)
    {
        using var response = await app.Client("analyst").PostJson("/api/v1/incidents",
            new { title = "Hostile " + payload, description = payload, tlp = "TLP:AMBER" });
        Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return;
        }
        var created = await response.Expect(HttpStatusCode.Created);
        var number = created["number"]!.GetValue<string>();
        var stored = await app.Client("analyst").GetAsync($"/api/v1/incidents/{number}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(payload, stored["description"]!.GetValue<string>());
        var html = await PageAsync($"/incidents/{number}");
        Assert.Contains($"id=\"incident-title\"", html, StringComparison.Ordinal);
        if (Dangerous(payload))
        {
            Assert.DoesNotContain(payload, html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("alert('xss", html.Replace("&#x27;", "'", StringComparison.Ordinal).Split("<script", StringSplitOptions.None).Skip(1)
            .Select(s => s.Split("</script>")[0]).FirstOrDefault(s => s.Contains("alert", StringComparison.Ordinal)) ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Search_and_lists_take_any_query_without_failing(string payload)
    {
        using var api = await app.Client("analyst").GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(payload), Ct);
        Assert.True(api.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{api.StatusCode}: {await api.Content.ReadAsStringAsync(Ct)}");
        var html = await PageAsync("/search?q=" + Uri.EscapeDataString(payload));
        if (Dangerous(payload))
        {
            Assert.DoesNotContain(payload, html, StringComparison.Ordinal);
        }
        using var list = await app.Client("analyst").GetAsync("/api/v1/incidents?class=" + Uri.EscapeDataString(payload), Ct);
        Assert.True((int)list.StatusCode < 500, list.StatusCode.ToString());
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_report_filed_in_the_portal_is_refused_or_kept_as_text_for_the_contact_and_the_team(string payload)
    {
        // A contact of a partner organisation, with a write token of their own.
        var org = (await app.Client("lead").PostJson("/api/v1/constituents", new { name = $"Portal partner {Guid.NewGuid():N}", kind = "partner" })
            .Expect(HttpStatusCode.Created))["id"]!.GetValue<string>();
        string token;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            token = app.AddUser(db, $"contact-{Guid.NewGuid():N}@partner.example", UserRole.Constituent, TokenScope.Write, Guid.Parse(org));
            await db.SaveChangesAsync(Ct);
        }
        var contact = app.Client(null);
        contact.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await contact.PostJson("/api/v1/portal/reports", new { subject = "Portal " + payload, text = payload });
        Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return;
        }
        var id = (await response.Expect(HttpStatusCode.Accepted))["report"]!.GetValue<string>();
        var mine = await contact.GetAsync($"/api/v1/portal/reports/{id}", Ct).Expect(HttpStatusCode.OK);
        Assert.Contains(payload.Trim(), mine["subject"]!.GetValue<string>(), StringComparison.Ordinal);
        var html = await PageAsync($"/reports/{id}");
        if (Dangerous(payload))
        {
            Assert.DoesNotContain(payload, html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task A_constituent_name_is_refused_or_stored_as_text(string payload)
    {
        using var response = await app.Client("lead").PostJson("/api/v1/constituents",
            new { name = $"{payload} {Guid.NewGuid():N}", kind = "partner" });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var id = (await response.Expect(HttpStatusCode.Created))["id"]!.GetValue<string>();
            var html = await PageAsync($"/constituents/{id}");
            if (Dangerous(payload))
            {
                Assert.DoesNotContain(payload, html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task An_uploaded_file_name_cannot_climb_out_and_oversized_or_mistyped_bodies_are_refused()
    {
        var incident = await app.Client("analyst").PostJson("/api/v1/incidents", new { title = "Upload target", tlp = "TLP:GREEN" }).Expect(HttpStatusCode.Created);
        var number = incident["number"]!.GetValue<string>();
        foreach (var name in new[] { "../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "a/../../b.txt", "<script>.txt" })
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes("evidence"));
            file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(file, "file", name);
            using var response = await app.Client("analyst").PostAsync($"/api/v1/incidents/{number}/evidence", form, Ct);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var stored = (await response.Expect(HttpStatusCode.Created))["fileName"]!.GetValue<string>();
                Assert.DoesNotContain("/", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("\\", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("..", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("\n", stored, StringComparison.Ordinal);
            }
        }
        // Nothing was written outside the data directory's blob store.
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "..", "passwd")));

        // A body over the API's 1 MiB limit: 413 as problem details, before anything is read.
        var big = new StringContent("{\"title\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var problem = await app.Client("analyst").PostAsync("/api/v1/incidents", big, Ct).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("too large", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);

        // JSON endpoints take JSON only.
        using var wrongType = await app.Client("analyst").PostAsync("/api/v1/incidents", new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        using var notJson = await app.Client("analyst").PostAsync("/api/v1/incidents", new StringContent("{not json", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }
}

public sealed class HostileInputSqliteTests(SqliteApp app) : HostileInputTests(app), IClassFixture<SqliteApp>;

public sealed class HostileInputPostgresTests(PostgresApp app) : HostileInputTests(app), IClassFixture<PostgresApp>;
