using System.Net;
using Vigie.Features.PublicSite;

namespace Vigie.Tests.PublicSite;

/// <summary>The contact form's start-up checks and its small pure parts (cleaning, client partitions).</summary>
public sealed class ContactFormOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ContactFormOptionsValidator().Validate(null, new ContactFormOptions()).Succeeded);
    }

    [Fact]
    public void Every_faulty_key_is_named()
    {
        var options = new ContactFormOptions
        {
            PerIpLimit = 0,
            PerAddressLimit = -1,
            PerIpWindow = TimeSpan.FromSeconds(10),
            PerAddressWindow = TimeSpan.FromDays(2),
            MaxLength = new ContactFieldLimits { Name = 0, Email = 300, Subject = 5000, Evidence = 200_000 },
        };
        var result = new ContactFormOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        foreach (var key in new[]
        {
            "Vigie:PublicSite:ContactForm:PerIpLimit:", "Vigie:PublicSite:ContactForm:PerAddressLimit:",
            "Vigie:PublicSite:ContactForm:PerIpWindow:", "Vigie:PublicSite:ContactForm:PerAddressWindow:",
            "Vigie:PublicSite:ContactForm:MaxLength:Name:", "Vigie:PublicSite:ContactForm:MaxLength:Email:",
            "Vigie:PublicSite:ContactForm:MaxLength:Subject:", "Vigie:PublicSite:ContactForm:MaxLength: the fields add up",
        })
        {
            Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("a\r\nb\rc\n", true, "a\nb\nc")]
    [InlineData("\n\n  indented\tline  \n\n", true, "  indented\tline")]
    [InlineData("tab\there\u0000nul\u0007bell\u001b[31mred\u007f\u0085", false, "tabherenulbell[31mred")]
    [InlineData("left \u202Etfel\u202C \u2067x\u2069 right", true, "left tfel x right")]
    [InlineData("emoji 👩‍💻 and accents éà", false, "emoji 👩‍💻 and accents éà")]
    public void Cleaning_removes_control_and_bidirectional_override_characters(string input, bool multiLine, string expected)
    {
        Assert.Equal(expected, ContactFormReader.Clean(input, multiLine));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Clients_are_counted_by_address_and_ipv6_clients_by_their_64(string address, string key)
    {
        Assert.Equal(key, ContactLimiter.PartitionKey(IPAddress.Parse(address)));
    }
}
