using NodaTime;
using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// Europe/Paris changes time on the last Sunday of March (02:00 → 03:00, +01:00 → +02:00) and of October
/// (03:00 → 02:00, the hour 02:00–03:00 is repeated, +02:00 → +01:00). The team is closed on Sundays, so
/// its hours are untouched; a calendar open on that Sunday night counts real time.
/// </summary>
public class DaylightSavingTests
{
    [Theory]
    // 2026 spring: Friday 27 March is still +01:00, Monday 30 March opens at 09:00 +02:00 (07:00 UTC).
    [InlineData("2026-03-27", "2026-03-30 09:00+02:00", "2026-03-30 18:00+02:00", "+01:00")]
    // 2026 autumn: Friday 23 October is +02:00, Monday 26 October opens at 09:00 +01:00 (08:00 UTC).
    [InlineData("2026-10-23", "2026-10-26 09:00+01:00", "2026-10-26 18:00+01:00", "+02:00")]
    // 2027 spring: the Monday after the change (29 March) is Easter Monday, so the first business day is Tuesday 30.
    [InlineData("2027-03-26", "2027-03-30 09:00+02:00", "2027-03-30 18:00+02:00", "+01:00")]
    // 2027 autumn: the Monday after (1 November) is All Saints, so Tuesday 2 November.
    [InlineData("2027-10-29", "2027-11-02 09:00+01:00", "2027-11-02 18:00+01:00", "+02:00")]
    public void The_first_business_day_after_a_change_keeps_its_local_hours_with_the_new_offset(
        string friday, string opening, string closing, string fridayOffset)
    {
        var fridayClose = At(friday + " 18:00");

        Assert.EndsWith(fridayOffset, Show(fridayClose), StringComparison.Ordinal);
        Assert.Equal(opening, Show(Standard.NextOpening(fridayClose)));
        Assert.Equal(closing, Show(Standard.NextClosing(fridayClose)));
        Assert.Equal(Hours(9), Standard.NextClosing(fridayClose) - Standard.NextOpening(fridayClose));
        Assert.Equal(Hours(9), Standard.Day(At(opening).InZone(Paris).Date).Length);
    }

    [Theory]
    // Friday 09:00 → the next business day's 18:00: two full days (18 h), the hour lost or gained on Sunday does not count.
    [InlineData("2026-03-27 09:00", "2026-03-30 18:00", "18:00:00")]
    [InlineData("2026-10-23 09:00", "2026-10-26 18:00", "18:00:00")]
    [InlineData("2027-03-26 09:00", "2027-03-30 18:00", "18:00:00")]
    [InlineData("2027-10-29 09:00", "2027-11-02 18:00", "18:00:00")]
    // The whole closed weekend: zero either way.
    [InlineData("2026-03-27 18:00", "2026-03-30 09:00", "0:00:00")]
    [InlineData("2026-10-23 18:00", "2026-10-26 09:00", "0:00:00")]
    public void Business_time_across_the_weekend_of_a_change_is_unaffected(string from, string to, string expected) =>
        Assert.Equal(ParseDuration(expected), Standard.BusinessTimeBetween(At(from), At(to)));

    [Theory]
    // Friday 17:00 + 2 bh: 1 h Friday, 1 h on the next business day → 10:00 local, new offset.
    [InlineData("2026-03-27 17:00", "2bh", "2026-03-30 10:00+02:00")]
    [InlineData("2026-10-23 17:00", "2bh", "2026-10-26 10:00+01:00")]
    [InlineData("2027-03-26 17:00", "2bh", "2027-03-30 10:00+02:00")]
    [InlineData("2027-10-29 17:00", "2bh", "2027-11-02 10:00+01:00")]
    // Friday 17:59 + 1 bd: the next business day at 17:59 local, whatever the offset.
    [InlineData("2026-03-27 17:59", "1bd", "2026-03-30 17:59+02:00")]
    [InlineData("2026-10-23 17:59", "1bd", "2026-10-26 17:59+01:00")]
    [InlineData("2027-03-26 17:59", "1bd", "2027-03-30 17:59+02:00")]
    [InlineData("2027-10-29 17:59", "1bd", "2027-11-02 17:59+01:00")]
    // Saturday night + 1 bd: from the next opening to its close.
    [InlineData("2026-03-28 03:00", "1bd", "2026-03-30 18:00+02:00")]
    [InlineData("2026-10-24 03:00", "1bd", "2026-10-26 18:00+01:00")]
    public void Due_times_across_a_change_keep_local_wall_clock(string start, string target, string expected) =>
        Assert.Equal(expected, Show(SlaTarget.Parse(target, "t").Value.DueFrom(Standard, At(start))));

    [Theory]
    // March: 01:00 +01:00 (00:00 UTC) to 04:00 +02:00 (02:00 UTC): 2 h, the skipped hour is not worked.
    [InlineData("2026-03-29", "2026-03-29 01:00+01:00", "2026-03-29 04:00+02:00", "2:00:00")]
    [InlineData("2027-03-28", "2027-03-28 01:00+01:00", "2027-03-28 04:00+02:00", "2:00:00")]
    // October: 01:00 +02:00 (23:00 UTC Saturday) to 04:00 +01:00 (03:00 UTC): 4 h, the repeated hour is worked twice.
    [InlineData("2026-10-25", "2026-10-25 01:00+02:00", "2026-10-25 04:00+01:00", "4:00:00")]
    [InlineData("2027-10-31", "2027-10-31 01:00+02:00", "2027-10-31 04:00+01:00", "4:00:00")]
    public void A_night_opening_on_the_day_of_a_change_counts_real_time(string date, string start, string end, string length)
    {
        var day = NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value;
        var interval = Assert.Single(WithClosures.Intervals(day));

        Assert.Equal(start, Show(interval.Start));
        Assert.Equal(end, Show(interval.End));
        Assert.Equal(ParseDuration(length), WithClosures.BusinessTimeBetween(At(date + " 00:00"), At(date + " 12:00")));
        // The whole weekend holds only that night.
        var saturday = day.PlusDays(-1).AtMidnight().InZoneStrictly(Paris).ToInstant();
        var monday = day.PlusDays(1).AtMidnight().InZoneStrictly(Paris).ToInstant();
        Assert.Equal(ParseDuration(length), WithClosures.BusinessTimeBetween(saturday, monday));
        // The local hours stay 01:00–04:00 (3 h local) for display.
        Assert.Equal(Hours(3), WithClosures.Day(day).Length);
    }

    [Theory]
    // March: 01:00 +01:00 + 1 h = 02:00 local, which does not exist: 03:00 +02:00.
    [InlineData("2026-03-29 00:00", "1:00:00", "2026-03-29 03:00+02:00")]
    // March: the 2 h run out at the closing, 04:00 +02:00.
    [InlineData("2026-03-29 00:00", "2:00:00", "2026-03-29 04:00+02:00")]
    // March: 3 h → 2 h that night, 1 h from Monday 09:00 → 10:00.
    [InlineData("2026-03-29 00:00", "3:00:00", "2026-03-30 10:00+02:00")]
    // October: 01:00 +02:00 + 1 h = the first 02:00 (+02:00); + 2 h = the second 02:00 (+01:00).
    [InlineData("2026-10-25 00:00", "1:00:00", "2026-10-25 02:00+02:00")]
    [InlineData("2026-10-25 00:00", "2:00:00", "2026-10-25 02:00+01:00")]
    [InlineData("2026-10-25 00:00", "4:00:00", "2026-10-25 04:00+01:00")]
    [InlineData("2026-10-25 00:00", "5:00:00", "2026-10-26 10:00+01:00")]
    public void Adding_business_time_through_the_changed_night(string start, string amount, string expected) =>
        Assert.Equal(expected, Show(WithClosures.AddBusinessTime(At(start), ParseDuration(amount))));

    [Theory]
    // Both occurrences of 02:30 on the October night are open; 02:30 does not exist in March, 03:30 is open.
    [InlineData("2026-10-25 02:30+02:00", true)]
    [InlineData("2026-10-25 02:30+01:00", true)]
    [InlineData("2026-10-25 04:00+01:00", false)]
    [InlineData("2026-10-25 00:59+02:00", false)]
    [InlineData("2026-03-29 01:59+01:00", true)]
    [InlineData("2026-03-29 03:00+02:00", true)]
    [InlineData("2026-03-29 03:59+02:00", true)]
    [InlineData("2026-03-29 04:00+02:00", false)]
    public void Open_during_the_changed_night(string at, bool open) => Assert.Equal(open, WithClosures.IsOpen(At(at)));

    [Theory]
    // Local times in the skipped hour (02:00–03:00 on 29 March 2026) never show on a clock: an opening
    // boundary there is the first instant the clock reads after it, 03:00 +02:00 (01:00 UTC).
    // 01:00–02:30: from 01:00 +01:00 to 03:00 +02:00, 1 h (shorter than its 1 h 30 on other days).
    [InlineData("01:00-02:30", "1:00:00", "2026-03-29 03:00+02:00")]
    // 02:30–04:00: from 03:00 +02:00 to 04:00 +02:00, 1 h.
    [InlineData("02:30-04:00", "1:00:00", "2026-03-29 04:00+02:00")]
    // 02:15–02:45 lies wholly in the skipped hour: no business time that day.
    [InlineData("02:15-02:45", "0:00:00", null)]
    // Adjacent at 02:30: the day still has 2 h of real time from 01:00 to 04:00.
    [InlineData("01:00-02:30,02:30-04:00", "2:00:00", "2026-03-29 04:00+02:00")]
    public void Boundaries_in_the_skipped_hour_move_to_the_end_of_the_gap(string hours, string length, string? lastClosing)
    {
        var day = new LocalDate(2026, 3, 29);
        var calendar = BusinessCalendar.Create("Europe/Paris", [(IsoDayOfWeek.Monday, H(9, 18))], null, null,
            [new DayOverride(day, [.. hours.Split(',').Select(r => new OpeningHours(
                NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(r[..5]).Value,
                NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(r[6..]).Value))], "night")]).Value!;
        var intervals = calendar.Intervals(day).ToList();

        Assert.Equal(ParseDuration(length), calendar.BusinessTimeBetween(At("2026-03-29 00:00"), At("2026-03-29 12:00")));
        Assert.Equal(lastClosing, intervals.Count == 0 ? null : Show(intervals[^1].End));
        // Business time through the night is the real time the intervals cover.
        Assert.Equal(ParseDuration(length), intervals.Aggregate(Duration.Zero, (sum, i) => sum + i.Duration));
    }

    [Fact]
    public void Adjacent_intervals_in_the_repeated_hour_do_not_overlap()
    {
        // Open 01:00–02:30 and 02:30–04:00 on the autumn night: 02:30 is ambiguous; the first interval ends at
        // its later occurrence (+01:00), the second starts at its earlier one (+02:00) — without care the
        // hour between them would be counted twice. Real time from 01:00 +02:00 to 04:00 +01:00 is 4 h.
        var calendar = BusinessCalendar.Create("Europe/Paris", [(IsoDayOfWeek.Monday, H(9, 18))], null, null,
            [new DayOverride(new LocalDate(2026, 10, 25), [new(new LocalTime(1, 0), new LocalTime(2, 30)), new(new LocalTime(2, 30), new LocalTime(4, 0))], "night")]).Value!;
        var sunday = At("2026-10-25 00:00");
        var intervals = calendar.Intervals(new LocalDate(2026, 10, 25)).ToList();

        Assert.Equal(Hours(4), calendar.BusinessTimeBetween(sunday, At("2026-10-25 12:00")));
        Assert.Equal(Hours(4), intervals.Aggregate(Duration.Zero, (sum, i) => sum + i.Duration));
        Assert.True(intervals[0].End <= intervals[1].Start, $"{Show(intervals[0].End)} > {Show(intervals[1].Start)}");
        Assert.Equal("2026-10-25 04:00+01:00", Show(calendar.AddBusinessTime(sunday, Hours(4))));
        // Additivity through the ambiguous hour.
        var middle = At("2026-10-25 02:15+01:00");
        Assert.Equal(calendar.BusinessTimeBetween(sunday, At("2026-10-25 12:00")),
            calendar.BusinessTimeBetween(sunday, middle) + calendar.BusinessTimeBetween(middle, At("2026-10-25 12:00")));
        Assert.Equal(Hours(0.25), calendar.BusinessTimeBetween(At("2026-10-25 02:00+01:00"), At("2026-10-25 02:15+01:00")));
    }
}
