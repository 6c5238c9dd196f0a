using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Vigie.Core.Sla;

namespace Vigie.Core.Tests.Sla;

/// <summary>
/// The calendars the SLA tests run on, and a compact way to write Paris instants in example tables:
/// <c>"2026-11-27 17:59"</c> (Paris local time, must be unambiguous) or <c>"2026-10-25 02:30+01:00"</c>
/// (explicit offset, for the repeated hour). <see cref="Show(Instant)"/> prints an instant the same way, with its
/// offset, so a failing row shows which side of a DST change it landed on.
/// </summary>
internal static class Calendars
{
    public static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    public static OpeningHours H(int startHour, int endHour) => new(new LocalTime(startHour, 0), new LocalTime(endHour, 0));

    /// <summary>The team's calendar: Europe/Paris, Monday–Friday 09:00–18:00, French public holidays.</summary>
    public static readonly BusinessCalendar Standard =
        Build(BusinessCalendar.Create("Europe/Paris", Weekdays.Select(d => (d, H(9, 18))), FrenchHolidays.For));

    /// <summary>The same with a lunch break: 09:00–12:00 and 14:00–18:00 (7 business hours a day).</summary>
    public static readonly BusinessCalendar Lunch =
        Build(BusinessCalendar.Create("Europe/Paris", Weekdays.SelectMany(d => new[] { (d, H(9, 12)), (d, H(14, 18)) }), FrenchHolidays.For));

    /// <summary>The DST Sundays on which <see cref="WithClosures"/> is open 01:00–04:00 local.</summary>
    public static readonly LocalDate[] DstSundays =
        [new(2026, 3, 29), new(2026, 10, 25), new(2027, 3, 28), new(2027, 10, 31)];

    /// <summary>
    /// The standard week with closures and overrides: a winter closure 24–31 December 2026 whose first day
    /// is overridden to a half day (09:00–12:00), an open Saturday (13 June 2026, 10:00–14:00), 8 May 2026
    /// (a holiday, a Friday) worked 09:00–13:00, a team seminar closing Tuesday 15 September 2026 (override
    /// without hours), and the DST Sundays open 01:00–04:00.
    /// </summary>
    public static readonly BusinessCalendar WithClosures = Build(BusinessCalendar.Create("Europe/Paris",
        Weekdays.Select(d => (d, H(9, 18))), FrenchHolidays.For,
        [new Closure(new LocalDate(2026, 12, 24), new LocalDate(2026, 12, 31), "winter closure")],
        [
            new DayOverride(new LocalDate(2026, 12, 24), [H(9, 12)], "Christmas Eve half day"),
            new DayOverride(new LocalDate(2026, 6, 13), [H(10, 14)], "open Saturday"),
            new DayOverride(new LocalDate(2026, 5, 8), [H(9, 13)], "on duty on 8 May"),
            new DayOverride(new LocalDate(2026, 9, 15), [], "team seminar"),
            .. DstSundays.Select(d => new DayOverride(d, [H(1, 4)], "DST night shift")),
        ]));

    public static readonly DateTimeZone Paris = DateTimeZoneProviders.Tzdb["Europe/Paris"];

    private static readonly LocalDateTimePattern s_local = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm");
    private static readonly OffsetDateTimePattern s_offset = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mmo<+HH:mm>");
    private static readonly OffsetDateTimePattern s_offsetSeconds = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm':'ss.FFFFFFFFFo<+HH:mm>");

    private static readonly DurationPattern s_duration = DurationPattern.CreateWithInvariantCulture("-H:mm:ss");

    private static BusinessCalendar Build(Result<BusinessCalendar> result) =>
        result.Value ?? throw new InvalidOperationException("Test calendar refused: " + result.Error);

    /// <summary>An instant written as Paris local time (strict: no skipped or repeated time) or with an explicit offset.</summary>
    public static Instant At(string text) => text.Length > 16
        ? s_offset.Parse(text).GetValueOrThrow().ToInstant()
        : Paris.AtStrictly(s_local.Parse(text).GetValueOrThrow()).ToInstant();

    /// <summary>An instant as Paris local time with its offset ("2026-03-30 09:00+02:00"); seconds only when not whole minutes.</summary>
    public static string Show(Instant instant)
    {
        var local = instant.InZone(Paris).ToOffsetDateTime();
        return local.Second == 0 && local.NanosecondOfSecond == 0 ? s_offset.Format(local) : s_offsetSeconds.Format(local);
    }

    public static Duration Hours(double hours) => Duration.FromSeconds(Math.Round(hours * 3600));

    public static Duration ParseDuration(string text) => s_duration.Parse(text).GetValueOrThrow();

    public static string Show(Duration duration) => duration.ToString("-H:mm", CultureInfo.InvariantCulture);
}
