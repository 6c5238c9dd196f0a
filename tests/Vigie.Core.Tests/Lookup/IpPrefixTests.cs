using System.Net;
using CsCheck;
using Vigie.Core.Lookup;

namespace Vigie.Core.Tests.Lookup;

public class IpPrefixTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", false, 8)]
    [InlineData("  192.168.1.0/24\t", "192.168.1.0/24", false, 24)]
    [InlineData("10.0.0.1", "10.0.0.1/32", false, 32)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", false, 0)]
    [InlineData("255.255.255.255/32", "255.255.255.255/32", false, 32)]
    [InlineData("2001:DB8::/32", "2001:db8::/32", true, 32)]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0000/48", "2001:db8::/48", true, 48)]
    [InlineData("::/0", "::/0", true, 0)]
    [InlineData("::1", "::1/128", true, 128)]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8", false, 8)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1/32", false, 32)]
    [InlineData("::ffff:0:0/96", "0.0.0.0/0", false, 0)]
    [InlineData("10.0.0.0/008", "10.0.0.0/8", false, 8)]
    public void Parses_and_prints_canonically(string text, string canonical, bool isIPv6, int length)
    {
        Assert.True(IpPrefix.TryParse(text, out var prefix, out var error), error);
        Assert.Null(error);
        Assert.Equal(canonical, prefix.ToString());
        Assert.Equal(isIPv6, prefix.IsIPv6);
        Assert.Equal(length, prefix.Length);
        Assert.Equal(prefix, IpPrefix.Parse(canonical));
    }

    [Theory]
    [InlineData("10.0.0.1/8", "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("2001:db8::1/32", "'2001:db8::1/32' has host bits set; did you mean 2001:db8::/32?")]
    [InlineData("::ffff:10.0.0.1/104", "'::ffff:10.0.0.1/104' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("300.1.1.1/8", "'300.1.1.1/8' is not an IPv4 or IPv6 address")]
    [InlineData("10.0.0.0/33", "prefix length 33 is out of range 0–32 for IPv4")]
    [InlineData("2001:db8::/129", "prefix length 129 is out of range 0–128 for IPv6")]
    [InlineData("fe80::1%eth0", "'fe80::1%eth0' has a zone id (after '%'); zone ids are not allowed in a prefix")]
    [InlineData("10.0.0.0/", "'10.0.0.0/' has no prefix length after '/'")]
    [InlineData("10.0.0.0/x", "'10.0.0.0/x' has a prefix length that is not a number")]
    [InlineData("010.0.0.0/8", "'010.0.0.0/8' has a number with a leading zero, which some tools read as octal; write it without the zero")]
    [InlineData("", "an IP address or prefix is required")]
    [InlineData(null, "an IP address or prefix is required")]
    public void Rejects_with_a_message_for_people(string? text, string message)
    {
        Assert.False(IpPrefix.TryParse(text, out var prefix, out var error));
        Assert.Equal(message, error);
        Assert.Equal(default, prefix);
        if (text is not null)
        {
            Assert.Equal(message, Assert.Throws<FormatException>(() => IpPrefix.Parse(text)).Message);
        }
    }

    [Theory]
    [InlineData("10.1")]            // IPAddress.Parse reads this as 10.0.0.1
    [InlineData("10.0.0")]
    [InlineData("1.2.3.4.5")]
    [InlineData("0x0a.0.0.0/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("10.0.0.0/1000")]
    [InlineData("[::1]")]
    [InlineData("[::1]/128")]
    [InlineData("2001:db8:::/32")]
    [InlineData("example.com")]
    [InlineData("10 .0.0.0")]
    public void Rejects_loose_forms(string text) => Assert.False(IpPrefix.TryParse(text, out _, out _));

    [Fact]
    public void Contains_checks_the_network_bits_and_the_family()
    {
        var net = IpPrefix.Parse("10.0.0.0/8");

        Assert.True(net.Contains(IPAddress.Parse("10.255.255.255")));
        Assert.True(net.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(net.Contains(IPAddress.Parse("11.0.0.0")));
        Assert.False(net.Contains(IPAddress.Parse("9.255.255.255")));
        Assert.False(IpPrefix.Parse("::/0").Contains(IPAddress.Parse("10.0.0.1")));
        Assert.True(IpPrefix.Parse("::/0").Contains(IPAddress.Parse("2001:db8::1")));
        Assert.True(IpPrefix.Parse("2001:db8::/32").Contains(IPAddress.Parse("2001:db8:ffff::1")));
        Assert.False(IpPrefix.Parse("2001:db8::/32").Contains(IPAddress.Parse("2001:db9::")));
    }

    [Fact]
    public void Default_is_the_IPv4_default_route()
    {
        Assert.Equal("0.0.0.0/0", default(IpPrefix).ToString());
        Assert.Equal(IpPrefix.Parse("0.0.0.0/0"), default);
    }

    [Fact]
    public void Constructor_validates_like_parse()
    {
        var error = Assert.Throws<ArgumentException>(() => new IpPrefix(IPAddress.Parse("10.0.0.1"), 8));
        Assert.StartsWith("'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new IpPrefix(IPAddress.Parse("10.0.0.0"), 33));
        Assert.Throws<ArgumentException>(() => new IpPrefix(IPAddress.Parse("fe80::%2"), 64));

        var (network, length) = new IpPrefix(IPAddress.Parse("::ffff:10.0.0.0"), 104);
        Assert.Equal(IPAddress.Parse("10.0.0.0"), network);
        Assert.Equal(8, length);
    }

    [Fact]
    public void Network_is_a_fresh_copy()
    {
        var prefix = IpPrefix.Parse("fe80::/64");
        prefix.Network.ScopeId = 3;

        Assert.Equal(0, prefix.Network.ScopeId);
    }

    [Fact]
    public void Text_round_trips() =>
        Gen.Bool.SelectMany(PrefixOracle.Prefix).Sample(prefix =>
        {
            var text = prefix.ToString();
            Assert.Equal(prefix, IpPrefix.Parse(text));
            Assert.Equal(text, IpPrefix.Parse(text).ToString());
            Assert.True(prefix.Contains(prefix.Network));
        }, iter: 500);
}
