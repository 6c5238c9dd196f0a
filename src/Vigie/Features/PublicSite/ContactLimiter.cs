using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

/// <summary>
/// The per-client limit of the contact form: a sliding window per client address, from
/// System.Threading.RateLimiting (the limiter behind ASP.NET Core's rate-limiting middleware). It is
/// asked by the page rather than by the middleware so that a refusal is the form page itself, in the
/// reader's language, with what they typed kept and the address to mail instead. In memory: each node
/// counts its own clients; the per-address limit, counted in the database, holds across nodes.
/// </summary>
public sealed class ContactLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ContactLimiter(IOptions<ContactFormOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = o.PerIpLimit,
                Window = o.PerIpWindow,
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one submission from <paramref name="client"/>'s allowance; false (with when to retry) when it is spent.</summary>
    public bool TryTake(IPAddress? client, out TimeSpan? retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(PartitionKey(client));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : null;
        return lease.IsAcquired;
    }

    /// <summary>
    /// An IPv4 address as is; an IPv6 address by its /64 (one subscriber usually holds a whole /64, so a
    /// per-address count would be no limit at all); IPv4-mapped IPv6 as IPv4.
    /// </summary>
    public static string PartitionKey(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }
        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _limiter.Dispose();
}
