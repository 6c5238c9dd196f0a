using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Api;

/// <summary>Who may do what on API v1: the role × operation matrix, and tokens that must not work.</summary>
public abstract class AuthorizationTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        var reads = new[] { "/api/v1/incidents", "/api/v1/constituents", "/api/v1/reports", "/api/v1/lookup?ip=192.0.2.1", "/api/v1/incidents/taxonomy" };
        foreach (var url in reads)
        {
            foreach (var role in new[] { "admin", "lead", "analyst", "analyst-readonly", "auditor" })
            {
                data.Add(role, "GET", url, HttpStatusCode.OK);
            }
            data.Add("constituent", "GET", url, HttpStatusCode.Forbidden);
            data.Add("anonymous", "GET", url, HttpStatusCode.Unauthorized);
        }
        foreach (var (role, expected) in new[]
        {
            ("admin", HttpStatusCode.Created), ("lead", HttpStatusCode.Created), ("analyst", HttpStatusCode.Created),
            ("analyst-readonly", HttpStatusCode.Forbidden), ("auditor", HttpStatusCode.Forbidden),
            ("constituent", HttpStatusCode.Forbidden), ("anonymous", HttpStatusCode.Unauthorized),
        })
        {
            data.Add(role, "POST", "/api/v1/incidents", expected);
            data.Add(role, "POST", "/api/v1/constituents", expected);
            data.Add(role, "POST", "/api/v1/reports", expected);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_matrix(string role, string method, string url, HttpStatusCode expected)
    {
        var client = role switch
        {
            "anonymous" => app.Client(null),
            "constituent" => await ConstituentClient(),
            _ => app.Client(role),
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = url.EndsWith("reports", StringComparison.Ordinal)
                ? new ByteArrayContent(Encoding.UTF8.GetBytes($"Subject: authz {Guid.NewGuid()}\r\n\r\nbody\r\n")) { Headers = { ContentType = new MediaTypeHeaderValue("message/rfc822") } }
                : new StringContent($$"""{"title":"authz {{Guid.NewGuid()}}","name":"authz {{Guid.NewGuid()}}","kind":"partner"}""", Encoding.UTF8, "application/json");
        }
        var response = await client.SendAsync(request, Ct);
        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Expired_revoked_malformed_and_unknown_tokens_are_401()
    {
        string expired, revoked;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            expired = app.AddUser(db, $"expired-{Guid.NewGuid():N}@csirt.test", UserRole.Admin, TokenScope.Admin, null, app.Time.GetUtcNow().AddSeconds(-1));
            revoked = app.AddUser(db, $"revoked-{Guid.NewGuid():N}@csirt.test", UserRole.Admin, TokenScope.Admin, null);
            await db.SaveChangesAsync(Ct);
            var hash = ApiTokens.Hash(revoked);
            db.ApiTokens.Single(t => t.Hash == hash).RevokedAt = app.Time.GetUtcNow();
            await db.SaveChangesAsync(Ct);
        }
        foreach (var token in new[] { expired, revoked, "vgt_" + new string('A', 43), "not-a-vigie-token", ApiTokens.NewToken() })
        {
            var client = app.Client(null);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await client.GetAsync("/api/v1/incidents", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Token_use_is_recorded_and_only_its_hash_is_stored()
    {
        var token = app.Token("lead");
        await app.Client("lead").GetAsync("/api/v1/incidents", Ct).Expect(HttpStatusCode.OK);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var hash = ApiTokens.Hash(token);
        var stored = db.ApiTokens.Single(t => t.Hash == hash);
        Assert.NotNull(stored.LastUsedAt);
        Assert.DoesNotContain(db.ApiTokens.AsEnumerable(), t => t.Hash == token || t.Prefix == token);
    }

    [Fact]
    public void Every_api_endpoint_requires_authorization()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true).ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found");
        foreach (var e in endpoints)
        {
            Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>());
            Assert.NotEmpty(e.Metadata.GetOrderedMetadata<IAuthorizeData>());
        }
    }

    private async Task<HttpClient> ConstituentClient()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var org = Vigie.Core.Constituents.Constituent.Create($"Portal org {Guid.NewGuid():N}", Vigie.Core.Constituents.ConstituentKind.Client, null, null, app.Time.GetUtcNow()).Value!;
        db.Constituents.Add(org);
        var token = app.AddUser(db, $"contact-{Guid.NewGuid():N}@org.test", UserRole.Constituent, TokenScope.Admin, org.Id);
        await db.SaveChangesAsync(Ct);
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public sealed class AuthorizationSqliteTests(SqliteApp app) : AuthorizationTests(app), IClassFixture<SqliteApp>;

public sealed class AuthorizationPostgresTests(PostgresApp app) : AuthorizationTests(app), IClassFixture<PostgresApp>;
