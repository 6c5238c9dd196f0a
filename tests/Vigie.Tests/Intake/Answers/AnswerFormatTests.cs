using Vigie.Features.Intake.Answers;
using Vigie.Features.TeamProfile;

namespace Vigie.Tests.Intake.Answers;

public sealed class AnswerFormatTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Theory]
    [InlineData("2026-03-09T10:00:00Z", "fr", "9 mars 2026 à 11:00 (Europe/Paris)")]
    [InlineData("2026-03-09T10:00:00Z", "en", "9 March 2026 at 11:00 (Europe/Paris)")]
    [InlineData("2026-07-01T10:05:00Z", "fr", "1er juillet 2026 à 12:05 (Europe/Paris)")] // summer time, UTC+2
    [InlineData("2026-07-01T10:05:00Z", "en", "1 July 2026 at 12:05 (Europe/Paris)")]
    [InlineData("2026-12-31T23:30:00Z", "fr", "1er janvier 2027 à 00:30 (Europe/Paris)")]
    public void Moments_read_naturally_in_the_team_time_zone(string utc, string language, string expected)
        => Assert.Equal(expected, AnswerFormat.Moment(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Paris, "Europe/Paris", language));

    [Fact]
    public void Business_hours_with_a_lunch_break_read_as_one_phrase()
    {
        BusinessHoursInterval[] hours =
        [
            new() { Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], Start = "14:00", End = "18:00" },
            new() { Days = ["Friday", "Monday", "Tuesday", "Wednesday", "Thursday"], Start = "09:00", End = "12:30" },
            new() { Days = ["Saturday"], Start = "10:00", End = "12:00" },
        ];

        Assert.Equal(
            "du lundi au vendredi, de 9h00 à 12h30 et de 14h00 à 18h00 ; le samedi, de 10h00 à 12h00 (Europe/Paris)",
            AnswerFormat.BusinessHours(hours, "Europe/Paris", "fr"));
        Assert.Equal(
            "Monday to Friday, from 9:00 to 12:30 and from 14:00 to 18:00; Saturday, from 10:00 to 12:00 (Europe/Paris)",
            AnswerFormat.BusinessHours(hours, "Europe/Paris", "en"));
    }

    [Fact]
    public void Days_that_are_not_a_run_are_listed()
    {
        BusinessHoursInterval[] hours = [new() { Days = ["Thursday", "Monday"], Start = "08:00", End = "17:00" }];

        Assert.Equal("le lundi et le jeudi, de 8h00 à 17h00 (Europe/Paris)", AnswerFormat.BusinessHours(hours, "Europe/Paris", "fr"));
        Assert.Equal("Monday and Thursday, from 8:00 to 17:00 (Europe/Paris)", AnswerFormat.BusinessHours(hours, "Europe/Paris", "en"));
        Assert.Equal("", AnswerFormat.BusinessHours([], "Europe/Paris", "en"));
    }

    [Fact]
    public void The_fingerprint_is_grouped_as_gnupg_prints_it()
        => Assert.Equal("885D 94F0 9902 5163 DA55  FBE9 DE2F 24B1 2CCD 89AF", AnswerFormat.Fingerprint("885D94F099025163DA55FBE9DE2F24B12CCD89AF"));

    [Theory]
    [InlineData("  a\r\n\tb\0c  ", "a b c")]
    [InlineData("x\u2029y\u00A0\u00A0z", "x y z")]
    [InlineData("\u202Eabc\u2066d\u2069", "abcd")]
    [InlineData("\u200D\u200C", "\u200D\u200C")] // joiners some scripts need
    [InlineData(null, "")]
    public void Single_line_values_lose_controls_and_hidden_reordering(string? value, string expected)
        => Assert.Equal(expected, AnswerText.SingleLine(value));
}
