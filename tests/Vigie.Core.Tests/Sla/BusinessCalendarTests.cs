using NodaTime;
using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// Example tables for the team's calendars (<see cref="Calendars"/>). Times are Paris local time; 27 November
/// 2026 is a Friday, 24 November 2026 a Tuesday.
/// </summary>
public class BusinessCalendarTests
{
    [Theory]
    // Friday one minute before closing: open; the opening it is in ends at 18:00.
    [InlineData("2026-11-27 17:59", true, "2026-11-27 17:59+01:00", "2026-11-27 18:00+01:00")]
    // Friday 18:00: closing is exclusive, so closed; next opening is Monday 09:00.
    [InlineData("2026-11-27 18:00", false, "2026-11-30 09:00+01:00", "2026-11-30 18:00+01:00")]
    // Saturday night: closed until Monday.
    [InlineData("2026-11-28 03:00", false, "2026-11-30 09:00+01:00", "2026-11-30 18:00+01:00")]
    // Tuesday one minute before opening: closed, opens the same day.
    [InlineData("2026-11-24 08:59", false, "2026-11-24 09:00+01:00", "2026-11-24 18:00+01:00")]
    // Tuesday 09:00: opening is inclusive.
    [InlineData("2026-11-24 09:00", true, "2026-11-24 09:00+01:00", "2026-11-24 18:00+01:00")]
    // Thursday 24 December after closing: Friday is Christmas, then the weekend → Monday 28.
    [InlineData("2026-12-24 18:30", false, "2026-12-28 09:00+01:00", "2026-12-28 18:00+01:00")]
    public void Standard_open_next_opening_next_closing(string at, bool open, string nextOpening, string nextClosing)
    {
        var instant = At(at);

        Assert.Equal(open, Standard.IsOpen(instant));
        Assert.Equal(nextOpening, Show(Standard.NextOpening(instant)));
        Assert.Equal(nextClosing, Show(Standard.NextClosing(instant)));
    }

    [Theory]
    // Friday 17:59 is 8 h 59 into the day: the clock ends on the next business day (Monday) at the same time.
    [InlineData("2026-11-27 17:59", 1, "2026-11-30 17:59+01:00")]
    // Friday 18:00 is closed: the clock starts at Monday 09:00, an opening, so it ends at Monday's close.
    [InlineData("2026-11-27 18:00", 1, "2026-11-30 18:00+01:00")]
    // Saturday 03:00: same, the clock starts at Monday's opening.
    [InlineData("2026-11-28 03:00", 1, "2026-11-30 18:00+01:00")]
    // A report at 08:59 on a weekday: the clock starts at 09:00 that day and ends at its close.
    [InlineData("2026-11-24 08:59", 1, "2026-11-24 18:00+01:00")]
    // Exactly at an opening: that day counts as the first business day.
    [InlineData("2026-11-24 09:00", 1, "2026-11-24 18:00+01:00")]
    // Within a day: next business day, same time (doc comment example).
    [InlineData("2026-11-24 10:00", 1, "2026-11-25 10:00+01:00")]
    [InlineData("2026-11-24 10:00", 2, "2026-11-26 10:00+01:00")]
    // Three days from an opening: Tuesday, Wednesday, Thursday → Thursday's close.
    [InlineData("2026-11-24 09:00", 3, "2026-11-26 18:00+01:00")]
    // Friday 09:00 + 1: Friday itself is the business day.
    [InlineData("2026-11-27 09:00", 1, "2026-11-27 18:00+01:00")]
    // Five days from Friday 12:00: Mon, Tue, Wed, Thu, Fri → the following Friday 12:00.
    [InlineData("2026-11-27 12:00", 5, "2026-12-04 12:00+01:00")]
    // Zero days: the clock's start (the next opening).
    [InlineData("2026-11-27 17:59", 0, "2026-11-27 17:59+01:00")]
    [InlineData("2026-11-28 03:00", 0, "2026-11-30 09:00+01:00")]
    // Thursday 24 December 10:00: Christmas (Friday) and the weekend are skipped → Monday 28, 10:00.
    [InlineData("2026-12-24 10:00", 1, "2026-12-28 10:00+01:00")]
    public void Standard_add_business_days(string start, int days, string expected) =>
        Assert.Equal(expected, Show(Standard.AddBusinessDays(At(start), days)));

    [Theory]
    // Saturday 03:00 + 4 bh: counts from Monday 09:00 → 13:00.
    [InlineData("2026-11-28 03:00", "4:00:00", "2026-11-30 13:00+01:00")]
    // Runs out exactly at a closing: that closing, not the next opening.
    [InlineData("2026-11-27 17:00", "1:00:00", "2026-11-27 18:00+01:00")]
    // One minute more: Monday 09:01.
    [InlineData("2026-11-27 17:00", "1:01:00", "2026-11-30 09:01+01:00")]
    // 08:59 + 4 bh: from 09:00 → 13:00 the same day.
    [InlineData("2026-11-24 08:59", "4:00:00", "2026-11-24 13:00+01:00")]
    // Zero from a closed instant: the next opening; from an open instant: itself.
    [InlineData("2026-11-27 18:00", "0:00:00", "2026-11-30 09:00+01:00")]
    [InlineData("2026-11-24 10:00", "0:00:00", "2026-11-24 10:00+01:00")]
    // Nine business hours = one business day from within a day.
    [InlineData("2026-11-24 10:00", "9:00:00", "2026-11-25 10:00+01:00")]
    // A whole week (5 × 9 h) from Monday's opening: Friday's close.
    [InlineData("2026-11-23 09:00", "45:00:00", "2026-11-27 18:00+01:00")]
    // Half a minute: seconds are kept.
    [InlineData("2026-11-24 10:00", "0:00:30", "2026-11-24 10:00:30+01:00")]
    public void Standard_add_business_time(string start, string amount, string expected) =>
        Assert.Equal(expected, Show(Standard.AddBusinessTime(At(start), ParseDuration(amount))));

    [Theory]
    // A week: Friday 09:00 → Monday 18:00 holds 2 × 9 h, the weekend adds nothing.
    [InlineData("2026-11-27 09:00", "2026-11-30 18:00", "18:00:00")]
    // Friday 17:00 → Monday 10:00: 1 h + 1 h.
    [InlineData("2026-11-27 17:00", "2026-11-30 10:00", "2:00:00")]
    // Entirely closed (the weekend): zero.
    [InlineData("2026-11-27 18:00", "2026-11-30 09:00", "0:00:00")]
    // Backwards: zero.
    [InlineData("2026-11-30 10:00", "2026-11-27 17:00", "0:00:00")]
    // Over Christmas: Thursday 24 (9 h) + Monday 28 (9 h).
    [InlineData("2026-12-24 00:00", "2026-12-29 00:00", "18:00:00")]
    public void Standard_business_time_between(string from, string to, string expected) =>
        Assert.Equal(ParseDuration(expected), Standard.BusinessTimeBetween(At(from), At(to)));

    [Theory]
    // Lunch break: 12:00 is closed (end exclusive) and the afternoon opens at 14:00.
    [InlineData("2026-11-24 12:00", false, "2026-11-24 14:00+01:00", "2026-11-24 18:00+01:00")]
    [InlineData("2026-11-24 11:59", true, "2026-11-24 11:59+01:00", "2026-11-24 12:00+01:00")]
    [InlineData("2026-11-24 13:59", false, "2026-11-24 14:00+01:00", "2026-11-24 18:00+01:00")]
    [InlineData("2026-11-24 14:00", true, "2026-11-24 14:00+01:00", "2026-11-24 18:00+01:00")]
    public void Lunch_open_next_opening_next_closing(string at, bool open, string nextOpening, string nextClosing)
    {
        Assert.Equal(open, Lunch.IsOpen(At(at)));
        Assert.Equal(nextOpening, Show(Lunch.NextOpening(At(at))));
        Assert.Equal(nextClosing, Show(Lunch.NextClosing(At(at))));
    }

    [Theory]
    // 11:00 + 1 bh runs out at the lunch closing: 12:00.
    [InlineData("2026-11-24 11:00", "1:00:00", "2026-11-24 12:00+01:00")]
    // 11:00 + 2 bh: 1 h before lunch, 1 h after → 15:00.
    [InlineData("2026-11-24 11:00", "2:00:00", "2026-11-24 15:00+01:00")]
    // During lunch: counts from 14:00.
    [InlineData("2026-11-24 12:30", "1:00:00", "2026-11-24 15:00+01:00")]
    // 7 bh = one business day of this calendar: 10:00 → next day 10:00.
    [InlineData("2026-11-24 10:00", "7:00:00", "2026-11-25 10:00+01:00")]
    public void Lunch_add_business_time(string start, string amount, string expected) =>
        Assert.Equal(expected, Show(Lunch.AddBusinessTime(At(start), ParseDuration(amount))));

    [Theory]
    // From the day's opening: ends at the day's close.
    [InlineData("2026-11-24 09:00", 1, "2026-11-24 18:00+01:00")]
    // Within the morning: next day, same time.
    [InlineData("2026-11-24 10:00", 1, "2026-11-25 10:00+01:00")]
    // During lunch: the clock starts at 14:00, 3 h into the day; the next day after 3 h is the end of its morning.
    [InlineData("2026-11-24 12:30", 1, "2026-11-25 12:00+01:00")]
    // 15:00 is 4 h into the day: next day 3 h morning + 1 h afternoon → 15:00.
    [InlineData("2026-11-24 15:00", 1, "2026-11-25 15:00+01:00")]
    // Friday 17:59 → Monday 17:59, as on the standard calendar.
    [InlineData("2026-11-27 17:59", 1, "2026-11-30 17:59+01:00")]
    public void Lunch_add_business_days(string start, int days, string expected) =>
        Assert.Equal(expected, Show(Lunch.AddBusinessDays(At(start), days)));

    [Theory]
    // Christmas Eve is overridden to 09:00–12:00 although it is in the winter closure.
    [InlineData("2026-12-24", DayKind.Override, "Christmas Eve half day", "09:00–12:00")]
    // Christmas: a public holiday (the holiday is checked before the closure).
    [InlineData("2026-12-25", DayKind.Holiday, "christmas", "")]
    // Within the winter closure.
    [InlineData("2026-12-28", DayKind.Closure, "winter closure", "")]
    [InlineData("2026-12-31", DayKind.Closure, "winter closure", "")]
    // The closure's last day is inclusive; the day after it is 1 January (a holiday), then a weekend.
    [InlineData("2027-01-01", DayKind.Holiday, "new-year", "")]
    [InlineData("2027-01-04", DayKind.Regular, null, "09:00–18:00")]
    // An override beats a holiday (8 May) and opens a Saturday.
    [InlineData("2026-05-08", DayKind.Override, "on duty on 8 May", "09:00–13:00")]
    [InlineData("2026-06-13", DayKind.Override, "open Saturday", "10:00–14:00")]
    // An override without hours closes a weekday.
    [InlineData("2026-09-15", DayKind.Override, "team seminar", "")]
    // A regular Saturday: no hours, kind Regular.
    [InlineData("2026-06-20", DayKind.Regular, null, "")]
    // 1 May 2026 is a Friday holiday, untouched.
    [InlineData("2026-05-01", DayKind.Holiday, "labour-day", "")]
    public void Closures_calendar_days(string date, DayKind kind, string? reason, string hours)
    {
        var day = WithClosures.Day(LocalDatePattern(date));

        Assert.Equal(kind, day.Kind);
        Assert.Equal(reason, day.Reason);
        Assert.Equal(hours, string.Join(", ", day.Hours));
        Assert.Equal(hours != "", day.IsOpen);
    }

    [Theory]
    // Wednesday 23 December 17:00 + 1 bd: 8 h into Wednesday, but Thursday 24 has 3 h → its close, 12:00.
    [InlineData("2026-12-23 17:00", "1bd", "2026-12-24 12:00+01:00")]
    // Thursday 24 11:00 + 1 bd: 25 (holiday), 26–27 (weekend), 28–31 (closure), 1 (holiday), 2–3 (weekend) → Monday 4 January 11:00.
    [InlineData("2026-12-24 11:00", "1bd", "2027-01-04 11:00+01:00")]
    // After the half day closes: nothing until 4 January.
    [InlineData("2026-12-24 12:00", "1bh", "2027-01-04 10:00+01:00")]
    // Friday 8 May is worked 09:00–13:00: 12:00 + 2 bh → 1 h that day, 1 h Monday 11 May.
    [InlineData("2026-05-08 12:00", "2bh", "2026-05-11 10:00+02:00")]
    // Friday 12 June 17:00 + 2 bh: 1 h Friday, then the open Saturday from 10:00 → 11:00.
    [InlineData("2026-06-12 17:00", "2bh", "2026-06-13 11:00+02:00")]
    // Monday 14 September 10:00 + 1 bd: the seminar Tuesday is skipped → Wednesday 10:00.
    [InlineData("2026-09-14 10:00", "1bd", "2026-09-16 10:00+02:00")]
    // Thursday 7 May 10:00 + 1 bd: the Friday is open 4 h only, 1 h into it → 10:00.
    [InlineData("2026-05-07 10:00", "1bd", "2026-05-08 10:00+02:00")]
    // Thursday 7 May 14:00 + 1 bd: 5 h into Thursday, Friday has 4 h → its close, 13:00.
    [InlineData("2026-05-07 14:00", "1bd", "2026-05-08 13:00+02:00")]
    public void Closures_calendar_due_times(string start, string target, string expected) =>
        Assert.Equal(expected, Show(SlaTarget.Parse(target, "t").Value.DueFrom(WithClosures, At(start))));

    [Fact]
    public void Adjacent_intervals_keep_the_clock_running_across_their_boundary()
    {
        var calendar = BusinessCalendar.Create("Europe/Paris", [(IsoDayOfWeek.Monday, H(9, 12)), (IsoDayOfWeek.Monday, H(12, 18))]).Value!;

        Assert.True(calendar.IsOpen(At("2026-11-23 12:00")));
        Assert.Equal("2026-11-23 12:00+01:00", Show(calendar.NextOpening(At("2026-11-23 12:00"))));
        Assert.Equal(Hours(9), calendar.BusinessTimeBetween(At("2026-11-23 00:00"), At("2026-11-24 00:00")));
        // Only Monday is open: Monday 10:00 + 1 bd → the next Monday 10:00.
        Assert.Equal("2026-11-30 10:00+01:00", Show(calendar.AddBusinessDays(At("2026-11-23 10:00"), 1)));
        Assert.Equal("2026-11-23 18:00+01:00", Show(calendar.AddBusinessDays(At("2026-11-23 09:00"), 1)));
    }

    [Fact]
    public void Negative_amounts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Standard.AddBusinessTime(At("2026-11-24 10:00"), Duration.FromMinutes(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Standard.AddBusinessDays(At("2026-11-24 10:00"), -1));
    }

    [Fact]
    public void Create_accepts_a_padded_zone_and_unsorted_intervals()
    {
        var result = BusinessCalendar.Create(" Europe/Paris ", [(IsoDayOfWeek.Tuesday, H(14, 18)), (IsoDayOfWeek.Tuesday, H(9, 12))]);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal("Europe/Paris", result.Value!.Zone.Id);
        Assert.Equal("09:00–12:00, 14:00–18:00", string.Join(", ", result.Value.WeeklyHours[IsoDayOfWeek.Tuesday]));
        Assert.False(result.Value.WeeklyHours.ContainsKey(IsoDayOfWeek.Monday));
    }

    public static TheoryData<string, string, string> CreateErrors => new()
    {
        // Unknown or missing zone → timeZone.
        { "Europe/Pariss", "Monday 09-18", "timeZone" },
        { "", "Monday 09-18", "timeZone" },
        { "UTC+1", "Monday 09-18", "timeZone" },
        // Overlapping intervals on one day → hours:<day>.
        { "Europe/Paris", "Monday 09-12, Monday 11-18", "hours:Monday" },
        // End before start, and an empty interval (end = start) → hours:<day>.
        { "Europe/Paris", "Wednesday 18-09", "hours:Wednesday" },
        { "Europe/Paris", "Friday 09-09", "hours:Friday" },
        // No opening hours at all → hours.
        { "Europe/Paris", "", "hours" },
        // The same date overridden twice → overrides.
        { "Europe/Paris", "Monday 09-18; override 2026-12-24 09-12; override 2026-12-24 10-11", "overrides" },
        // An override's own intervals are checked → overrides:<date>.
        { "Europe/Paris", "Monday 09-18; override 2026-12-24 12-09", "overrides:2026-12-24" },
        // A closure that ends before it starts → closures.
        { "Europe/Paris", "Monday 09-18; closure 2026-12-31 2026-12-24", "closures" },
    };

    [Theory]
    [MemberData(nameof(CreateErrors))]
    public void Create_refuses_and_names_the_field(string zone, string spec, string field)
    {
        var (weekly, closures, overrides) = ParseSpec(spec);

        var result = BusinessCalendar.Create(zone, weekly, FrenchHolidays.For, closures, overrides);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains(field, result.Error.Fields!.Keys);
        Assert.Single(result.Error.Fields);
        Assert.All(result.Error.Fields[field], m => Assert.False(string.IsNullOrWhiteSpace(m)));
    }

    [Fact]
    public void Create_reports_every_error_at_once()
    {
        var result = BusinessCalendar.Create("Mars/Olympus", [(IsoDayOfWeek.Monday, H(18, 9))], null,
            [new Closure(new LocalDate(2026, 2, 2), new LocalDate(2026, 2, 1), "oops")],
            [new DayOverride(new LocalDate(2026, 1, 2), [], "a"), new DayOverride(new LocalDate(2026, 1, 2), [], "b")]);

        Assert.Equal(["closures", "hours:Monday", "overrides", "timeZone"], result.Error!.Fields!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Mars/Olympus", result.Error.Fields["timeZone"][0], StringComparison.Ordinal);
        Assert.Contains("2026-01-02", result.Error.Fields["overrides"][0], StringComparison.Ordinal);
    }

    private static LocalDate LocalDatePattern(string text) => NodaTime.Text.LocalDatePattern.Iso.Parse(text).GetValueOrThrow();

    /// <summary>"Monday 09-12, Monday 14-18; override 2026-12-24 09-12; closure 2026-12-24 2026-12-31".</summary>
    private static (List<(IsoDayOfWeek, OpeningHours)>, List<Closure>, List<DayOverride>) ParseSpec(string spec)
    {
        var weekly = new List<(IsoDayOfWeek, OpeningHours)>();
        var closures = new List<Closure>();
        var overrides = new List<DayOverride>();
        foreach (var part in spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split(' ');
            if (words[0] == "override")
            {
                overrides.Add(new DayOverride(LocalDatePattern(words[1]), [Range(words[2])], "test"));
            }
            else if (words[0] == "closure")
            {
                closures.Add(new Closure(LocalDatePattern(words[1]), LocalDatePattern(words[2]), "test"));
            }
            else
            {
                foreach (var item in part.Split(',', StringSplitOptions.TrimEntries))
                {
                    var dayAndRange = item.Split(' ');
                    weekly.Add((Enum.Parse<IsoDayOfWeek>(dayAndRange[0]), Range(dayAndRange[1])));
                }
            }
        }
        return (weekly, closures, overrides);

        static OpeningHours Range(string text)
        {
            var bounds = text.Split('-');
            return H(int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
