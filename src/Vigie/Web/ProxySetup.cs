using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Vigie.Web;

/// <summary>
/// <c>Vigie:Web</c>: running behind a TLS-terminating reverse proxy (docs/deployment in README). Only the
/// proxies named here are believed about the client's address and scheme (X-Forwarded-For,
/// X-Forwarded-Proto): anyone else could forge them to dodge per-address limits or fake HTTPS.
/// </summary>
public sealed class WebOptions
{
    public const string Section = "Vigie:Web";

    /// <summary>Addresses of the reverse proxies in front of Vigie, e.g. <c>127.0.0.1</c> or <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of reverse proxies (CIDR), e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Max-age of Strict-Transport-Security, sent on every HTTPS response (default 365 days; 0 turns it off).</summary>
    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>
    /// Requests per client address and minute to the public endpoints anyone can reach without signing in
    /// (<see cref="PublicLimiter.Paths"/>: RFC 2350 files and pages, security.txt, the team key, the contact
    /// form, on-call acknowledgement links); 0 turns the limit off.
    /// </summary>
    public int PublicRequestsPerMinute { get; set; } = 120;
}

internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"{WebOptions.Section}:KnownProxies:{i}: '{options.KnownProxies[i]}' is not an IP address.");
            }
        }
        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"{WebOptions.Section}:KnownNetworks:{i}: '{options.KnownNetworks[i]}' is not a network in CIDR notation (10.0.0.0/24).");
            }
        }
        if (options.PublicRequestsPerMinute is < 0 or > 100_000)
        {
            failures.Add($"{WebOptions.Section}:PublicRequestsPerMinute: {options.PublicRequestsPerMinute} is not between 0 (off) and 100000.");
        }
        if (options.HstsMaxAgeDays is < 0 or > 3650)
        {
            failures.Add($"{WebOptions.Section}:HstsMaxAgeDays: {options.HstsMaxAgeDays} is not between 0 and 3650.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class ProxySetup
{
    public static IHostApplicationBuilder AddVigieProxy(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        return builder;
    }

    /// <summary>
    /// First in the pipeline: with configured proxies, the client's address and scheme come from their
    /// forwarded headers (so HTTPS is known, and limits count the real client); then HSTS on HTTPS responses.
    /// </summary>
    public static WebApplication UseVigieProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        if (web.KnownProxies.Count > 0 || web.KnownNetworks.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                // One proxy hop: the address it saw is the client's.
                ForwardLimit = 1,
            };
            // The defaults trust loopback: here only what the operator names is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in web.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in web.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            app.UseForwardedHeaders(forwarded);
        }
        if (web.HstsMaxAgeDays > 0)
        {
            var value = $"max-age={web.HstsMaxAgeDays * 86400}";
            app.Use((context, next) =>
            {
                // RFC 6797 §7.2: only over a secure transport; a browser ignores it over plain HTTP anyway.
                if (context.Request.IsHttps)
                {
                    context.Response.Headers.StrictTransportSecurity = value;
                }
                return next(context);
            });
        }
        return app;
    }
}
