using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Web;

/// <summary>
/// Every workspace page is behind a policy; only the sign-in and the error pages are public. A page
/// added later without [Authorize] makes this test fail.
/// </summary>
public sealed class PageAuthorizationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    // /oncall/ack/{Token}: the on-call acknowledgement link works without sign-in at 03:00 on a phone;
    // the random single-use token is the credential (docs/oncall.md).
    private static readonly string[] PublicPages = ["/signin", "/signin/code", "/signin/enrol", "/not-found", "/forbidden", "/status/{Code:int}", "/oncall/ack/{Token}", "/contact",
        "/rfc2350/{Lang:nonfile}", "/rfc2350/{Lang}/v/{Version}", "/rfc2350/{Lang}/history", "/rfc2350/{Lang}/diff/{From}/{To}",
        "/advisories", "/advisories/{TrackingId}"];

    private List<RouteEndpoint> Pages() => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).ToList();

    [Fact]
    public void Every_page_requires_a_policy_except_sign_in_and_the_error_pages()
    {
        var pages = Pages();
        Assert.True(pages.Count >= 4, $"only {pages.Count} pages found");
        foreach (var page in pages)
        {
            var route = page.RoutePattern.RawText!;
            if (PublicPages.Contains(route))
            {
                Assert.NotNull(page.Metadata.GetMetadata<IAllowAnonymous>());
                continue;
            }
            Assert.True(page.Metadata.GetMetadata<IAllowAnonymous>() is null, $"{route} allows anonymous access");
            Assert.True(page.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null), $"{route} has no policy");
        }
    }

    /// <summary>The portal's pages are for constituent contacts only (docs/portal.md), whatever else they allow.</summary>
    [Fact]
    public void The_portal_pages_require_the_contact_policy()
    {
        var portal = Pages().Where(p => p.RoutePattern.RawText!.StartsWith("/portal", StringComparison.Ordinal)).ToList();
        Assert.True(portal.Count >= 4, $"only {portal.Count} portal pages found");
        foreach (var page in portal)
        {
            Assert.Equal(["portal"], page.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy));
        }
    }

    [Fact]
    public async Task An_anonymous_request_for_a_page_is_sent_to_sign_in_and_the_api_answers_401()
    {
        var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var path in new[] { "/", "/incidents", "/incidents/2026-0001", "/portal", "/portal/incidents/2026-0001", "/portal/key", "/portal/inventory", "/portal/advisories" })
        {
            var page = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/signin?ReturnUrl=", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        var api = await client.GetAsync("/api/v1/incidents", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_that_loads_nothing_from_elsewhere()
    {
        var client = app.Factory.CreateClient();
        var page = await client.GetAsync("/signin", TestContext.Current.CancellationToken);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
