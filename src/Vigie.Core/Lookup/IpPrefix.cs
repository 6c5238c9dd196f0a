using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigie.Core.Lookup;

/// <summary>
/// An IPv4 or IPv6 network: a network address and a prefix length (CIDR, RFC 4632 §3.1;
/// IPv6 prefixes, RFC 4291 §2.3). Always canonical: no host bits set, IPv4-mapped IPv6
/// networks of length ≥ 96 (RFC 4291 §2.5.5.2) are held as the IPv4 network they denote.
/// </summary>
/// <remarks>
/// <c>default(IpPrefix)</c> is <c>0.0.0.0/0</c>. Equality is by family, network and length.
/// </remarks>
public readonly record struct IpPrefix
{
    // The address as a big-endian integer; an IPv4 network uses the low 32 bits. Keeping bits
    // rather than an IPAddress makes the struct allocation-free and equality by value.
    private readonly UInt128 _bits;
    private readonly byte _length;
    private readonly bool _isIPv6;

    /// <summary>Creates a prefix; throws <see cref="ArgumentException"/> when host bits are set or the length is out of range.</summary>
    public IpPrefix(IPAddress network, int length)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.AddressFamily == AddressFamily.InterNetworkV6 && network.ScopeId != 0)
        {
            throw new ArgumentException($"'{network}' has a zone id; zone ids are not allowed in a prefix", nameof(network));
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{network}/{length}");
        var (bits, isIPv6) = ToBits(network);
        if (!TryCreate(bits, isIPv6, length, text, out this, out var error))
        {
            throw new ArgumentException(error, nameof(network));
        }
    }

    private IpPrefix(UInt128 bits, int length, bool isIPv6)
    {
        _bits = bits;
        _length = (byte)length;
        _isIPv6 = isIPv6;
    }

    /// <summary>The network address (a new instance each call: <see cref="IPAddress"/> is mutable).</summary>
    public IPAddress Network => _isIPv6 ? new IPAddress(ToBytes(_bits)) : new IPAddress(ToBytes((uint)_bits));

    /// <summary>The prefix length: 0–32 for IPv4, 0–128 for IPv6.</summary>
    public int Length => _length;

    /// <summary>True for an IPv6 network (IPv4-mapped networks of length ≥ 96 are IPv4).</summary>
    public bool IsIPv6 => _isIPv6;

    /// <summary>32 or 128.</summary>
    public int MaxLength => _isIPv6 ? 128 : 32;

    /// <summary>The network as a big-endian integer (IPv4 in the low 32 bits).</summary>
    internal UInt128 Bits => _bits;

    /// <summary>Lets <c>var (network, length) = prefix;</c> read like a positional record.</summary>
    public void Deconstruct(out IPAddress network, out int length)
    {
        network = Network;
        length = Length;
    }

    internal static IpPrefix FromIPv4(uint network, int length) => new(network, length, isIPv6: false);

    internal static IpPrefix FromIPv6(UInt128 network, int length) => new(network, length, isIPv6: true);

    /// <summary>
    /// Parses <c>10.0.0.0/8</c>, <c>2001:db8::/32</c> or a bare address (a /32 or /128).
    /// On failure <paramref name="error"/> is an English sentence meant for the person who typed the text.
    /// </summary>
    public static bool TryParse(string? text, out IpPrefix prefix, out string? error)
    {
        prefix = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an IP address or prefix is required";
            return false;
        }

        var t = text.Trim();
        if (t.Contains('%', StringComparison.Ordinal))
        {
            // A zone id (RFC 4007 §11) names a link on this host; it means nothing in a constituent's scope.
            error = $"'{t}' has a zone id (after '%'); zone ids are not allowed in a prefix";
            return false;
        }

        var slash = t.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? t : t[..slash];
        UInt128 bits;
        bool isIPv6;
        if (addressText.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress also takes "[::1]" and "[::1]:80"; a prefix has neither.
            if (addressText.Contains('[', StringComparison.Ordinal)
                || !IPAddress.TryParse(addressText, out var v6)
                || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{t}' is not an IPv4 or IPv6 address";
                return false;
            }

            (bits, isIPv6) = (ToBits(v6).Bits, true);
        }
        else
        {
            var v4 = TryParseIPv4(addressText, out var leadingZero);
            if (v4 is null)
            {
                error = leadingZero
                    ? $"'{t}' has a number with a leading zero, which some tools read as octal; write it without the zero"
                    : $"'{t}' is not an IPv4 or IPv6 address";
                return false;
            }

            (bits, isIPv6) = (v4.Value, false);
        }

        var max = isIPv6 ? 128 : 32;
        var length = max;
        if (slash >= 0)
        {
            var lengthText = t.AsSpan(slash + 1);
            if (lengthText.IsEmpty)
            {
                error = $"'{t}' has no prefix length after '/'";
                return false;
            }

            if (lengthText.Length > 3 || !IsAsciiDigits(lengthText))
            {
                error = $"'{t}' has a prefix length that is not a number";
                return false;
            }

            length = int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
            if (length > max)
            {
                error = $"prefix length {length} is out of range 0–{max} for {(isIPv6 ? "IPv6" : "IPv4")}";
                return false;
            }
        }

        return TryCreate(bits, isIPv6, length, t, out prefix, out error);
    }

    /// <summary>Like <see cref="TryParse"/>, but throws <see cref="FormatException"/> carrying the same message.</summary>
    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    /// <summary>
    /// True when <paramref name="address"/> lies in this network. An IPv4-mapped IPv6 address is
    /// taken as the IPv4 address it carries; otherwise the families must match (so <c>::/0</c>
    /// does not contain <c>10.0.0.1</c>), as in <see cref="IpPrefixIndex"/>.
    /// </summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (bits, isIPv6) = ToBits(address);
        if (isIPv6 && IsIPv4Mapped(bits))
        {
            (bits, isIPv6) = ((uint)bits, false);
        }

        return isIPv6 == _isIPv6 && (bits & Mask(_length, MaxLength)) == _bits;
    }

    /// <summary>Canonical text: <c>10.0.0.0/8</c>, <c>2001:db8::/32</c> (RFC 5952 form for IPv6).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{_length}");

    /// <summary>The last address of the network, as a big-endian integer.</summary>
    internal UInt128 LastBits => _bits | ~Mask(_length, MaxLength) & (_isIPv6 ? UInt128.MaxValue : uint.MaxValue);

    internal static UInt128 Mask(int length, int max) =>
        length == 0 ? UInt128.Zero : (UInt128.MaxValue << (max - length)) & (max == 32 ? uint.MaxValue : UInt128.MaxValue);

    /// <summary>::ffff:0:0/96, RFC 4291 §2.5.5.2.</summary>
    internal static bool IsIPv4Mapped(UInt128 bits) => bits >> 32 == 0xFFFF;

    private static bool TryCreate(UInt128 bits, bool isIPv6, int length, string text, out IpPrefix prefix, out string? error)
    {
        prefix = default;
        var max = isIPv6 ? 128 : 32;
        if (length < 0 || length > max)
        {
            error = $"prefix length {length} is out of range 0–{max} for {(isIPv6 ? "IPv6" : "IPv4")}";
            return false;
        }

        // A mapped network is an IPv4 network in IPv6 clothing; holding it as IPv4 lets
        // "::ffff:10.0.0.0/104" and "10.0.0.0/8" be the same key.
        if (isIPv6 && length >= 96 && IsIPv4Mapped(bits))
        {
            (bits, isIPv6, length, max) = ((uint)bits, false, length - 96, 32);
        }

        var network = bits & Mask(length, max);
        if (network != bits)
        {
            var suggestion = new IpPrefix(network, length, isIPv6);
            error = $"'{text}' has host bits set; did you mean {suggestion}?";
            return false;
        }

        prefix = new IpPrefix(network, length, isIPv6);
        error = null;
        return true;
    }

    /// <summary>Strict dotted quad. IPAddress.TryParse also takes "10", "10.1", hex and octal forms, which are how filters get bypassed.</summary>
    private static uint? TryParseIPv4(string text, out bool leadingZero)
    {
        leadingZero = false;
        uint value = 0;
        var parts = 0;
        foreach (var range in text.AsSpan().Split('.'))
        {
            var part = text.AsSpan(range);
            if (++parts > 4 || part.IsEmpty || part.Length > 3 || !IsAsciiDigits(part))
            {
                return null;
            }

            if (part.Length > 1 && part[0] == '0')
            {
                leadingZero = true;
                return null;
            }

            var octet = uint.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return null;
            }

            value = (value << 8) | octet;
        }

        return parts == 4 ? value : null;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');

    private static (UInt128 Bits, bool IsIPv6) ToBits(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? (BinaryPrimitives.ReadUInt32BigEndian(bytes), false)
            : (BinaryPrimitives.ReadUInt128BigEndian(bytes), true);
    }

    private static byte[] ToBytes(uint bits)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, bits);
        return bytes;
    }

    private static byte[] ToBytes(UInt128 bits)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, bits);
        return bytes;
    }
}
