using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Vigie.Core.Lookup;

namespace Vigie.Bench;

/// <summary>
/// Constituent prefix lookup throughput (docs/performance.md): builds an <see cref="IpPrefixIndex"/>
/// over N synthetic prefixes and measures single-thread longest-prefix lookups on the span path.
/// </summary>
/// <remarks>
/// Prefixes: 70 % IPv4 of lengths 8–32 (mostly /16–/28, peaking at /24), 30 % IPv6 in 2000::/3 of
/// lengths 16–64 (mostly /32–/56); one in five is carved out of an earlier prefix so nesting is
/// common, and short random prefixes overlap anyway. Queries: same family mix, half inside a
/// random prefix, half random addresses that no prefix covers. Fixed seeds: runs are comparable.
/// </remarks>
public static class LookupBench
{
    private const int Seed = 20_250_101;
    private const int QueryCount = 1 << 21;

    public static int Run(string[] args)
    {
        var prefixCount = 1_000_000;
        var seconds = 3.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--prefixes" when i + 1 < args.Length:
                    prefixCount = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"lookup: unknown argument '{args[i]}' (use --prefixes N [--seconds S])");
                    return 2;
            }
        }

        var random = new Random(Seed);
        var entries = GeneratePrefixes(random, prefixCount);

        // JIT the build path on a tiny input so the figure is the algorithm, not the compiler.
        _ = IpPrefixIndex.Build(entries.Take(1000));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var build = Stopwatch.StartNew();
        var index = IpPrefixIndex.Build(entries);
        build.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(entries);

        var (buffer, lengths) = GenerateQueries(random, entries, index);

        var hits = RunPass(index, buffer, lengths, out _); // warm-up: tier-1 code, caches
        long lookups = 0;
        long checksum = 0;
        var clock = new Stopwatch();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        clock.Start();
        do
        {
            hits = RunPass(index, buffer, lengths, out var sum);
            checksum += sum;
            lookups += lengths.Length;
        }
        while (clock.Elapsed.TotalSeconds < seconds);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        var rate = (long)(lookups / clock.Elapsed.TotalSeconds);
        var bytesPerPrefix = (double)index.EstimatedBytes / prefixCount;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"prefixes given {prefixCount}, distinct {index.Count}; queries {lengths.Length} ({100.0 * hits / lengths.Length:F1} % hit), {lookups} lookups in {clock.Elapsed.TotalSeconds:F2} s, checksum {checksum}"));
        Console.WriteLine(string.Create(inv, $"memory: EstimatedBytes {index.EstimatedBytes} ({bytesPerPrefix:F1} B/prefix); GC.GetTotalMemory delta {after - before} ({(double)(after - before) / prefixCount:F1} B/prefix); allocated during lookups {allocated} B"));
        Console.WriteLine(string.Create(inv, $"lookup: {rate} lookups/s, build {build.Elapsed.TotalSeconds:F2} s, {bytesPerPrefix:F1} bytes/prefix"));
        return 0;
    }

    private static int RunPass(IpPrefixIndex index, byte[] buffer, byte[] lengths, out long checksum)
    {
        var hits = 0;
        long sum = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            if (index.TryLookup(new ReadOnlySpan<byte>(buffer, i * 16, lengths[i]), out var value))
            {
                hits++;
                sum += value;
            }
        }

        checksum = sum;
        return hits;
    }

    private static (IpPrefix Prefix, int Value)[] GeneratePrefixes(Random random, int count)
    {
        var result = new (IpPrefix Prefix, int Value)[count];
        for (var i = 0; i < count; i++)
        {
            var isIPv6 = random.NextDouble() < 0.3;
            IpPrefix prefix;
            if (i > 0 && random.NextDouble() < 0.2 && TryCarve(random, result[random.Next(i)].Prefix, out var child))
            {
                prefix = child;
            }
            else if (isIPv6)
            {
                var length = Pick(random, V6Lengths);
                var bits = (UInt128)(random.NextInt64() ^ ((long)random.Next() << 32)) << 64 | (ulong)random.NextInt64();
                bits = (bits & (UInt128.MaxValue >> 3)) | ((UInt128)1 << 125); // 2000::/3, global unicast (RFC 4291 §2.4)
                prefix = new IpPrefix(ToAddress(bits), 128).Truncate(length);
            }
            else
            {
                var length = Pick(random, V4Lengths);
                prefix = new IpPrefix(ToAddress((uint)random.NextInt64(0, 1L << 32)), 32).Truncate(length);
            }

            result[i] = (prefix, i);
        }

        return result;
    }

    private static bool TryCarve(Random random, IpPrefix parent, out IpPrefix child)
    {
        var max = parent.IsIPv6 ? 64 : 32;
        if (parent.Length >= max)
        {
            child = default;
            return false;
        }

        var length = Math.Min(max, parent.Length + random.Next(1, 9));
        child = new IpPrefix(RandomInside(random, parent), parent.IsIPv6 ? 128 : 32).Truncate(length);
        return true;
    }

    private static (byte[] Buffer, byte[] Lengths) GenerateQueries(Random random, (IpPrefix Prefix, int Value)[] entries, IpPrefixIndex index)
    {
        var buffer = new byte[QueryCount * 16];
        var lengths = new byte[QueryCount];
        for (var i = 0; i < QueryCount; i++)
        {
            var slot = buffer.AsSpan(i * 16, 16);
            if (random.Next(2) == 0)
            {
                var address = RandomInside(random, entries[random.Next(entries.Length)].Prefix);
                _ = address.TryWriteBytes(slot, out var written);
                lengths[i] = (byte)written;
                continue;
            }

            var isIPv6 = random.NextDouble() < 0.3;
            for (var attempt = 0; ; attempt++)
            {
                int written;
                if (isIPv6)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(slot, (ulong)random.NextInt64() & (ulong.MaxValue >> 3) | (1UL << 61));
                    BinaryPrimitives.WriteUInt64BigEndian(slot[8..], (ulong)random.NextInt64());
                    written = 16;
                }
                else
                {
                    BinaryPrimitives.WriteUInt32BigEndian(slot, (uint)random.NextInt64(0, 1L << 32));
                    written = 4;
                }

                if (!index.TryLookup(slot[..written], out _) || attempt > 100)
                {
                    lengths[i] = (byte)written;
                    break;
                }
            }
        }

        return (buffer, lengths);
    }

    private static IPAddress RandomInside(Random random, IpPrefix prefix)
    {
        var bytes = new byte[prefix.IsIPv6 ? 16 : 4];
        random.NextBytes(bytes);
        var network = prefix.Network.GetAddressBytes();
        var fixedBits = prefix.Length;
        for (var b = 0; b < bytes.Length; b++, fixedBits -= 8)
        {
            var keep = fixedBits >= 8 ? 0xFF : fixedBits <= 0 ? 0 : 0xFF << (8 - fixedBits) & 0xFF;
            bytes[b] = (byte)((network[b] & keep) | (bytes[b] & ~keep));
        }

        return new IPAddress(bytes);
    }

    private static IpPrefix Truncate(this IpPrefix host, int length)
    {
        var bytes = host.Network.GetAddressBytes();
        for (int b = 0, bits = length; b < bytes.Length; b++, bits -= 8)
        {
            bytes[b] &= (byte)(bits >= 8 ? 0xFF : bits <= 0 ? 0 : 0xFF << (8 - bits) & 0xFF);
        }

        return new IpPrefix(new IPAddress(bytes), length);
    }

    private static IPAddress ToAddress(uint bits)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, bits);
        return new IPAddress(bytes);
    }

    private static IPAddress ToAddress(UInt128 bits)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, bits);
        return new IPAddress(bytes);
    }

    private static int Pick(Random random, (int Length, double Weight)[] table)
    {
        var total = table.Sum(t => t.Weight);
        var x = random.NextDouble() * total;
        foreach (var (length, weight) in table)
        {
            x -= weight;
            if (x < 0)
            {
                return length;
            }
        }

        return table[^1].Length;
    }

    // Shaped like routed space: few short prefixes (or everything would be covered), a peak at /24.
    private static readonly (int, double)[] V4Lengths =
    [
        (8, 0.002), (9, 0.002), (10, 0.002), (11, 0.002), (12, 0.002), (13, 0.002), (14, 0.002), (15, 0.002),
        (16, 2), (17, 2), (18, 3), (19, 4), (20, 6), (21, 6), (22, 8), (23, 8), (24, 20),
        (25, 6), (26, 6), (27, 6), (28, 6), (29, 3), (30, 3), (31, 2), (32, 4),
    ];

    private static readonly (int, double)[] V6Lengths =
    [
        (16, 0.3), (17, 0.3), (18, 0.3), (19, 0.3), (20, 0.3), (21, 0.3), (22, 0.3), (23, 0.3),
        (24, 0.3), (25, 0.3), (26, 0.3), (27, 0.3), (28, 0.3), (29, 0.3), (30, 0.3), (31, 0.3),
        (32, 10), (33, 2), (34, 2), (35, 2), (36, 2), (37, 2), (38, 2), (39, 2), (40, 3),
        (41, 2), (42, 2), (43, 2), (44, 3), (45, 2), (46, 2), (47, 2), (48, 10),
        (49, 1), (50, 1), (51, 1), (52, 1), (53, 1), (54, 1), (55, 1), (56, 8),
        (57, 0.5), (58, 0.5), (59, 0.5), (60, 1), (61, 0.5), (62, 0.5), (63, 0.5), (64, 4),
    ];
}
