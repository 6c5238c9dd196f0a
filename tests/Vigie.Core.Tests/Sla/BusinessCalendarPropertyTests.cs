using CsCheck;
using NodaTime;
using NodaTime.TimeZones;
using Vigie.Core.Sla;
using static Vigie.Core.Tests.Sla.Calendars;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// Properties of <see cref="BusinessCalendar"/> on the three test calendars, over instants from 2000 to 2060
/// (biased towards opening and closing times, the lunch break, DST weekends and the 2026–2027 overrides)
/// and durations up to 200 business hours.
/// </summary>
public class BusinessCalendarPropertyTests
{
    private const int Iterations = 3000;

    /// <summary>A calendar with a name, so that CsCheck prints which one failed.</summary>
    public sealed record Cal(string Name, BusinessCalendar Calendar)
    {
        public override string ToString() => Name;
    }

    private static readonly Gen<Cal> AnyCalendar = Gen.OneOf(
        new Cal("standard", Standard), new Cal("lunch", Lunch), new Cal("closures", WithClosures));

    private static readonly LocalDate First = new(2000, 1, 1);
    private static readonly int DaysInRange = Period.Between(First, new LocalDate(2060, 12, 31), PeriodUnits.Days).Days;

    /// <summary>The last Sundays of March and October, 2000–2060.</summary>
    private static readonly LocalDate[] DstChanges = Enumerable.Range(2000, 61)
        .SelectMany(y => new[] { LastSunday(y, 3), LastSunday(y, 10) }).ToArray();

    private static readonly LocalTime[] Notable = [.. new[]
    {
        (0, 0), (1, 0), (2, 0), (2, 30), (3, 0), (4, 0), (8, 59), (9, 0), (9, 1), (10, 0), (11, 59), (12, 0), (12, 30),
        (13, 0), (13, 59), (14, 0), (14, 1), (17, 59), (18, 0), (18, 1), (23, 59),
    }.Select(t => new LocalTime(t.Item1, t.Item2))];

    private static readonly Gen<LocalDate> Date = Gen.Frequency(
        (4, Gen.Int[0, DaysInRange].Select(d => First.PlusDays(d))),
        // The closures calendar's overrides and closures are in 2026 and 2027.
        (2, Gen.Int[0, 729].Select(d => new LocalDate(2026, 1, 1).PlusDays(d))),
        // The weekend of a DST change.
        (1, Gen.Select(Gen.Int[0, DstChanges.Length - 1], Gen.Int[-3, 2], (i, offset) => DstChanges[i].PlusDays(offset))),
        // The DST nights the closures calendar is open.
        (1, Gen.Select(Gen.Int[0, DstSundays.Length - 1], Gen.Int[-1, 1], (i, offset) => DstSundays[i].PlusDays(offset))));

    private static readonly Gen<LocalTime> Time = Gen.Frequency(
        (2, Gen.Int[0, Notable.Length - 1].Select(i => Notable[i])),
        (2, Gen.Int[0, (24 * 60) - 1].Select(m => LocalTime.FromMinutesSinceMidnight(m))),
        (1, Gen.Long[0, NodaConstants.TicksPerDay - 1].Select(LocalTime.FromTicksSinceMidnight)));

    /// <summary>Paris local date and time; a repeated time takes either occurrence, a skipped one is shifted forward.</summary>
    private static readonly Gen<Instant> AnInstant = Gen.Select(Date, Time, Gen.Bool, (date, time, earlier) =>
        Paris.ResolveLocal(date.At(time), Resolvers.CreateMappingResolver(
            earlier ? Resolvers.ReturnEarlier : Resolvers.ReturnLater, Resolvers.ReturnForwardShifted)).ToInstant());

    /// <summary>0–200 business hours, as whole hours, minutes or ticks.</summary>
    private static readonly Gen<Duration> Amount = Gen.Frequency(
        (2, Gen.Int[0, 200].Select(h => Duration.FromHours(h))),
        (2, Gen.Int[0, 200 * 60].Select(m => Duration.FromMinutes(m))),
        (1, Gen.Long[0, 200 * NodaConstants.TicksPerHour].Select(Duration.FromTicks)));

    /// <summary>A gap between two instants: none, seconds, hours or up to 40 days.</summary>
    private static readonly Gen<Duration> Gap = Gen.Frequency(
        (1, Gen.Const(Duration.Zero)),
        (2, Gen.Long[1, 120].Select(Duration.FromSeconds)),
        (2, Gen.Long[1, 48 * 60].Select(Duration.FromMinutes)),
        (2, Gen.Long[1, 40L * NodaConstants.TicksPerDay].Select(Duration.FromTicks)));

    private static readonly Gen<int> Days = Gen.Int[0, 25];

    [Fact]
    public void Adding_business_time_then_measuring_it_gives_it_back()
    {
        Gen.Select(AnyCalendar, AnInstant, Amount).Sample((cal, start, amount) =>
        {
            var due = cal.Calendar.AddBusinessTime(start, amount);
            Assert.True(due >= start);
            Assert.Equal(amount, cal.Calendar.BusinessTimeBetween(start, due));
        }, iter: Iterations);
    }

    [Fact]
    public void Adding_business_time_is_monotonic_in_the_start_and_the_amount()
    {
        Gen.Select(AnyCalendar, AnInstant, Gap, Amount, Amount).Sample((cal, a, gap, d1, d2) =>
        {
            var c = cal.Calendar;
            var b = a + gap;
            Assert.True(c.AddBusinessTime(a, d1) <= c.AddBusinessTime(b, d1), $"start {a} <= {b} but due {c.AddBusinessTime(a, d1)} > {c.AddBusinessTime(b, d1)}");
            var (small, large) = d1 <= d2 ? (d1, d2) : (d2, d1);
            Assert.True(c.AddBusinessTime(a, small) <= c.AddBusinessTime(a, large));
        }, iter: Iterations);
    }

    [Fact]
    public void Adding_business_days_is_monotonic_in_the_start_and_the_count()
    {
        Gen.Select(AnyCalendar, AnInstant, Gap, Days).Sample((cal, a, gap, n) =>
        {
            var c = cal.Calendar;
            var b = a + gap;
            Assert.True(c.AddBusinessDays(a, n) <= c.AddBusinessDays(b, n), $"start {a} <= {b} but due {c.AddBusinessDays(a, n)} > {c.AddBusinessDays(b, n)}");
            Assert.True(c.AddBusinessDays(a, n) < c.AddBusinessDays(a, n + 1));
        }, iter: Iterations);
    }

    [Fact]
    public void Adding_in_two_steps_is_adding_the_sum()
    {
        // Only for a second step > 0: adding zero from a closing gives the next opening, not the closing.
        Gen.Select(AnyCalendar, AnInstant, Amount, Amount).Sample((cal, start, d1, d2) =>
        {
            var c = cal.Calendar;
            if (d2 > Duration.Zero)
            {
                Assert.Equal(c.AddBusinessTime(start, d1 + d2), c.AddBusinessTime(c.AddBusinessTime(start, d1), d2));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Business_time_between_is_additive()
    {
        Gen.Select(AnyCalendar, AnInstant, Gap, Gap).Sample((cal, a, x, y) =>
        {
            var c = cal.Calendar;
            var (b, end) = (a + x, a + x + y);
            Assert.Equal(c.BusinessTimeBetween(a, end), c.BusinessTimeBetween(a, b) + c.BusinessTimeBetween(b, end));
            Assert.True(c.BusinessTimeBetween(a, end) <= end - a);
        }, iter: Iterations);
    }

    [Fact]
    public void A_due_time_is_open_or_exactly_a_closing()
    {
        Gen.Select(AnyCalendar, AnInstant, Amount).Sample((cal, start, amount) =>
        {
            var c = cal.Calendar;
            var due = c.AddBusinessTime(start, amount);
            if (amount == Duration.Zero)
            {
                Assert.Equal(c.NextOpening(start), due);
            }
            else
            {
                // Open at due, or open just before it (due is the end of an opening).
                Assert.True(c.IsOpen(due) || c.IsOpen(due - Duration.Epsilon), $"due {due} is neither open nor a closing");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Next_opening_is_open_and_nothing_is_open_before_it()
    {
        Gen.Select(AnyCalendar, AnInstant).Sample((cal, x) =>
        {
            var c = cal.Calendar;
            var opening = c.NextOpening(x);
            var closing = c.NextClosing(x);
            Assert.True(opening >= x);
            Assert.True(c.IsOpen(opening));
            Assert.Equal(c.IsOpen(x), opening == x);
            if (opening > x)
            {
                Assert.False(c.IsOpen(opening - Duration.Epsilon));
                Assert.Equal(Duration.Zero, c.BusinessTimeBetween(x, opening));
            }
            // The opening runs without a break until the closing, which is closed (no adjacent intervals here).
            Assert.True(closing > opening);
            Assert.False(c.IsOpen(closing));
            Assert.True(c.IsOpen(closing - Duration.Epsilon));
            Assert.Equal(closing - opening, c.BusinessTimeBetween(opening, closing));
        }, iter: Iterations);
    }

    /// <summary>
    /// The doc comment of AddBusinessDays: the clock starts at the next opening; from a day's opening it ends at
    /// the close of the n-th business day counting that one, otherwise on the n-th following business day after
    /// the same business time into it. Every open day of the standard calendar has 9 h (DST changes fall on a
    /// closed Sunday), so the business time from the clock start to the due time is exactly n × 9 h in both
    /// cases (the part of the first day left plus the part of the last day used make one day), and the due
    /// time is 18:00 after an opening at 09:00, the same local time of day otherwise.
    /// </summary>
    [Fact]
    public void Business_days_on_the_standard_calendar_are_nine_hours_each()
    {
        Gen.Select(AnInstant, Days).Sample((start, n) =>
            CheckUniformDays(Standard, start, n, Duration.FromHours(9), t => t == new LocalTime(9, 0) ? new LocalTime(18, 0) : t),
            iter: Iterations);
    }

    /// <summary>
    /// The same on the lunch-break calendar (7 h a day): an afternoon start at 14:00 is 3 h into the day, so the
    /// due time is 3 h into the target day, the end of its morning (12:00).
    /// </summary>
    [Fact]
    public void Business_days_on_the_lunch_calendar_are_seven_hours_each()
    {
        Gen.Select(AnInstant, Days).Sample((start, n) =>
            CheckUniformDays(Lunch, start, n, Duration.FromHours(7), t =>
                t == new LocalTime(9, 0) ? new LocalTime(18, 0) : t == new LocalTime(14, 0) ? new LocalTime(12, 0) : t),
            iter: Iterations);
    }

    private static void CheckUniformDays(BusinessCalendar c, Instant start, int n, Duration day, Func<LocalTime, LocalTime> endTimeOfDay)
    {
        var clockStart = c.NextOpening(start);
        var due = c.AddBusinessDays(start, n);
        Assert.Equal(day * n, c.BusinessTimeBetween(clockStart, due));
        if (n == 0)
        {
            Assert.Equal(clockStart, due);
            return;
        }
        var from = clockStart.InZone(c.Zone);
        var to = due.InZone(c.Zone);
        Assert.Equal(endTimeOfDay(from.TimeOfDay), to.TimeOfDay);
        // The due date is the n-th open day counting the start's day (from an opening) or the n-th after it.
        var atOpening = from.TimeOfDay == new LocalTime(9, 0);
        Assert.Equal(atOpening ? n : n + 1, OpenDays(c, from.Date, to.Date));
    }

    /// <summary>
    /// On the closures calendar days differ (a 3 h Christmas Eve, a 4 h 8 May, a 2 h or 4 h DST night, the
    /// seminar day closed), so the rule is checked as written: with t the business time into the start day
    /// and L(d) the length of an open day D0 (the start's), D1, …: from an opening (t = 0) the due time is
    /// the close of D(n−1) and L(D0) + … + L(D(n−1)) elapses; otherwise it is min(t, L(Dn)) into Dn and
    /// (L(D0) − t) + L(D1) + … + L(D(n−1)) + min(t, L(Dn)) elapses. With equal days both are n × L.
    /// </summary>
    [Fact]
    public void Business_days_on_the_closures_calendar_follow_the_rule()
    {
        Gen.Select(AnInstant, Days).Sample((start, n) =>
        {
            var c = WithClosures;
            var clockStart = c.NextOpening(start);
            var due = c.AddBusinessDays(start, n);
            if (n == 0)
            {
                Assert.Equal(clockStart, due);
                return;
            }
            var openDays = new List<(LocalDate Date, Duration Length, Instant Open, Instant Close)>();
            for (var d = clockStart.InZone(c.Zone).Date; openDays.Count <= n; d = d.PlusDays(1))
            {
                var intervals = c.Intervals(d).ToList();
                if (intervals.Count > 0)
                {
                    openDays.Add((d, intervals.Aggregate(Duration.Zero, (sum, i) => sum + i.Duration), intervals[0].Start, intervals[^1].End));
                }
            }
            var into = c.BusinessTimeBetween(openDays[0].Open, clockStart);
            var (expectedDate, expectedElapsed) = into == Duration.Zero
                ? (openDays[n - 1].Date, openDays.Take(n).Aggregate(Duration.Zero, (sum, d) => sum + d.Length))
                : (openDays[n].Date, openDays[0].Length - into + openDays.Skip(1).Take(n - 1).Aggregate(Duration.Zero, (sum, d) => sum + d.Length)
                    + Duration.Min(into, openDays[n].Length));
            Assert.Equal(expectedDate, due.InZone(c.Zone).Date);
            Assert.Equal(expectedElapsed, c.BusinessTimeBetween(clockStart, due));
            Assert.True(c.IsOpen(due) || c.IsOpen(due - Duration.Epsilon));
        }, iter: Iterations);
    }

    private static int OpenDays(BusinessCalendar c, LocalDate from, LocalDate to)
    {
        var count = 0;
        for (var d = from; d <= to; d = d.PlusDays(1))
        {
            count += c.Intervals(d).Any() ? 1 : 0;
        }
        return count;
    }

    private static LocalDate LastSunday(int year, int month) =>
        DateAdjusters.PreviousOrSame(IsoDayOfWeek.Sunday)(DateAdjusters.EndOfMonth(new LocalDate(year, month, 1)));
}
