using System.Net;
using CsCheck;
using Vigie.Core.Lookup;

namespace Vigie.Core.Tests.Lookup;

public class IpPrefixIndexTests
{
    private static IpPrefixIndex Index(params (string Prefix, int Value)[] entries) =>
        IpPrefixIndex.Build(entries.Select(e => (IpPrefix.Parse(e.Prefix), e.Value)));

    private static (bool Found, int Value, string Matched) Lookup(IpPrefixIndex index, string address)
    {
        var found = index.TryLookup(IPAddress.Parse(address), out var value, out var matched);
        return (found, value, found ? matched.ToString() : "");
    }

    [Fact]
    public void Longest_prefix_wins_over_shorter_nested_ones()
    {
        var index = Index(("10.0.0.0/8", 1), ("10.1.0.0/16", 2), ("10.1.2.0/24", 3), ("10.1.2.3/32", 4));

        Assert.Equal((true, 1, "10.0.0.0/8"), Lookup(index, "10.200.0.1"));
        Assert.Equal((true, 2, "10.1.0.0/16"), Lookup(index, "10.1.255.255"));
        Assert.Equal((true, 3, "10.1.2.0/24"), Lookup(index, "10.1.2.4"));
        Assert.Equal((true, 4, "10.1.2.3/32"), Lookup(index, "10.1.2.3"));
        Assert.Equal((true, 3, "10.1.2.0/24"), Lookup(index, "10.1.2.2"));
        Assert.Equal((false, 0, ""), Lookup(index, "11.0.0.0"));
        Assert.Equal((false, 0, ""), Lookup(index, "9.255.255.255"));
        Assert.Equal(4, index.Count);
    }

    [Fact]
    public void Default_routes_match_their_own_family_only()
    {
        var index = Index(("0.0.0.0/0", 4), ("::/0", 6));

        Assert.Equal((true, 4, "0.0.0.0/0"), Lookup(index, "255.255.255.255"));
        Assert.Equal((true, 4, "0.0.0.0/0"), Lookup(index, "0.0.0.0"));
        Assert.Equal((true, 6, "::/0"), Lookup(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        Assert.Equal((true, 6, "::/0"), Lookup(index, "::"));
        Assert.Equal((false, 0, ""), Lookup(Index(("::/0", 6)), "10.0.0.1"));
        Assert.Equal((false, 0, ""), Lookup(Index(("0.0.0.0/0", 4)), "2001:db8::1"));
    }

    [Fact]
    public void Host_prefixes_at_the_ends_of_the_address_space()
    {
        var index = Index(("255.255.255.255/32", 1), ("0.0.0.0/32", 2), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 3), ("::/128", 4), ("2001:db8::1/128", 5));

        Assert.Equal((true, 1, "255.255.255.255/32"), Lookup(index, "255.255.255.255"));
        Assert.Equal((false, 0, ""), Lookup(index, "255.255.255.254"));
        Assert.Equal((true, 2, "0.0.0.0/32"), Lookup(index, "0.0.0.0"));
        Assert.Equal((false, 0, ""), Lookup(index, "0.0.0.1"));
        Assert.Equal((true, 3, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), Lookup(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        Assert.Equal((true, 4, "::/128"), Lookup(index, "::"));
        Assert.Equal((true, 5, "2001:db8::1/128"), Lookup(index, "2001:db8::1"));
        Assert.Equal((false, 0, ""), Lookup(index, "2001:db8::2"));
        Assert.Equal((false, 0, ""), Lookup(index, "2001:db8::"));
    }

    [Fact]
    public void Adjacent_prefixes_split_exactly_at_their_boundary()
    {
        var index = Index(("10.0.0.0/25", 1), ("10.0.0.128/25", 2), ("2001:db8::/33", 3), ("2001:db8:8000::/33", 4));

        Assert.Equal(1, Lookup(index, "10.0.0.127").Value);
        Assert.Equal(2, Lookup(index, "10.0.0.128").Value);
        Assert.False(Lookup(index, "10.0.1.0").Found);
        Assert.Equal(3, Lookup(index, "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff").Value);
        Assert.Equal(4, Lookup(index, "2001:db8:8000::").Value);
    }

    [Fact]
    public void Duplicates_last_one_wins_and_count_once()
    {
        var index = Index(("10.0.0.0/8", 1), ("192.0.2.0/24", 7), ("10.0.0.0/8", 2), ("::ffff:10.0.0.0/104", 3));

        Assert.Equal((true, 3, "10.0.0.0/8"), Lookup(index, "10.9.9.9"));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void IPv4_mapped_addresses_look_up_as_IPv4()
    {
        var index = Index(("192.0.2.0/24", 1), ("::/0", 6));
        var mapped = IPAddress.Parse("192.0.2.1").MapToIPv6();

        Assert.Equal((true, 1, "192.0.2.0/24"), Lookup(index, mapped.ToString()));
        Assert.True(index.TryLookup(mapped.GetAddressBytes(), out var value));
        Assert.Equal(1, value);
        Assert.Equal((false, 0, ""), Lookup(index, "::ffff:198.51.100.1")); // not in the IPv4 table, and ::/0 is IPv6
    }

    [Fact]
    public void Empty_index_finds_nothing()
    {
        var index = IpPrefixIndex.Build([]);

        Assert.Equal(0, index.Count);
        Assert.False(index.TryLookup(IPAddress.Parse("10.0.0.1"), out _, out _));
        Assert.False(index.TryLookup(new byte[16], out _));
    }

    [Fact]
    public void Span_lookup_rejects_other_lengths()
    {
        var index = Index(("10.0.0.0/8", 1));

        var error = Assert.Throws<ArgumentException>(() => index.TryLookup(new byte[5], out _));
        Assert.StartsWith("an IP address is 4 or 16 bytes long, not 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_lookup_does_not_allocate()
    {
        var index = Index(("10.0.0.0/8", 1), ("2001:db8::/32", 2));
        ReadOnlySpan<byte> v4 = [10, 1, 2, 3];
        var v6 = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var sum = 0;
        for (var i = 0; i < 100; i++)
        {
            _ = index.TryLookup(v4, out var a);
            _ = index.TryLookup(v6, out var b);
            sum += a + b;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _ = index.TryLookup(v4, out var a);
            _ = index.TryLookup(v6, out var b);
            sum += a + b;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3300, sum);
    }

    [Fact]
    public void Estimated_bytes_grow_with_the_prefixes()
    {
        var small = Index(("10.0.0.0/8", 1));
        var large = IpPrefixIndex.Build(Enumerable.Range(0, 10_000).Select(i => (IpPrefix.Parse($"10.{i / 256 % 256}.{i % 256}.0/24"), i)));

        Assert.Equal(10_000, large.Count);
        Assert.InRange(large.EstimatedBytes - small.EstimatedBytes, 10_000 * 9, 10_000 * 60);
    }

    [Fact]
    public void IPv4_agrees_with_brute_force() => AgreesWithOracle(PrefixOracle.Prefix(ipv6: false), PrefixOracle.Address(ipv6: false));

    [Fact]
    public void IPv6_agrees_with_brute_force() => AgreesWithOracle(PrefixOracle.Prefix(ipv6: true), PrefixOracle.Address(ipv6: true));

    [Fact]
    public void Mixed_families_agree_with_brute_force() =>
        AgreesWithOracle(
            Gen.Bool.SelectMany(PrefixOracle.Prefix),
            Gen.Bool.SelectMany(PrefixOracle.Address));

    [Fact]
    public void A_few_thousand_prefixes_agree_with_brute_force()
    {
        // One larger instance: deep nesting and full buckets that small samples never reach.
        var random = new Random(4632);
        var entries = new List<(IpPrefix, int)>();
        for (var i = 0; i < 3000; i++)
        {
            var ipv6 = random.Next(3) == 0;
            var bytes = new byte[ipv6 ? 16 : 4];
            random.NextBytes(bytes);
            bytes[0] = (byte)(bytes[0] & 3); // crowd them into a quarter of the first byte's range
            entries.Add((PrefixOracle.Make(bytes, random.Next(ipv6 ? 129 : 33)), i));
        }

        var index = IpPrefixIndex.Build(entries);
        var probes = entries.Take(500).SelectMany(e => PrefixOracle.Edges(e.Item1)).ToList();
        for (var i = 0; i < 1000; i++)
        {
            var bytes = new byte[random.Next(2) == 0 ? 4 : 16];
            random.NextBytes(bytes);
            bytes[0] = (byte)(bytes[0] & 7);
            probes.Add(new IPAddress(bytes));
        }

        foreach (var address in probes)
        {
            AssertSame(PrefixOracle.Lookup(entries, address), index, address);
        }
    }

    private static void AgreesWithOracle(Gen<IpPrefix> prefix, Gen<IPAddress> address) =>
        Gen.Select(PrefixOracle.Entries(prefix), address.Array[0, 20]).Sample((entries, randomAddresses) =>
        {
            var index = IpPrefixIndex.Build(entries);
            Assert.Equal(entries.Select(e => e.Prefix).Distinct().Count(), index.Count);
            foreach (var a in randomAddresses.Concat(entries.SelectMany(e => PrefixOracle.Edges(e.Prefix))))
            {
                AssertSame(PrefixOracle.Lookup(entries, a), index, a);
            }
        }, iter: 300);

    private static void AssertSame((bool Found, int Value, IpPrefix Matched) expected, IpPrefixIndex index, IPAddress address)
    {
        var found = index.TryLookup(address, out var value, out var matched);
        Assert.Equal(expected, (found, value, matched));
        Assert.Equal(expected.Found, index.TryLookup(address.GetAddressBytes(), out var spanValue));
        Assert.Equal(expected.Value, spanValue);
    }
}
