// TEMP STUB — replaced by branch lookup
using System.Net;
namespace Vigie.Core.Lookup;
public readonly record struct IpPrefix
{
    public IpPrefix(IPAddress network, int length) { Network = network; Length = length; }
    public IPAddress Network { get; }
    public int Length { get; }
    public bool IsIPv6 => Network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    public static bool TryParse(string? text, out IpPrefix prefix, out string? error)
    {
        prefix = default; error = null;
        if (IPNetwork.TryParse(text ?? "", out var n)) { prefix = new IpPrefix(n.BaseAddress, n.PrefixLength); return true; }
        if (IPAddress.TryParse(text ?? "", out var a)) { prefix = new IpPrefix(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128); return true; }
        error = $"'{text}' is not a valid CIDR."; return false;
    }
    public static IpPrefix Parse(string text) => TryParse(text, out var p, out var e) ? p : throw new FormatException(e);
    public bool Contains(IPAddress address) => new IPNetwork(Network, Length).Contains(address);
    public override string ToString() => $"{Network}/{Length}";
}
public sealed class IpPrefixIndex
{
    private readonly List<(IpPrefix P, int V)> _e;
    private IpPrefixIndex(List<(IpPrefix, int)> e) { _e = e; }
    public static IpPrefixIndex Build(IEnumerable<(IpPrefix Prefix, int Value)> entries) => new(entries.ToList());
    public int Count => _e.Count;
    public long EstimatedBytes => 0;
    public bool TryLookup(IPAddress address, out int value, out IpPrefix matched)
    {
        value = 0; matched = default; var best = -1;
        foreach (var (p, v) in _e) if (p.Contains(address) && p.Length > best) { best = p.Length; value = v; matched = p; }
        return best >= 0;
    }
}
public static class DomainName
{
    public static bool TryNormalize(string? text, out string normalized, out string? error)
    {
        normalized = (text ?? "").Trim().TrimEnd('.').ToLowerInvariant(); error = null;
        if (normalized.Length == 0 || !normalized.Contains('.')) { error = $"'{text}' is not a domain name."; return false; }
        return true;
    }
}
public sealed class DomainSuffixIndex
{
    private readonly List<(string D, int V)> _e;
    private DomainSuffixIndex(List<(string, int)> e) { _e = e; }
    public static DomainSuffixIndex Build(IEnumerable<(string Domain, int Value)> entries) => new(entries.ToList());
    public int Count => _e.Count;
    public bool TryLookup(string host, out int value, out string matchedDomain)
    {
        value = 0; matchedDomain = ""; var h = host.ToLowerInvariant();
        foreach (var (d, v) in _e) if ((h == d || h.EndsWith("." + d, StringComparison.Ordinal)) && d.Length > matchedDomain.Length) { matchedDomain = d; value = v; }
        return matchedDomain.Length > 0;
    }
}
