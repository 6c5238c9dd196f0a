using CsCheck;
using NodaTime;
using Vigie.Core.Sla;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// Business time over long spans (a clock late for years, a year of metrics) is counted with per-month
/// totals; it must equal walking every day's intervals one by one.
/// </summary>
public sealed class LongSpanTests
{
    private static Duration Naive(BusinessCalendar calendar, Instant from, Instant to)
    {
        var total = Duration.Zero;
        for (var day = from.InZone(calendar.Zone).Date; day <= to.InZone(calendar.Zone).Date; day = day.PlusDays(1))
        {
            foreach (var interval in calendar.Intervals(day))
            {
                var start = interval.Start < from ? from : interval.Start;
                var end = interval.End > to ? to : interval.End;
                if (end > start)
                {
                    total += end - start;
                }
            }
        }
        return total;
    }

    public static TheoryData<string> Names => new() { "standard", "lunch", "closures" };

    private static BusinessCalendar Of(string name) => name switch
    {
        "standard" => Calendars.Standard,
        "lunch" => Calendars.Lunch,
        _ => Calendars.WithClosures,
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Month_totals_give_the_same_business_time_as_walking_every_day(string name)
    {
        var calendar = Of(name);
        var instant = Gen.Long[Instant.FromUtc(2024, 1, 1, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(2029, 1, 1, 0, 0).ToUnixTimeSeconds()]
            .Select(Instant.FromUnixTimeSeconds);
        Gen.Select(instant, Gen.Int[0, 5 * 366 * 24]).Sample((from, hours) =>
        {
            var to = from + Duration.FromHours(hours);
            Assert.Equal(Naive(calendar, from, to), calendar.BusinessTimeBetween(from, to));
        }, iter: 300);
    }

    [Fact]
    public void Ten_years_late_is_counted_exactly()
    {
        var from = Instant.FromUtc(2016, 1, 4, 17, 0); // Monday 18:00 in Paris: the close
        var to = Instant.FromUtc(2026, 1, 5, 8, 0); // Monday 09:00 in Paris: the opening
        Assert.Equal(Naive(Calendars.Standard, from, to), Calendars.Standard.BusinessTimeBetween(from, to));
        // 2016–2025: 2,610 weekdays minus the weekday holidays, 9 h each.
        Assert.Equal(0, Calendars.Standard.BusinessTimeBetween(from, to).TotalHours % 9);
    }
}
