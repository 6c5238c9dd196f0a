using System.Net;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Web;

/// <summary>A host whose public endpoints allow five requests per client address and minute.</summary>
public sealed class PublicLimitApp : VigieApp
{
    public const int PerMinute = 5;

    public override Provider Provider => Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>(base.ExtraSettings())
    {
        ["Vigie:Web:PublicRequestsPerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Issue 7 §6: the endpoints anyone can reach without an account are limited per client address, so
/// that scraping or guessing acknowledgement links cannot load the server; signed-in work is not.
/// </summary>
public sealed class PublicLimitTests(PublicLimitApp app) : IClassFixture<PublicLimitApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sixth_public_request_of_an_address_within_a_minute_gets_429_with_retry_after_and_a_readable_page()
    {
        var scraper = new FormBrowser(app, IPAddress.Parse("203.0.113.7"), "fr");
        var paths = new[] { "/security.txt", "/.well-known/security.txt", "/rfc2350/fr", "/team-key.asc", "/oncall/ack/guess-0001" };
        foreach (var path in paths)
        {
            var allowed = await scraper.GetAsync(path);
            Assert.True(allowed.Status != HttpStatusCode.TooManyRequests, $"{path} was limited before the allowance was spent");
        }

        var refused = await scraper.GetAsync("/rfc2350/rfc2350-fr.txt");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(int.Parse(refused.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        Assert.Contains("Trop de requêtes depuis votre adresse", refused.Text);
        Assert.DoesNotContain("/signin", refused.Body);

        // Another address (outside the scraper's /64) still gets in; so does the scraper's own signed-in work.
        var other = await new FormBrowser(app, IPAddress.Parse("203.0.113.8"), "en").GetAsync("/security.txt");
        Assert.Equal(HttpStatusCode.OK, other.Status);
        for (var i = 0; i < PublicLimitApp.PerMinute * 2; i++)
        {
            var staff = await app.Client("analyst").GetAsync("/api/v1/incidents", Ct);
            Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        }
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_64_share_an_allowance()
    {
        for (var i = 1; i <= PublicLimitApp.PerMinute; i++)
        {
            var response = await new FormBrowser(app, IPAddress.Parse($"2001:db8:77:1::{i:x}")).GetAsync("/security.txt");
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }
        var next = await new FormBrowser(app, IPAddress.Parse("2001:db8:77:1::ffff")).GetAsync("/security.txt");
        Assert.Equal(HttpStatusCode.TooManyRequests, next.Status);
        Assert.Contains("Too many requests from your address", next.Text);
        var neighbour = await new FormBrowser(app, IPAddress.Parse("2001:db8:77:2::1")).GetAsync("/security.txt");
        Assert.Equal(HttpStatusCode.OK, neighbour.Status);
    }
}
