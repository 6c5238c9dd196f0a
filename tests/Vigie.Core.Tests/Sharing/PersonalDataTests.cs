using Vigie.Core.Sharing;

namespace Vigie.Core.Tests.Sharing;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("Reported by Jane Doe <jane.doe@example.org>.", "Reported by [redacted] <[redacted]>.")]
    [InlineData("contact: JANE.DOE@EXAMPLE.ORG", "contact: [redacted]")]
    [InlineData("write to jane.doe[at]example[.]org or jane.doe (at) example.org", "write to [redacted] or [redacted]")]
    [InlineData("Jane\n Doe called", "[redacted] called")]
    public void Redacts_addresses_in_plain_and_defanged_forms_and_names(string text, string expected) =>
        Assert.Equal(expected, PersonalData.Redact(text, ["jane.doe@example.org", "Jane Doe"]));

    [Fact]
    public void Leaves_lookalikes_and_short_terms_alone()
    {
        const string text = "xjane.doe@example.org.uk and janedoe@example.org and Al";
        Assert.Equal(text, PersonalData.Redact(text, ["jane.doe@example.org", "Al", ""]));
    }
}
