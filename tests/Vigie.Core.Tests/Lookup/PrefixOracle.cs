using System.Net;
using CsCheck;
using Vigie.Core.Lookup;

namespace Vigie.Core.Tests.Lookup;

/// <summary>
/// The brute-force answer the index must agree with: scan every entry, keep the longest prefix
/// whose leading bits equal the address's (compared bit by bit, not through IpPrefix.Contains),
/// later entries winning ties.
/// </summary>
internal static class PrefixOracle
{
    public static (bool Found, int Value, IpPrefix Matched) Lookup(IReadOnlyList<(IpPrefix Prefix, int Value)> entries, IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 16 && bytes.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF)
        {
            bytes = bytes[12..]; // IPv4-mapped, RFC 4291 §2.5.5.2
        }

        (bool Found, int Value, IpPrefix Matched) best = (false, 0, default);
        foreach (var (prefix, value) in entries)
        {
            var network = prefix.Network.GetAddressBytes();
            if (network.Length == bytes.Length && LeadingBitsEqual(network, bytes, prefix.Length)
                && (!best.Found || prefix.Length >= best.Matched.Length))
            {
                best = (true, value, prefix);
            }
        }

        return best;
    }

    private static bool LeadingBitsEqual(byte[] a, byte[] b, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A prefix with <paramref name="length"/> leading bits of <paramref name="bytes"/>, host bits cleared.</summary>
    public static IpPrefix Make(byte[] bytes, int length)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = length; i < copy.Length * 8; i++)
        {
            copy[i / 8] &= (byte)~(0x80 >> (i % 8));
        }

        return new IpPrefix(new IPAddress(copy), length);
    }

    /// <summary>Addresses that probe a prefix's edges: first, last, and one either side of them.</summary>
    public static IEnumerable<IPAddress> Edges(IpPrefix prefix)
    {
        var first = prefix.Network.GetAddressBytes();
        var last = (byte[])first.Clone();
        for (var i = prefix.Length; i < last.Length * 8; i++)
        {
            last[i / 8] |= (byte)(0x80 >> (i % 8));
        }

        yield return new IPAddress(first);
        yield return new IPAddress(last);
        if (TryStep(first, -1, out var before))
        {
            yield return new IPAddress(before);
        }

        if (TryStep(last, +1, out var after))
        {
            yield return new IPAddress(after);
        }
    }

    private static bool TryStep(byte[] bytes, int step, out byte[] result)
    {
        result = (byte[])bytes.Clone();
        for (var i = result.Length - 1; i >= 0; i--)
        {
            var v = result[i] + step;
            result[i] = (byte)v;
            if (v is >= 0 and <= 255)
            {
                return true;
            }
        }

        return false; // wrapped around the address space
    }

    // Addresses are drawn from a few clustered regions so that random prefixes nest and overlap
    // often; the bytes after the region are random.
    private static readonly byte[][] V4Regions = [[10], [10, 0], [192, 168], [255, 255, 255], [0, 0, 0]];
    private static readonly byte[][] V6Regions = [[0x20, 0x01, 0x0d, 0xb8], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0], [0xff, 0xff], [], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]];

    public static Gen<IPAddress> Address(bool ipv6) =>
        Gen.Select(Gen.Int[0, (ipv6 ? V6Regions : V4Regions).Length - 1], Gen.Byte.Array[ipv6 ? 16 : 4], (region, random) =>
        {
            var fixedBytes = (ipv6 ? V6Regions : V4Regions)[region];
            fixedBytes.CopyTo(random, 0);
            return new IPAddress(random);
        });

    public static Gen<IpPrefix> Prefix(bool ipv6) =>
        Gen.Select(Address(ipv6), Gen.Frequency((3, Gen.Int[0, ipv6 ? 128 : 32]), (1, Gen.Int[ipv6 ? 120 : 24, ipv6 ? 128 : 32])),
            (address, length) => Make(address.GetAddressBytes(), length));

    /// <summary>Entries with nesting, overlap, duplicates (same prefix, different value) and adjacent siblings.</summary>
    public static Gen<(IpPrefix Prefix, int Value)[]> Entries(Gen<IpPrefix> prefix) =>
        Gen.Select(prefix.Array[0, 40], Gen.Int[0, 1000].Array[0, 8], Gen.Int[0, 1000].Array[0, 8], (prefixes, duplicates, siblings) =>
        {
            var list = prefixes.ToList();
            if (list.Count > 0)
            {
                list.AddRange(duplicates.Select(d => list[d % list.Count]));
                list.AddRange(siblings.Select(s => Sibling(list[s % list.Count])).OfType<IpPrefix>());
            }

            return list.Select((p, i) => (p, i * 7 - 50)).ToArray(); // values include negatives: -1 is not "none"
        });

    /// <summary>The other half of the parent: 10.0.0.0/25 ↔ 10.0.0.128/25.</summary>
    public static IpPrefix? Sibling(IpPrefix prefix)
    {
        if (prefix.Length == 0)
        {
            return null;
        }

        var bytes = prefix.Network.GetAddressBytes();
        var bit = prefix.Length - 1;
        bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        return new IpPrefix(new IPAddress(bytes), prefix.Length);
    }
}
