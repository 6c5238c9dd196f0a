using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Vigie.Features.Identity;
using Vigie.Features.PublicSite;

namespace Vigie.Web;

/// <summary>
/// The request limits applied before any page or endpoint runs, per client address (an IPv6 /64 counts
/// as one, <see cref="ContactLimiter.PartitionKey"/>): sign-in form posts (<see cref="AccountOptions"/>),
/// and every request to the endpoints anyone can reach without an account (<see cref="WebOptions.PublicRequestsPerMinute"/>),
/// so that a scraper or a guesser of acknowledgement links cannot load the server. Signed-in work is
/// not limited here. Behind a reverse proxy the client address is only right once the proxy is named
/// (<see cref="ProxySetup"/>); otherwise every client shares the proxy's allowance.
/// </summary>
public static class PublicLimiter
{
    /// <summary>Path prefixes of the public endpoints (the contact form's posts have their own, stricter limit on top).</summary>
    public static readonly string[] Paths =
        ["/rfc2350", "/.well-known", "/security.txt", "/team-key.asc", "/contact", "/oncall/ack", "/advisories.atom"];

    public static bool IsSignIn(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/signin");

    public static bool IsPublic(HttpContext context) =>
        Paths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
        // The public bulletins, not the workspace's bulletin pages under /advisories/manage.
        || (context.Request.Path.StartsWithSegments("/advisories", StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments("/advisories/manage", StringComparison.OrdinalIgnoreCase));

    public static PartitionedRateLimiter<HttpContext> Create() => PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (!IsSignIn(context))
            {
                return RateLimitPartition.GetNoLimiter("none");
            }
            var accounts = context.RequestServices.GetRequiredService<IOptions<AccountOptions>>().Value;
            return Window("signin:" + ContactLimiter.PartitionKey(context.Connection.RemoteIpAddress), accounts.SignInPermitLimit, accounts.SignInWindow);
        }),
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var perMinute = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.PublicRequestsPerMinute;
            return perMinute == 0 || !IsPublic(context)
                ? RateLimitPartition.GetNoLimiter("none")
                : Window("public:" + ContactLimiter.PartitionKey(context.Connection.RemoteIpAddress), perMinute, TimeSpan.FromMinutes(1));
        }));

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
