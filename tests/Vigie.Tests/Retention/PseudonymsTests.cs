using Vigie.Features.Retention;

namespace Vigie.Tests.Retention;

/// <summary>Pseudonyms are stable under one key, differ under another, and free text loses addresses, names and phone numbers but keeps IPs.</summary>
public sealed class PseudonymsTests
{
    private static readonly Pseudonyms One = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly Pseudonyms Other = new(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void The_same_address_gives_the_same_pseudonym_whatever_its_case_and_another_key_another()
    {
        Assert.Equal(One.Email("Jeanne@Client.example"), One.Email("jeanne@client.example"));
        Assert.NotEqual(One.Email("jeanne@client.example"), One.Email("paul@client.example"));
        Assert.NotEqual(One.Email("jeanne@client.example"), Other.Email("jeanne@client.example"));
        Assert.Matches("^pseudonym-[0-9a-f]{16}@invalid$", One.Email("jeanne@client.example"));
    }

    [Theory]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("06 12 34 56 78")]
    [InlineData("06.12.34.56.78")]
    [InlineData("+33612345678")]
    [InlineData("0612345678")]
    public void Phone_numbers_are_replaced_and_addresses_too(string phone)
    {
        var text = One.Scrub($"Jeanne Martin <jeanne@client.example>, tel {phone}, saw 198.51.100.7 and 2001:db8::1 at 10.0.0.12.", ["Jeanne Martin"])!;
        Assert.DoesNotContain("jeanne", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(phone, text, StringComparison.Ordinal);
        Assert.Contains(One.Email("jeanne@client.example"), text, StringComparison.Ordinal);
        Assert.Contains(One.Name("jeanne martin"), text, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7", text, StringComparison.Ordinal);
        Assert.Contains("10.0.0.12", text, StringComparison.Ordinal);
        Assert.Equal(text, One.Scrub(text, ["Jeanne Martin"]));
    }

    [Theory]
    [InlineData("2y", true)]
    [InlineData("18m", true)]
    [InlineData("90d", true)]
    [InlineData("never", true)]
    [InlineData("0d", false)]
    [InlineData("101y", false)]
    [InlineData("2 years", false)]
    [InlineData("", false)]
    public void Periods_are_read_in_calendar_units(string text, bool valid)
    {
        Assert.Equal(valid, RetentionPeriod.TryParse(text, out _));
    }

    [Fact]
    public void A_year_is_a_calendar_year()
    {
        Assert.True(RetentionPeriod.TryParse("1y", out var year));
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 0, 0, 0, TimeSpan.Zero), year!.Before(new DateTimeOffset(2028, 2, 28, 0, 0, 0, TimeSpan.Zero)));
    }
}
