using CsCheck;
using Vigie.Core.Incidents;

namespace Vigie.Core.Tests.Domain;

public class IncidentNumberTests
{
    private static readonly Gen<int> Year = Gen.Int[1970, 9999];
    private static readonly Gen<int> Sequence = Gen.Frequency((3, Gen.Int[1, 9999]), (1, Gen.Int[1, 999_999]));

    [Theory]
    [InlineData(2026, 42, "2026-0042")]
    [InlineData(2026, 1, "2026-0001")]
    [InlineData(2026, 9999, "2026-9999")]
    [InlineData(2026, 12345, "2026-12345")]
    [InlineData(2026, 999_999, "2026-999999")]
    public void Formats_with_four_digits_at_least(int year, int sequence, string expected) =>
        Assert.Equal(expected, IncidentNumber.Format(year, sequence));

    [Theory]
    [InlineData("2026-0042", 2026, 42)]
    [InlineData(" 2026-12345 ", 2026, 12345)]
    [InlineData("1970-0001", 1970, 1)]
    [InlineData("2026-999999", 2026, 999_999)]
    public void Parses_numbers(string text, int year, int sequence)
    {
        Assert.True(IncidentNumber.TryParse(text, out var y, out var s));
        Assert.Equal((year, sequence), (y, s));
    }

    [Theory]
    [InlineData("2026-42")]
    [InlineData("26-0042")]
    [InlineData("2026-0000")]
    [InlineData("abcd-0001")]
    [InlineData("2026-1000000")]
    [InlineData("2026-abcd")]
    [InlineData("1969-0001")]
    [InlineData("2026-+042")]
    [InlineData("2026- 0042")]
    [InlineData("2026--0042")]
    [InlineData("2026-0042-1")]
    [InlineData("20260042")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_malformed_numbers(string? text)
    {
        Assert.False(IncidentNumber.TryParse(text, out _, out _));
    }

    [Fact]
    public void Ordinal_is_year_times_a_million_plus_sequence()
    {
        Assert.Equal(2_026_000_042L, IncidentNumber.Ordinal(2026, 42));
        Assert.Equal(9_999_999_999L, IncidentNumber.Ordinal(9999, 999_999));
    }

    [Fact]
    public void Format_then_parse_round_trips() =>
        Gen.Select(Year, Sequence).Sample((year, sequence) =>
        {
            var text = IncidentNumber.Format(year, sequence);
            Assert.True(IncidentNumber.TryParse(text, out var y, out var s), text);
            Assert.Equal((year, sequence), (y, s));
            Assert.Equal(text, IncidentNumber.Format(y, s));
        });

    [Fact]
    public void Ordinal_order_matches_year_then_sequence_order() =>
        Gen.Select(Year, Sequence, Gen.Int[-2, 2], Sequence).Sample((year, s1, dy, s2) =>
        {
            var y2 = Math.Clamp(year + dy, 1970, 9999);
            var expected = (year, s1).CompareTo((y2, s2));
            var actual = IncidentNumber.Ordinal(year, s1).CompareTo(IncidentNumber.Ordinal(y2, s2));
            Assert.Equal(Math.Sign(expected), Math.Sign(actual));
        });
}
