using Vigie.Core;
using Microsoft.EntityFrameworkCore;
using Vigie.Core.Constituents;
using Vigie.Core.Lookup;
using Vigie.Data;
using Vigie.Features.Constituents;

namespace Vigie.Features.Lookup;

/// <summary>
/// The in-memory lookup indexes over every constituent's scope (longest-prefix for IPs,
/// longest-suffix for domains). Rebuilt lazily after a change made through this node, and at
/// least every <see cref="MaxAge"/> so that changes made by another node are seen too.
/// </summary>
public sealed class ConstituentDirectory(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _version;

    /// <summary>Marks the indexes stale; the next lookup rebuilds them.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    public async Task<Snapshot> GetAsync(CancellationToken ct)
    {
        var current = _snapshot;
        if (IsFresh(current))
        {
            return current!;
        }
        await _rebuild.WaitAsync(ct);
        try
        {
            current = _snapshot;
            if (IsFresh(current))
            {
                return current!;
            }
            var version = Interlocked.Read(ref _version);
            current = await BuildAsync(version, ct);
            _snapshot = current;
            return current;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    private bool IsFresh(Snapshot? s) =>
        s is not null && s.Version == Interlocked.Read(ref _version) && time.GetUtcNow() - s.BuiltAt < MaxAge;

    private async Task<Snapshot> BuildAsync(long version, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var owners = await db.Constituents.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Name, c.Kind }).ToListAsync(ct);
        var ownerIndex = owners.Select((o, i) => (o.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var scopesList = await db.Scopes.AsNoTracking().Where(s => s.Kind != ScopeKind.Asn)
            .Select(s => new { s.ConstituentId, s.Kind, s.Value }).ToListAsync(ct);

        var ips = IpPrefixIndex.Build(scopesList.Where(s => s.Kind == ScopeKind.Cidr)
            .Select(s => (IpPrefix.Parse(s.Value), ownerIndex[s.ConstituentId])));
        var domains = DomainSuffixIndex.Build(scopesList.Where(s => s.Kind == ScopeKind.Domain)
            .Select(s => (s.Value, ownerIndex[s.ConstituentId])));
        return new Snapshot(version, time.GetUtcNow(),
            [.. owners.Select(o => new ConstituentSummaryDto(o.Id, o.Name, EnumWords.ToWord(o.Kind)))], ips, domains);
    }

    /// <summary>One consistent generation of the indexes.</summary>
    public sealed record Snapshot(long Version, DateTimeOffset BuiltAt, ConstituentSummaryDto[] Owners, IpPrefixIndex Ips, DomainSuffixIndex Domains)
    {
        public (ConstituentSummaryDto Owner, string Scope)? FindIp(System.Net.IPAddress address) =>
            Ips.TryLookup(address, out var v, out var prefix) ? (Owners[v], prefix.ToString()) : null;

        public (ConstituentSummaryDto Owner, string Scope)? FindDomain(string host) =>
            Domains.TryLookup(host, out var v, out var domain) ? (Owners[v], domain) : null;
    }
}
