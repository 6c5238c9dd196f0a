using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

public class SlaTargetTests
{
    [Theory]
    [InlineData("1bd", 1, SlaUnit.BusinessDays, "1bd")]
    [InlineData("4bh", 4, SlaUnit.BusinessHours, "4bh")]
    [InlineData("1h", 1, SlaUnit.Hours, "1h")]
    [InlineData("30m", 30, SlaUnit.Minutes, "30m")]
    // Case and surrounding spaces are ignored; a space between number and unit is allowed.
    [InlineData(" 4BH ", 4, SlaUnit.BusinessHours, "4bh")]
    [InlineData("2 bd", 2, SlaUnit.BusinessDays, "2bd")]
    // Leading zeros: the number is what counts.
    [InlineData("01h", 1, SlaUnit.Hours, "1h")]
    // The bounds: 1 and 10000.
    [InlineData("10000m", 10_000, SlaUnit.Minutes, "10000m")]
    public void Parse_accepts(string text, int amount, SlaUnit unit, string canonical)
    {
        var result = SlaTarget.Parse(text, "sla:firstResponse:P1");

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(new SlaTarget(amount, unit), result.Value);
        Assert.Equal(canonical, result.Value.ToString());
        Assert.Equal(unit is SlaUnit.BusinessDays or SlaUnit.BusinessHours, result.Value.IsBusiness);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    // Zero and beyond 10000 are out of range.
    [InlineData("0bd")]
    [InlineData("10001h")]
    [InlineData("99999m")]
    // No sign, no fraction, no unknown or missing unit, no missing number.
    [InlineData("-1h")]
    [InlineData("+1h")]
    [InlineData("1.5h")]
    [InlineData("1d")]
    [InlineData("1")]
    [InlineData("bd")]
    [InlineData("1 b d")]
    [InlineData("1bdx")]
    [InlineData("1h30m")]
    [InlineData("123456h")]
    // Non-ASCII digits (Arabic-Indic one) match \d but are not a number here.
    [InlineData("\u0661bd")]
    public void Parse_refuses_and_names_the_field(string? text)
    {
        var result = SlaTarget.Parse(text, "sla:resolution:P2");

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        var message = Assert.Single(Assert.Single(result.Error.Fields!, f => f.Key == "sla:resolution:P2").Value);
        Assert.Contains($"'{text}'", message, StringComparison.Ordinal);
        Assert.Contains("1bd", message, StringComparison.Ordinal);
    }

    [Theory]
    // Saturday 03:00: business targets start at Monday's opening; clock targets at once.
    [InlineData("2026-11-28 03:00", "1bd", "2026-11-30 18:00+01:00")]
    [InlineData("2026-11-28 03:00", "4bh", "2026-11-30 13:00+01:00")]
    [InlineData("2026-11-28 03:00", "1h", "2026-11-28 04:00+01:00")]
    [InlineData("2026-11-28 03:00", "30m", "2026-11-28 03:30+01:00")]
    // Sunday 03:00 + 1 h → Sunday 04:00: the calendar is ignored.
    [InlineData("2026-11-29 03:00", "1h", "2026-11-29 04:00+01:00")]
    // Tuesday 10:00: 1bd → Wednesday 10:00, 4bh → 14:00, 2h → 12:00, 90m → 11:30.
    [InlineData("2026-11-24 10:00", "1bd", "2026-11-25 10:00+01:00")]
    [InlineData("2026-11-24 10:00", "4bh", "2026-11-24 14:00+01:00")]
    [InlineData("2026-11-24 10:00", "2h", "2026-11-24 12:00+01:00")]
    [InlineData("2026-11-24 10:00", "90m", "2026-11-24 11:30+01:00")]
    // Friday 17:00 + 4bh → 1 h Friday, 3 h Monday → 12:00; + 4h (clock) → Friday 21:00.
    [InlineData("2026-11-27 17:00", "4bh", "2026-11-30 12:00+01:00")]
    [InlineData("2026-11-27 17:00", "4h", "2026-11-27 21:00+01:00")]
    // Clock hours are real hours across DST: Sunday 29 March 2026 01:30 + 1 h = 03:30 +02:00.
    [InlineData("2026-03-29 01:30", "1h", "2026-03-29 03:30+02:00")]
    public void Due_from_each_unit(string start, string target, string expected) =>
        Assert.Equal(expected, Show(SlaTarget.Parse(target, "t").Value.DueFrom(Standard, At(start))));

    [Theory]
    // Business targets count from the next opening and only open time; clock targets from reception, all the time.
    [InlineData("4bh", "2026-11-28 03:00", "2026-11-30 09:00+01:00", "2026-11-30 10:00", "1:00")]
    [InlineData("1h", "2026-11-28 03:00", "2026-11-28 03:00+01:00", "2026-11-30 10:00", "55:00")]
    [InlineData("1bd", "2026-11-27 17:00", "2026-11-27 17:00+01:00", "2026-11-30 10:00", "2:00")]
    [InlineData("30m", "2026-11-27 17:00", "2026-11-27 17:00+01:00", "2026-11-27 16:00", "0:00")]
    public void Clock_start_and_elapsed(string target, string received, string clockStart, string now, string elapsed)
    {
        var t = SlaTarget.Parse(target, "t").Value;

        Assert.Equal(clockStart, Show(t.ClockStart(Standard, At(received))));
        Assert.Equal(elapsed, Show(t.Elapsed(Standard, At(received), At(now))));
    }

    [Theory]
    // A business due time moves by business time: Friday 17:00 + 2 h paused → Monday 10:00.
    [InlineData("4bh", "2026-11-27 17:00", "2:00:00", "2026-11-30 10:00+01:00")]
    // A clock due time moves by clock time.
    [InlineData("4h", "2026-11-27 17:00", "2:00:00", "2026-11-27 19:00+01:00")]
    // No pause (or a negative one): unchanged, even when the due time is closed.
    [InlineData("4bh", "2026-11-27 18:00", "0:00:00", "2026-11-27 18:00+01:00")]
    [InlineData("4bh", "2026-11-27 18:00", "-1:00:00", "2026-11-27 18:00+01:00")]
    public void Extend_by_a_pause(string target, string due, string paused, string expected) =>
        Assert.Equal(expected, Show(SlaTarget.Parse(target, "t").Value.Extend(Standard, At(due), ParseDuration(paused))));
}
