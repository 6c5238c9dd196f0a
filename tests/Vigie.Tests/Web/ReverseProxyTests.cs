using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Web;

/// <summary>A real socket on 127.0.0.1, with the loopback named as the reverse proxy (Vigie:Web:KnownProxies).</summary>
public sealed class BehindProxyApp : VigieApp
{
    public override Provider Provider => Provider.Sqlite;

    protected override bool Kestrel => true;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Web:KnownProxies:0"] = "127.0.0.1",
    };
}

/// <summary>The same, with no proxy named.</summary>
public sealed class NoProxyApp : VigieApp
{
    public override Provider Provider => Provider.Sqlite;

    protected override bool Kestrel => true;
}

/// <summary>
/// Behind a TLS-terminating proxy the host believes X-Forwarded-Proto/For from the proxies it is told of, and
/// only from them: HTTPS is then known (HSTS is sent, absolute URLs are https), and nobody else can fake it.
/// </summary>
public sealed class ReverseProxyTests(BehindProxyApp proxied, NoProxyApp direct) : IClassFixture<BehindProxyApp>, IClassFixture<NoProxyApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> GetAsync(VigieApp app, string path, bool forwardedHttps)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedHttps)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Through_a_known_proxy_https_is_known_hsts_is_sent_and_urls_are_https()
    {
        using var response = await GetAsync(proxied, "/.well-known/security.txt", forwardedHttps: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"Canonical: https://127.0.0.1:{proxied.BaseAddress.Port}/.well-known/security.txt", text, StringComparison.Ordinal);

        // Plain HTTP to the same host: no HSTS (RFC 6797 §7.2).
        using var plain = await GetAsync(proxied, "/signin", forwardedHttps: false);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Without_a_known_proxy_forwarded_headers_are_ignored()
    {
        using var response = await GetAsync(direct, "/.well-known/security.txt", forwardedHttps: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"Canonical: http://127.0.0.1:{direct.BaseAddress.Port}/.well-known/security.txt", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_proxy_address_is_refused_at_start_with_its_key()
    {
        var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>(direct.Settings().ToDictionary(k => k.Key, k => (string?)k.Value))
        {
            ["Vigie:Web:KnownProxies:0"] = "proxy.example",
            ["Vigie:Web:KnownNetworks:0"] = "10.0.0.0/33",
        });
        using var host = builder.Build();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Vigie.Web.WebOptions>>().Value);
        var text = string.Join("\n", error.Failures);
        Assert.Contains("Vigie:Web:KnownProxies:0: 'proxy.example' is not an IP address", text, StringComparison.Ordinal);
        Assert.Contains("Vigie:Web:KnownNetworks:0: '10.0.0.0/33' is not a network", text, StringComparison.Ordinal);
    }
}
