using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Api;

/// <summary>Health, OpenAPI, API docs and the generic error answers of the host.</summary>
public abstract class HostTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_reports_the_database()
    {
        var health = await app.Client(null).GetAsync("/health", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal("Healthy", health.Str("status"));
        Assert.Contains(app.Provider == Provider.Sqlite ? "Sqlite" : "PostgreSQL", health["checks"]!["database"].Str("description"));
    }

    [Fact]
    public async Task OpenAPI_document_lists_the_v1_routes_and_the_docs_page_is_served()
    {
        var doc = await app.Client(null).GetAsync("/openapi/v1.json", Ct).Expect(HttpStatusCode.OK);
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/api/v1/incidents", "/api/v1/incidents/{key}/transitions", "/api/v1/constituents", "/api/v1/lookup", "/api/v1/reports" })
        {
            Assert.Contains(path, paths);
        }
        Assert.NotNull(doc["paths"]!["/api/v1/reports"]!["post"]!["requestBody"]!["content"]!["message/rfc822"]);

        var docs = await app.Client(null).GetAsync("/api/docs/", Ct);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("Vigie API", await docs.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_the_position()
    {
        var response = await app.Client().PostAsync("/api/v1/incidents", new StringContent("{\"title\": oops", Encoding.UTF8, "application/json"), Ct);
        var problem = await response.ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("JSON body is invalid", problem.Str("detail"));
        Assert.Contains("$.title", problem.Str("detail"));
    }

    [Fact]
    public async Task Json_body_over_one_MiB_is_413_and_writes_nothing()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var before = await db.Incidents.CountAsync(Ct);
        var body = "{\"title\":\"big\",\"description\":\"" + new string('x', 1024 * 1024) + "\"}";
        var problem = await app.Client().PostAsync("/api/v1/incidents", new StringContent(body, Encoding.UTF8, "application/json"), Ct)
            .ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", problem.Str("detail"));
        Assert.Equal(before, await db.Incidents.CountAsync(Ct));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var response = await app.Client().GetAsync("/api/v1/nothing-here", Ct);
        await response.ExpectProblem(HttpStatusCode.NotFound);
    }
}

public sealed class HostSqliteTests(SqliteApp app) : HostTests(app), IClassFixture<SqliteApp>;

public sealed class HostPostgresTests(PostgresApp app) : HostTests(app), IClassFixture<PostgresApp>;
