using Vigie.Core.PublicSite;

namespace Vigie.Core.Tests.PublicSite;

/// <summary>The generator: what it writes parses back with every field, and no configured value can add a line.</summary>
public class SecurityTxtWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 9, 10, 0, 0, TimeSpan.Zero);

    private static SecurityTxt Full() => new()
    {
        Comments = ["security.txt of the CSIRT Test Team (RFC 9116)", "", "Signed with the team's OpenPGP key."],
        Contacts = ["mailto:cert@csirt.test", "https://csirt.example.org/contact", "tel:+33-1-23-45-67-89"],
        Expires = new DateTimeOffset(2026, 9, 5, 0, 0, 0, TimeSpan.Zero),
        Encryption = ["https://csirt.example.org/team-key.asc"],
        PreferredLanguages = ["fr", "en"],
        Canonical = ["https://csirt.example.org/.well-known/security.txt", "https://csirt.example.org/security.txt"],
        Policy = ["https://csirt.example.org/rfc2350"],
        Acknowledgments = ["https://csirt.example.org/thanks"],
        Hiring = ["https://jobs.example.org/csirt"],
    };

    [Fact]
    public void The_generated_file_parses_and_holds_every_field_in_order()
    {
        var text = SecurityTxtWriter.Render(Full());
        Assert.StartsWith("# security.txt of the CSIRT Test Team (RFC 9116)\n#\n# Signed", text);
        Assert.Contains("\nExpires: 2026-09-05T00:00:00Z\n", text);
        Assert.Contains("\nPreferred-Languages: fr, en\n", text);
        Assert.DoesNotContain("\r", text);

        var parsed = SecurityTxtParser.Parse(text, Now);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.Empty(parsed.Warnings);
        Assert.Equal(Full().Contacts, parsed.Values("Contact"));
        Assert.Equal(Full().Encryption, parsed.Values("Encryption"));
        Assert.Equal(Full().Canonical, parsed.Values("Canonical"));
        Assert.Equal(Full().Policy, parsed.Values("Policy"));
        Assert.Equal(Full().Acknowledgments, parsed.Values("Acknowledgments"));
        Assert.Equal(Full().Hiring, parsed.Values("Hiring"));
        Assert.Equal(["fr", "en"], parsed.PreferredLanguages);
        Assert.Equal(Full().Expires, parsed.Expires);
    }

    [Theory]
    [InlineData("https://csirt.example.org/x\r\nExpires: 2099-01-01T00:00:00Z")]
    [InlineData("https://csirt.example.org/x\nContact: mailto:evil@example.net")]
    [InlineData("https://csirt.example.org/x\rPolicy: https://evil.example.net")]
    [InlineData("https://csirt.example.org/x\u0085y")]
    [InlineData(" https://csirt.example.org/x")]
    [InlineData("")]
    public void A_value_with_a_line_break_or_control_character_is_refused_with_the_field_named(string contact)
    {
        var document = Full() with { Contacts = ["mailto:cert@csirt.test", contact] };
        var problems = SecurityTxtWriter.Check(document);
        Assert.Contains(problems, p => p.Field == "Contact[1]");
        var e = Assert.Throws<SecurityTxtException>(() => SecurityTxtWriter.Render(document));
        Assert.Contains("Contact[1]", e.Message);
    }

    [Fact]
    public void Over_long_values_bad_schemes_and_bad_languages_are_refused_each_named()
    {
        var document = Full() with
        {
            Policy = ["https://csirt.example.org/" + new string('a', SecurityTxtRules.MaxValueLength)],
            Encryption = ["http://csirt.example.org/key.asc"],
            Hiring = ["javascript:alert(1)"],
            PreferredLanguages = ["fr", "fr\nContact: x"],
            Comments = ["two\nlines"],
        };
        var fields = SecurityTxtWriter.Check(document).Select(p => p.Field).ToList();
        Assert.Equal(["Encryption[0]", "Policy[0]", "Hiring[0]", "Preferred-Languages[1]", "#[0]"], fields);
    }

    [Fact]
    public void Contact_and_Expires_are_required()
    {
        var fields = SecurityTxtWriter.Check(new SecurityTxt()).Select(p => p.Field).ToList();
        Assert.Equal(["Contact", "Expires"], fields);
    }
}
