using NodaTime;
using NodaTime.Text;
using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

/// <summary>French public holidays (Code du travail, L3133-1) and their effect on the team's calendar.</summary>
public class FrenchHolidaysTests
{
    private static LocalDate D(string text) => LocalDatePattern.Iso.Parse(text).GetValueOrThrow();

    [Theory]
    // Published Easter Sunday dates; Easter Monday = +1, Ascension = +39 (a Thursday), Whit Monday = +50.
    [InlineData(2024, "2024-03-31", "2024-04-01", "2024-05-09", "2024-05-20")]
    [InlineData(2025, "2025-04-20", "2025-04-21", "2025-05-29", "2025-06-09")]
    [InlineData(2026, "2026-04-05", "2026-04-06", "2026-05-14", "2026-05-25")]
    [InlineData(2027, "2027-03-28", "2027-03-29", "2027-05-06", "2027-05-17")]
    [InlineData(2038, "2038-04-25", "2038-04-26", "2038-06-03", "2038-06-14")]
    // Older and extreme years: 2000, 2019, the latest possible Easter (25 April, 1943) and the earliest (22 March, 2285).
    [InlineData(2000, "2000-04-23", "2000-04-24", "2000-06-01", "2000-06-12")]
    [InlineData(2019, "2019-04-21", "2019-04-22", "2019-05-30", "2019-06-10")]
    [InlineData(1943, "1943-04-25", "1943-04-26", "1943-06-03", "1943-06-14")]
    [InlineData(2285, "2285-03-22", "2285-03-23", "2285-04-30", "2285-05-11")]
    public void Easter_and_the_holidays_that_follow_it(int year, string easter, string easterMonday, string ascension, string whitMonday)
    {
        Assert.Equal(D(easter), FrenchHolidays.EasterSunday(year));
        Assert.Equal(IsoDayOfWeek.Sunday, FrenchHolidays.EasterSunday(year).DayOfWeek);
        var holidays = FrenchHolidays.For(year).ToDictionary(h => h.Key, h => h.Date);
        Assert.Equal(D(easterMonday), holidays["easter-monday"]);
        Assert.Equal(D(ascension), holidays["ascension"]);
        Assert.Equal(D(whitMonday), holidays["whit-monday"]);
        Assert.Equal(IsoDayOfWeek.Thursday, holidays["ascension"].DayOfWeek);
        foreach (var key in new[] { "easter-monday", "ascension", "whit-monday" })
        {
            var day = Standard.Day(holidays[key]);
            Assert.Equal((DayKind.Holiday, key), (day.Kind, day.Reason));
            Assert.False(day.IsOpen);
        }
    }

    [Fact]
    public void Easter_agrees_with_an_independent_computus_for_every_gregorian_year()
    {
        // Oudin's algorithm (1940), as given by the US Naval Observatory, written independently of the
        // Meeus/Jones/Butcher one under test; Easter is always a Sunday from 22 March to 25 April.
        for (var year = 1583; year <= 4099; year++)
        {
            var c = year / 100;
            var n = year - (19 * (year / 19));
            var k = (c - 17) / 25;
            var i = c - (c / 4) - ((c - k) / 3) + (19 * n) + 15;
            i -= 30 * (i / 30);
            i -= (i / 28) * (1 - ((i / 28) * (29 / (i + 1)) * ((21 - n) / 11)));
            var j = year + (year / 4) + i + 2 - c + (c / 4);
            j -= 7 * (j / 7);
            var l = i - j;
            var month = 3 + ((l + 40) / 44);
            var day = l + 28 - (31 * (month / 4));

            var easter = FrenchHolidays.EasterSunday(year);
            Assert.Equal(new LocalDate(year, month, day), easter);
            Assert.Equal(IsoDayOfWeek.Sunday, easter.DayOfWeek);
            Assert.InRange(easter, new LocalDate(year, 3, 22), new LocalDate(year, 4, 25));
        }
    }

    [Fact]
    public void Eleven_holidays_a_year_with_stable_keys()
    {
        var holidays = FrenchHolidays.For(2026);

        Assert.Equal(
            ["new-year", "easter-monday", "labour-day", "victory-1945", "ascension", "whit-monday", "bastille-day", "assumption", "all-saints", "armistice", "christmas"],
            holidays.Select(h => h.Key));
        Assert.All(holidays, h => Assert.Equal(2026, h.Date.Year));
        // Good Friday and 26 December (Alsace-Moselle) are not national.
        Assert.DoesNotContain(holidays, h => h.Date == new LocalDate(2026, 4, 3) || h.Date == new LocalDate(2026, 12, 26));
    }

    [Fact]
    public void Ascension_on_labour_day_counts_once()
    {
        // 2008: Easter 23 March, Ascension = 1 May. Eleven holidays, ten dates; the day shows the first key.
        Assert.Equal(D("2008-03-23"), FrenchHolidays.EasterSunday(2008));
        Assert.Equal(11, FrenchHolidays.For(2008).Count);
        Assert.Equal(10, Standard.HolidaysOf(2008).Count);
        Assert.Equal("labour-day", Standard.Day(D("2008-05-01")).Reason);
        // Wednesday 30 April 2008 10:00 + 1 bd → Friday 2 May 10:00.
        Assert.Equal("2008-05-02 10:00+02:00", Show(Standard.AddBusinessDays(At("2008-04-30 10:00"), 1)));
    }

    [Theory]
    // The Friday before Easter Monday at 17:00 (8 h into the day) + 1 bd: the weekend and Easter Monday are
    // skipped → Tuesday 17:00. (Good Friday is a business day.)
    [InlineData("2024-03-29 17:00", "2024-04-02 17:00+02:00")]
    [InlineData("2025-04-18 17:00", "2025-04-22 17:00+02:00")]
    [InlineData("2026-04-03 17:00", "2026-04-07 17:00+02:00")]
    // 2027: Easter is also the DST Sunday: Friday is +01:00, Tuesday +02:00, still 17:00 local.
    [InlineData("2027-03-26 17:00", "2027-03-30 17:00+02:00")]
    [InlineData("2038-04-23 17:00", "2038-04-27 17:00+02:00")]
    // The same before Whit Monday.
    [InlineData("2024-05-17 17:00", "2024-05-21 17:00+02:00")]
    [InlineData("2026-05-22 17:00", "2026-05-26 17:00+02:00")]
    [InlineData("2038-06-11 17:00", "2038-06-15 17:00+02:00")]
    // The Wednesday before Ascension → Friday.
    [InlineData("2025-05-28 17:00", "2025-05-30 17:00+02:00")]
    [InlineData("2027-05-05 17:00", "2027-05-07 17:00+02:00")]
    [InlineData("2038-06-02 17:00", "2038-06-04 17:00+02:00")]
    public void A_report_before_a_moving_holiday_skips_it(string reportedAt, string due) =>
        Assert.Equal(due, Show(Standard.AddBusinessDays(At(reportedAt), 1)));

    [Theory]
    // Fixed holidays on weekdays: closed, so the evening before + 1 bd lands on the next business day.
    [InlineData("2026-01-01", "new-year", "2025-12-31 17:00", "2026-01-02 17:00+01:00")]        // Thursday → Friday
    [InlineData("2026-05-01", "labour-day", "2026-04-30 17:00", "2026-05-04 17:00+02:00")]      // Friday → Monday
    [InlineData("2026-05-08", "victory-1945", "2026-05-07 17:00", "2026-05-11 17:00+02:00")]    // Friday → Monday
    [InlineData("2026-07-14", "bastille-day", "2026-07-13 17:00", "2026-07-15 17:00+02:00")]    // Tuesday → Wednesday
    [InlineData("2026-11-11", "armistice", "2026-11-10 17:00", "2026-11-12 17:00+01:00")]       // Wednesday → Thursday
    [InlineData("2026-12-25", "christmas", "2026-12-24 17:00", "2026-12-28 17:00+01:00")]       // Friday → Monday
    [InlineData("2027-01-01", "new-year", "2026-12-31 17:00", "2027-01-04 17:00+01:00")]        // Friday → Monday
    [InlineData("2027-07-14", "bastille-day", "2027-07-13 17:00", "2027-07-15 17:00+02:00")]    // Wednesday → Thursday
    [InlineData("2027-11-01", "all-saints", "2027-10-29 17:00", "2027-11-02 17:00+01:00")]      // Monday (and DST weekend) → Tuesday
    [InlineData("2027-11-11", "armistice", "2027-11-10 17:00", "2027-11-12 17:00+01:00")]       // Thursday → Friday
    [InlineData("2028-05-01", "labour-day", "2028-04-28 17:00", "2028-05-02 17:00+02:00")]      // Monday → Tuesday
    [InlineData("2028-05-08", "victory-1945", "2028-05-05 17:00", "2028-05-09 17:00+02:00")]    // Monday → Tuesday
    [InlineData("2028-07-14", "bastille-day", "2028-07-13 17:00", "2028-07-17 17:00+02:00")]    // Friday → Monday
    [InlineData("2028-08-15", "assumption", "2028-08-14 17:00", "2028-08-16 17:00+02:00")]      // Tuesday → Wednesday
    [InlineData("2028-11-01", "all-saints", "2028-10-31 17:00", "2028-11-02 17:00+01:00")]      // Wednesday → Thursday
    [InlineData("2028-12-25", "christmas", "2028-12-22 17:00", "2028-12-26 17:00+01:00")]       // Monday → Tuesday (26 Dec is not national)
    public void Fixed_holidays_on_weekdays_are_closed_and_skipped(string date, string key, string reportedAt, string due)
    {
        var day = Standard.Day(D(date));
        Assert.Equal((DayKind.Holiday, key, false), (day.Kind, day.Reason, day.IsOpen));
        Assert.False(Standard.IsOpen(At(date + " 10:00")));
        Assert.Equal(Duration.Zero, Standard.BusinessTimeBetween(At(date + " 00:00"), D(date).PlusDays(1).AtMidnight().InZoneStrictly(Paris).ToInstant()));
        Assert.Equal(due, Show(Standard.AddBusinessDays(At(reportedAt), 1)));
    }

    [Theory]
    // Fixed holidays on a weekend: nothing changes (France has no substitute day): Friday 17:00 + 1 bd → Monday 17:00,
    // and both the Friday and the Monday are regular 9 h days.
    [InlineData("2026-08-15", "assumption", "2026-08-14", "2026-08-17")]   // Saturday
    [InlineData("2026-11-01", "all-saints", "2026-10-30", "2026-11-02")]   // Sunday
    [InlineData("2027-05-01", "labour-day", "2027-04-30", "2027-05-03")]   // Saturday
    [InlineData("2027-05-08", "victory-1945", "2027-05-07", "2027-05-10")] // Saturday
    [InlineData("2027-08-15", "assumption", "2027-08-13", "2027-08-16")]   // Sunday
    [InlineData("2027-12-25", "christmas", "2027-12-24", "2027-12-27")]    // Saturday
    [InlineData("2028-01-01", "new-year", "2027-12-31", "2028-01-03")]     // Saturday
    [InlineData("2028-11-11", "armistice", "2028-11-10", "2028-11-13")]    // Saturday
    public void Fixed_holidays_on_weekends_change_nothing(string date, string key, string friday, string monday)
    {
        Assert.Equal((DayKind.Holiday, key), (Standard.Day(D(date)).Kind, Standard.Day(D(date)).Reason));
        Assert.Equal((DayKind.Regular, 9.0), (Standard.Day(D(friday)).Kind, Standard.Day(D(friday)).Length.TotalHours));
        Assert.Equal((DayKind.Regular, 9.0), (Standard.Day(D(monday)).Kind, Standard.Day(D(monday)).Length.TotalHours));
        var mondayOffset = At(monday + " 17:00").InZone(Paris).Offset;
        Assert.Equal(monday + " 17:00" + (mondayOffset == Offset.FromHours(1) ? "+01:00" : "+02:00"),
            Show(Standard.AddBusinessDays(At(friday + " 17:00"), 1)));
        Assert.Equal(Hours(18), Standard.BusinessTimeBetween(At(friday + " 09:00"), At(monday + " 18:00")));
    }
}
