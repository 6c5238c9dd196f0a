using System.Buffers.Binary;
using System.Net;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigie.Core.Lookup;

/// <summary>
/// Longest-prefix match (RFC 4632 §5.1) over IPv4 and IPv6 prefixes, built once, read by many threads.
/// </summary>
/// <remarks>
/// <para>
/// Nested prefixes are flattened at build time into disjoint address ranges, each owned by the
/// longest prefix covering it (or none). A lookup is then "the last range starting at or before
/// the address": a direct 2^16-entry table on the leading bits narrows it to a handful of
/// ranges, a branch-free binary search finishes it. Two reads of cache lines that are not already
/// hot per lookup, no pointer chasing, no allocation; memory is a few flat arrays.
/// </para>
/// <para>
/// Duplicates of the same prefix: the last one in <c>entries</c> wins. IPv4-mapped IPv6
/// addresses and networks (<c>::ffff:0:0/96</c>, RFC 4291 §2.5.5.2) are looked up as IPv4, so
/// an IPv6 prefix such as <c>::/0</c> never matches an IPv4 address.
/// </para>
/// </remarks>
public sealed class IpPrefixIndex
{
    private readonly RangeTable32 _v4;
    private readonly RangeTable128 _v6;

    private IpPrefixIndex(RangeTable32 v4, RangeTable128 v6)
    {
        _v4 = v4;
        _v6 = v6;
    }

    /// <summary>Builds the index. When the same prefix appears more than once, the last entry wins.</summary>
    public static IpPrefixIndex Build(IEnumerable<(IpPrefix Prefix, int Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var v4 = new List<Input>();
        var v6 = new List<Input>();
        var order = 0;
        foreach (var (prefix, value) in entries)
        {
            (prefix.IsIPv6 ? v6 : v4).Add(new Input(prefix.Bits, (byte)prefix.Length, order++, value));
        }

        return new IpPrefixIndex(RangeTable32.Build(v4), RangeTable128.Build(v6));
    }

    /// <summary>The number of distinct prefixes held (duplicates counted once).</summary>
    public int Count => _v4.Count + _v6.Count;

    /// <summary>Memory held by the index's arrays, in bytes (array headers included).</summary>
    public long EstimatedBytes => _v4.EstimatedBytes + _v6.EstimatedBytes;

    /// <summary>Longest-prefix match of <paramref name="address"/>; false when no prefix contains it.</summary>
    public bool TryLookup(IPAddress address, out int value, out IpPrefix matched)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out var written);
        if (Find(bytes[..written], out var slot, out var isIPv6) && slot.Owner >= 0)
        {
            value = slot.Value;
            matched = isIPv6 ? _v6.PrefixAt(slot.Owner) : _v4.PrefixAt(slot.Owner);
            return true;
        }

        value = 0;
        matched = default;
        return false;
    }

    /// <summary>
    /// Longest-prefix match of a raw address in network byte order: 4 bytes (IPv4) or 16 (IPv6).
    /// Allocation-free; the hot path for bulk correlation.
    /// </summary>
    /// <exception cref="ArgumentException">the span is neither 4 nor 16 bytes long.</exception>
    public bool TryLookup(ReadOnlySpan<byte> address, out int value)
    {
        if (Find(address, out var slot, out _) && slot.Owner >= 0)
        {
            value = slot.Value;
            return true;
        }

        value = 0;
        return false;
    }

    private bool Find(ReadOnlySpan<byte> address, out Slot slot, out bool isIPv6)
    {
        if (address.Length == 4)
        {
            isIPv6 = false;
            slot = _v4.Find(BinaryPrimitives.ReadUInt32BigEndian(address));
            return true;
        }

        if (address.Length != 16)
        {
            throw new ArgumentException($"an IP address is 4 or 16 bytes long, not {address.Length}", nameof(address));
        }

        var hi = BinaryPrimitives.ReadUInt64BigEndian(address);
        var lo = BinaryPrimitives.ReadUInt64BigEndian(address[8..]);
        if (hi == 0 && lo >> 32 == 0xFFFF)
        {
            isIPv6 = false;
            slot = _v4.Find((uint)lo);
            return true;
        }

        isIPv6 = true;
        slot = _v6.Find(hi, lo);
        return true;
    }

    /// <summary>One prefix as given to <see cref="Build"/>; <c>Order</c> makes "last wins" decidable after sorting.</summary>
    internal readonly record struct Input(UInt128 Bits, byte Length, int Order, int Value) : IComparable<Input>
    {
        public int CompareTo(Input other)
        {
            var c = Bits.CompareTo(other.Bits);
            if (c == 0)
            {
                c = Length.CompareTo(other.Length);
            }

            return c != 0 ? c : Order.CompareTo(other.Order);
        }
    }

    /// <summary>What a flattened range resolves to: the owning prefix's number (−1: none) and its value, side by side so one cache line answers.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct Slot(int Owner, int Value)
    {
        public static readonly Slot None = new(-1, 0);
    }

    /// <summary>Distinct prefixes sorted by (network, length), with their values; duplicates resolved (last wins).</summary>
    internal static (UInt128[] Bits, byte[] Lengths, int[] Values) Distinct(List<Input> inputs)
    {
        var span = CollectionsMarshal.AsSpan(inputs);
        span.Sort();
        var n = 0;
        for (var i = 0; i < span.Length; i++)
        {
            // Sorted by order within equal prefixes, so the last of a run is the last given.
            if (i + 1 < span.Length && span[i + 1].Bits == span[i].Bits && span[i + 1].Length == span[i].Length)
            {
                continue;
            }

            span[n++] = span[i];
        }

        var bits = new UInt128[n];
        var lengths = new byte[n];
        var values = new int[n];
        for (var i = 0; i < n; i++)
        {
            (bits[i], lengths[i], values[i]) = (span[i].Bits, span[i].Length, span[i].Value);
        }

        return (bits, lengths, values);
    }

    /// <summary>
    /// Turns sorted, distinct, possibly nested prefixes into disjoint ranges [start, next start)
    /// covering the whole space, each owned by the longest prefix containing it. CIDR blocks either
    /// nest or are disjoint (RFC 4632 §3.1), so a stack of open prefixes suffices; each prefix adds
    /// at most two boundaries.
    /// </summary>
    internal static (UInt128[] Starts, Slot[] Slots) Flatten(UInt128[] bits, byte[] lengths, int[] values, int width)
    {
        var builder = new RangeBuilder(2 * bits.Length + 1);
        var last = width == 32 ? uint.MaxValue : UInt128.MaxValue;
        Span<int> open = stackalloc int[width + 1]; // nested distinct prefixes have distinct lengths
        var depth = 0;
        builder.Emit(UInt128.Zero, Slot.None);
        for (var i = 0; i < bits.Length; i++)
        {
            while (depth > 0 && End(open[depth - 1]) < bits[i])
            {
                Close(ref builder, open, ref depth);
            }

            open[depth++] = i;
            builder.Emit(bits[i], new Slot(i, values[i]));
        }

        while (depth > 0)
        {
            Close(ref builder, open, ref depth);
        }

        return builder.ToArrays();

        UInt128 End(int i) => bits[i] | (~IpPrefix.Mask(lengths[i], width) & last);

        void Close(ref RangeBuilder b, Span<int> stack, ref int d)
        {
            var end = End(stack[--d]);
            if (end != last)
            {
                b.Emit(end + 1, d > 0 ? new Slot(stack[d - 1], values[stack[d - 1]]) : Slot.None);
            }
        }
    }

    private struct RangeBuilder(int capacity)
    {
        private readonly UInt128[] _starts = new UInt128[capacity];
        private readonly Slot[] _slots = new Slot[capacity];
        private int _count;

        public void Emit(UInt128 start, Slot slot)
        {
            if (_count > 0 && _starts[_count - 1] == start)
            {
                // A longer prefix starting where the previous range starts replaces it.
                _slots[_count - 1] = slot;
                if (_count > 1 && _slots[_count - 2] == slot)
                {
                    _count--;
                }

                return;
            }

            if (_count > 0 && _slots[_count - 1] == slot)
            {
                return; // same owner continues: no boundary
            }

            _starts[_count] = start;
            _slots[_count++] = slot;
        }

        public readonly (UInt128[] Starts, Slot[] Slots) ToArrays() => (_starts[.._count], _slots[.._count]);
    }

    /// <summary>
    /// Where to look for a key: a direct table on the 16 bits that follow the leading bits all
    /// range starts share. Keys outside that shared prefix fall before the first or after the last.
    /// </summary>
    internal readonly struct Buckets
    {
        private const int TableBits = 16;
        private readonly int[] _first; // _first[b]: index of the first range start (≥ 1) whose bucket is ≥ b
        private readonly int _shared;  // leading bits shared by every range start but the first (0 … width − 16)
        private readonly ulong _sharedValue;
        private readonly int _width;

        /// <param name="keys">the leading 64 (or 32) bits of the range starts, sorted; keys[0] is 0.</param>
        /// <param name="width">64, or 32 for IPv4 keys.</param>
        public Buckets(ReadOnlySpan<ulong> keys, int width)
        {
            _width = width;
            var n = keys.Length;
            var shared = n < 2 ? 0 : BitOperations.LeadingZeroCount(keys[1] ^ keys[n - 1]) - (64 - width);
            _shared = Math.Clamp(shared, 0, width - TableBits);
            _sharedValue = n < 2 ? 0 : Top(keys[1]);
            _first = new int[(1 << TableBits) + 1];
            var i = 1;
            for (var b = 0; b <= 1 << TableBits; b++)
            {
                while (i < n && Bucket(keys[i]) < b)
                {
                    i++;
                }

                _first[b] = i;
            }
        }

        public long EstimatedBytes => 24 + 4L * _first.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ulong Top(ulong key) => key >> 1 >> (_width - 1 - _shared); // ">> 1 >>" keeps a zero-width prefix from shifting by 64

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Bucket(ulong key) => (int)((key << (64 - _width + _shared)) >> (64 - TableBits));

        /// <summary>The candidate range indexes [lo, lo + count) for <paramref name="key"/>; the answer is the last start ≤ key among them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (int Lo, int Count) Candidates(ulong key, int rangeCount)
        {
            var top = Top(key);
            if (top != _sharedValue)
            {
                return top < _sharedValue ? (0, 1) : (rangeCount - 1, 1);
            }

            var b = Bucket(key);
            ref var first = ref MemoryMarshal.GetArrayDataReference(_first);
            var lo = Unsafe.Add(ref first, b) - 1;
            return (lo, Unsafe.Add(ref first, b + 1) - lo);
        }
    }
}

/// <summary>IPv4 ranges: starts as uint, so a bucket's candidates sit in one or two cache lines.</summary>
internal sealed class RangeTable32
{
    private readonly uint[] _prefixBits;
    private readonly byte[] _prefixLengths;
    private readonly uint[] _starts;
    private readonly IpPrefixIndex.Slot[] _slots;
    private readonly IpPrefixIndex.Buckets _buckets;

    private RangeTable32(uint[] prefixBits, byte[] prefixLengths, uint[] starts, IpPrefixIndex.Slot[] slots)
    {
        _prefixBits = prefixBits;
        _prefixLengths = prefixLengths;
        _starts = starts;
        _slots = slots;
        var keys = new ulong[starts.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = starts[i];
        }

        _buckets = new IpPrefixIndex.Buckets(keys, 32);
    }

    public static RangeTable32 Build(List<IpPrefixIndex.Input> inputs)
    {
        var (bits, lengths, values) = IpPrefixIndex.Distinct(inputs);
        var (starts, slots) = IpPrefixIndex.Flatten(bits, lengths, values, 32);
        return new RangeTable32(Array.ConvertAll(bits, b => (uint)b), lengths, Array.ConvertAll(starts, s => (uint)s), slots);
    }

    public int Count => _prefixBits.Length;

    public long EstimatedBytes =>
        (24 + 4L * _prefixBits.Length) + (24 + _prefixLengths.Length) + (24 + 4L * _starts.Length)
        + (24 + 8L * _slots.Length) + _buckets.EstimatedBytes;

    public IpPrefix PrefixAt(int owner) => IpPrefix.FromIPv4(_prefixBits[owner], _prefixLengths[owner]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IpPrefixIndex.Slot Find(uint address)
    {
        var (lo, count) = _buckets.Candidates(address, _starts.Length);
        ref var starts = ref MemoryMarshal.GetArrayDataReference(_starts);

        // Branch-free search for the last start ≤ address; starts[lo] ≤ address holds throughout.
        while (count > 1)
        {
            var half = count >> 1;
            lo = Unsafe.Add(ref starts, lo + half) <= address ? lo + half : lo;
            count -= half;
        }

        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), lo);
    }
}

/// <summary>IPv6 ranges: starts split into high and low halves; the low half is read only on a tie of the high half (prefixes longer than /64).</summary>
internal sealed class RangeTable128
{
    private readonly UInt128[] _prefixBits;
    private readonly byte[] _prefixLengths;
    private readonly ulong[] _startsHi;
    private readonly ulong[] _startsLo;
    private readonly IpPrefixIndex.Slot[] _slots;
    private readonly IpPrefixIndex.Buckets _buckets;

    private RangeTable128(UInt128[] prefixBits, byte[] prefixLengths, UInt128[] starts, IpPrefixIndex.Slot[] slots)
    {
        _prefixBits = prefixBits;
        _prefixLengths = prefixLengths;
        _slots = slots;
        _startsHi = new ulong[starts.Length];
        _startsLo = new ulong[starts.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            _startsHi[i] = (ulong)(starts[i] >> 64);
            _startsLo[i] = (ulong)starts[i];
        }

        _buckets = new IpPrefixIndex.Buckets(_startsHi, 64);
    }

    public static RangeTable128 Build(List<IpPrefixIndex.Input> inputs)
    {
        var (bits, lengths, values) = IpPrefixIndex.Distinct(inputs);
        var (starts, slots) = IpPrefixIndex.Flatten(bits, lengths, values, 128);
        return new RangeTable128(bits, lengths, starts, slots);
    }

    public int Count => _prefixBits.Length;

    public long EstimatedBytes =>
        (24 + 16L * _prefixBits.Length) + (24 + _prefixLengths.Length) + (48 + 16L * _startsHi.Length)
        + (24 + 8L * _slots.Length) + _buckets.EstimatedBytes;

    public IpPrefix PrefixAt(int owner) => IpPrefix.FromIPv6(_prefixBits[owner], _prefixLengths[owner]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IpPrefixIndex.Slot Find(ulong hi, ulong lo)
    {
        var (at, count) = _buckets.Candidates(hi, _startsHi.Length);
        ref var startsHi = ref MemoryMarshal.GetArrayDataReference(_startsHi);
        ref var startsLo = ref MemoryMarshal.GetArrayDataReference(_startsLo);
        while (count > 1)
        {
            var half = count >> 1;
            var h = Unsafe.Add(ref startsHi, at + half);
            var le = h < hi || (h == hi && Unsafe.Add(ref startsLo, at + half) <= lo);
            at = le ? at + half : at;
            count -= half;
        }

        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), at);
    }
}
