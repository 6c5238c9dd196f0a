using Vigie.Core.Lookup;

namespace Vigie.Core.Tests.Lookup;

public class DomainNameTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("  Example.COM.  ", "example.com")]
    [InlineData("example[.]com", "example.com")]
    [InlineData("www(.)example{.}org", "www.example.org")]
    [InlineData("bücher.de", "xn--bcher-kva.de")]
    [InlineData("BÜCHER.DE", "xn--bcher-kva.de")]
    [InlineData("münchen.de.", "xn--mnchen-3ya.de")]
    [InlineData("xn--bcher-kva.de", "xn--bcher-kva.de")]
    [InlineData("_dmarc.example.com", "_dmarc.example.com")]
    [InlineData("a-b.c1.example", "a-b.c1.example")]
    [InlineData("localhost", "localhost")]
    [InlineData("ex\u200Bample.com", "example.com")] // UTS #46 drops the zero-width space, as browsers do
    [InlineData("example\u3002com", "example.com")]  // ideographic full stop is a label separator (RFC 3490 §3.1)
    public void Normalizes(string text, string expected)
    {
        Assert.True(DomainName.TryNormalize(text, out var normalized, out var error), error);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("*.example.com", "'*.example.com' is a wildcard; enter example.com instead (its subdomains match anyway)")]
    [InlineData("a.*.example.com", "'a.*.example.com' contains a wildcard '*', which is not allowed in a domain name")]
    [InlineData("10.0.0.1", "'10.0.0.1' is an IP address, not a domain name")]
    [InlineData("10[.]0[.]0[.]1", "'10.0.0.1' is an IP address, not a domain name")]
    [InlineData("[2001:db8::1]", "'[2001:db8::1]' is an IP address, not a domain name")]
    [InlineData("1.2.3.999", "'1.2.3.999' is an IP address, not a domain name")]
    [InlineData("a..example.com", "'a..example.com' has an empty label")]
    [InlineData(".example.com", "'.example.com' has an empty label")]
    [InlineData("example.com..", "'example.com..' has an empty label")]
    [InlineData("exa mple.com", "'exa mple.com' contains ' ', which is not allowed in a domain name")]
    [InlineData("-foo.example.com", "label '-foo' of '-foo.example.com' starts or ends with a hyphen")]
    [InlineData("", "a domain name is required")]
    [InlineData(null, "a domain name is required")]
    public void Rejects_with_a_message_for_people(string? text, string message)
    {
        Assert.False(DomainName.TryNormalize(text, out var normalized, out var error));
        Assert.Equal(message, error);
        Assert.Equal("", normalized);
    }

    [Fact]
    public void Enforces_label_and_name_lengths()
    {
        var label63 = new string('a', 63);
        Assert.True(DomainName.TryNormalize($"{label63}.com", out _, out _));
        Assert.False(DomainName.TryNormalize($"{label63}a.com", out _, out var labelError));
        Assert.Equal($"label '{label63}a' of '{label63}a.com' is 64 characters long; a label is at most 63", labelError);

        var name253 = string.Join('.', Enumerable.Repeat(label63, 3)) + "." + new string('b', 61); // 3×63 + 3 + 61
        Assert.Equal(253, name253.Length);
        Assert.True(DomainName.TryNormalize(name253, out _, out _));
        Assert.True(DomainName.TryNormalize(name253 + ".", out _, out _)); // the root dot does not count
        Assert.False(DomainName.TryNormalize(name253 + "b", out _, out var nameError));
        Assert.Equal($"'{name253}b' is 254 characters long; a domain name is at most 253", nameError);
    }

    [Theory]
    [InlineData("exa$mple.com")]
    [InlineData("example.com/path")]
    [InlineData("user@example.com")]
    [InlineData("foo-.example.com")]
    [InlineData("xn--a.com")]     // not decodable punycode
    public void Rejects_bad_labels(string text) => Assert.False(DomainName.TryNormalize(text, out _, out _));
}
