using System.Collections.Concurrent;
using NodaTime;
using NodaTime.TimeZones;

namespace Vigie.Core.Sla;

/// <summary>One opening interval of a day, local time: <see cref="Start"/> inclusive, <see cref="End"/> exclusive, not crossing midnight.</summary>
public sealed record OpeningHours(LocalTime Start, LocalTime End)
{
    public override string ToString() => $"{Start:HH:mm}–{End:HH:mm}";
}

/// <summary>Days the team is closed although they would be business days (e.g. a team seminar, 26 December in Alsace).</summary>
public sealed record Closure(LocalDate From, LocalDate To, string Reason);

/// <summary>A day whose hours replace everything else (holiday, closure, weekly hours); no hours means closed.</summary>
public sealed record DayOverride(LocalDate Date, IReadOnlyList<OpeningHours> Hours, string Reason);

/// <summary>Why a day has the hours it has.</summary>
public enum DayKind
{
    Regular,
    Holiday,
    Closure,
    Override,
}

/// <summary>The opening hours of one local date and why (<see cref="Reason"/> is the holiday key, closure or override reason).</summary>
public sealed record CalendarDay(LocalDate Date, IReadOnlyList<OpeningHours> Hours, DayKind Kind, string? Reason)
{
    public bool IsOpen => Hours.Count > 0;

    public Duration Length => Hours.Aggregate(Duration.Zero, (sum, h) => sum + (h.End - h.Start).ToDuration());
}

/// <summary>
/// The team's business calendar (DESIGN.md): weekly opening hours in the team's time zone, public
/// holidays, closures and per-date overrides. It answers the questions the SLA clock and on-call ask:
/// is the team open, when does it open next, what instant is N business hours or days after another,
/// how much business time lies between two instants. Opening hours are local times; each is mapped to
/// an instant with the zone's rules, so a day keeps its 09:00–18:00 across DST changes, and an interval
/// that contains the skipped hour is shorter, the repeated hour longer (the clock counts real time).
/// Immutable and thread-safe.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>No calendar may be closed longer than this; beyond it, a search for the next opening gives up.</summary>
    private const int MaxClosedDays = 3 * 366;

    // A boundary in a repeated hour: an opening starts at its first occurrence and ends at its second (the
    // interval is longer). A boundary in a skipped hour never shows on a clock: it is the end of the gap,
    // the first instant the clock reads after it (the interval is shorter, empty when wholly in the gap).
    private static readonly ZoneLocalMappingResolver s_startResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);
    private static readonly ZoneLocalMappingResolver s_endResolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnStartOfIntervalAfter);

    private readonly IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<OpeningHours>> _weekly;
    private readonly Func<int, IReadOnlyList<PublicHoliday>> _holidays;
    private readonly IReadOnlyList<Closure> _closures;
    private readonly IReadOnlyDictionary<LocalDate, DayOverride> _overrides;
    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<LocalDate, string>> _holidaysByYear = new();
    private readonly ConcurrentDictionary<LocalDate, Interval[]> _intervals = new();
    private readonly ConcurrentDictionary<LocalDate, Duration> _monthTotals = new();

    /// <summary>At most this many days' intervals are kept (about 270 years; a few MB).</summary>
    private const int MaxCachedDays = 100_000;

    private BusinessCalendar(DateTimeZone zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<OpeningHours>> weekly,
        Func<int, IReadOnlyList<PublicHoliday>> holidays, IReadOnlyList<Closure> closures, IReadOnlyDictionary<LocalDate, DayOverride> overrides)
    {
        Zone = zone;
        _weekly = weekly;
        _holidays = holidays;
        _closures = closures;
        _overrides = overrides;
    }

    public DateTimeZone Zone { get; }

    /// <summary>The weekly hours, Monday first (days without hours are absent).</summary>
    public IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<OpeningHours>> WeeklyHours => _weekly;

    /// <summary>
    /// Checks and builds a calendar. Errors name the faulty field: an unknown zone, an interval that ends
    /// before it starts, two intervals overlapping on a day, a week without any opening hours, a closure
    /// that ends before it starts, two overrides of the same date.
    /// </summary>
    /// <param name="zoneId">IANA zone id, e.g. Europe/Paris.</param>
    /// <param name="weekly">Opening hours per day of the week (several intervals a day allowed).</param>
    /// <param name="holidays">Public holidays of a year (e.g. <see cref="FrenchHolidays.For"/>), or null for none.</param>
    /// <param name="closures">Extra closed days.</param>
    /// <param name="overrides">Dates whose hours replace the rest (a half day on 24 December, an open Saturday).</param>
    public static Result<BusinessCalendar> Create(string? zoneId, IEnumerable<(IsoDayOfWeek Day, OpeningHours Hours)> weekly,
        Func<int, IReadOnlyList<PublicHoliday>>? holidays = null, IEnumerable<Closure>? closures = null, IEnumerable<DayOverride>? overrides = null)
    {
        var errors = new FieldErrors();
        var zone = string.IsNullOrWhiteSpace(zoneId) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId.Trim());
        if (zone is null)
        {
            errors.Add("timeZone", $"'{zoneId}' is not an IANA time zone (e.g. Europe/Paris).");
        }

        var byDay = new Dictionary<IsoDayOfWeek, IReadOnlyList<OpeningHours>>();
        foreach (var group in weekly.GroupBy(w => w.Day).OrderBy(g => g.Key))
        {
            var hours = group.Select(g => g.Hours).OrderBy(h => h.Start).ToList();
            CheckDay(hours, $"hours:{group.Key}", errors);
            byDay[group.Key] = hours;
        }
        if (byDay.Count == 0)
        {
            errors.Add("hours", "The calendar has no opening hours: business time would never elapse.");
        }

        var closureList = (closures ?? []).ToList();
        foreach (var c in closureList.Where(c => c.To < c.From))
        {
            errors.Add("closures", $"The closure '{c.Reason}' ends ({c.To:yyyy-MM-dd}) before it starts ({c.From:yyyy-MM-dd}).");
        }

        var overrideMap = new Dictionary<LocalDate, DayOverride>();
        foreach (var o in overrides ?? [])
        {
            var hours = o.Hours.OrderBy(h => h.Start).ToList();
            CheckDay(hours, $"overrides:{o.Date:yyyy-MM-dd}", errors);
            if (!overrideMap.TryAdd(o.Date, o with { Hours = hours }))
            {
                errors.Add("overrides", $"The date {o.Date:yyyy-MM-dd} is overridden twice.");
            }
        }

        if (errors.ToError() is { } error)
        {
            return error;
        }
        return new BusinessCalendar(zone!, byDay, holidays ?? (_ => []), closureList, overrideMap);
    }

    private static void CheckDay(List<OpeningHours> hours, string field, FieldErrors errors)
    {
        for (var i = 0; i < hours.Count; i++)
        {
            if (hours[i].End <= hours[i].Start)
            {
                errors.Add(field, $"The interval {hours[i]} ends before it starts (an interval may not cross midnight).");
            }
            if (i > 0 && hours[i].Start < hours[i - 1].End)
            {
                errors.Add(field, $"The intervals {hours[i - 1]} and {hours[i]} overlap.");
            }
        }
    }

    /// <summary>The opening hours of a local date and why.</summary>
    public CalendarDay Day(LocalDate date)
    {
        if (_overrides.TryGetValue(date, out var o))
        {
            return new CalendarDay(date, o.Hours, DayKind.Override, o.Reason);
        }
        if (HolidaysOf(date.Year).TryGetValue(date, out var holiday))
        {
            return new CalendarDay(date, [], DayKind.Holiday, holiday);
        }
        foreach (var c in _closures)
        {
            if (date >= c.From && date <= c.To)
            {
                return new CalendarDay(date, [], DayKind.Closure, c.Reason);
            }
        }
        return new CalendarDay(date, _weekly.GetValueOrDefault(date.DayOfWeek) ?? [], DayKind.Regular, null);
    }

    /// <summary>The public holidays of a year, by date.</summary>
    public IReadOnlyDictionary<LocalDate, string> HolidaysOf(int year) =>
        _holidaysByYear.GetOrAdd(year, y => _holidays(y).GroupBy(h => h.Date).ToDictionary(g => g.Key, g => g.First().Key));

    /// <summary>The open intervals of a date as instants (empty when closed).</summary>
    public IReadOnlyList<Interval> Intervals(LocalDate date)
    {
        // Clocks read over months (a long-late incident, a month of metrics) ask for the same days again
        // and again; mapping local hours to instants is the costly part, so each day is mapped once.
        if (_intervals.TryGetValue(date, out var cached))
        {
            return cached;
        }
        var computed = ComputeIntervals(date);
        if (_intervals.Count < MaxCachedDays)
        {
            _intervals.TryAdd(date, computed);
        }
        return computed;
    }

    private Interval[] ComputeIntervals(LocalDate date)
    {
        var result = new List<Interval>(2);
        Instant? previousEnd = null;
        foreach (var h in Day(date).Hours)
        {
            var start = Zone.ResolveLocal(date.At(h.Start), s_startResolver).ToInstant();
            var end = Zone.ResolveLocal(date.At(h.End), s_endResolver).ToInstant();
            // In a repeated hour an interval starts at the earlier occurrence of its start and the one before
            // it ends at the later occurrence of its end, so they may overlap: start after it, never count twice.
            if (previousEnd is { } p && start < p)
            {
                start = p;
            }
            if (end > start)
            {
                result.Add(new Interval(start, end));
                previousEnd = end;
            }
        }
        return [.. result];
    }

    /// <summary>The open intervals that end after <paramref name="from"/>, the first one clipped to start there, in order.</summary>
    public IEnumerable<Interval> OpenIntervalsFrom(Instant from)
    {
        var date = from.InZone(Zone).Date;
        var closedDays = 0;
        while (true)
        {
            var any = false;
            foreach (var interval in Intervals(date))
            {
                any = true;
                if (interval.End <= from)
                {
                    continue;
                }
                yield return interval.Start >= from ? interval : new Interval(from, interval.End);
            }
            closedDays = any ? 0 : closedDays + 1;
            if (closedDays > MaxClosedDays)
            {
                throw new InvalidOperationException($"The business calendar is closed for more than {MaxClosedDays} days after {date:yyyy-MM-dd}.");
            }
            date = date.PlusDays(1);
        }
    }

    public bool IsOpen(Instant instant) => Intervals(instant.InZone(Zone).Date).Any(i => i.Contains(instant));

    /// <summary><paramref name="instant"/> itself when open, else the start of the next opening.</summary>
    public Instant NextOpening(Instant instant) => OpenIntervalsFrom(instant).First().Start;

    /// <summary>The end of the opening <paramref name="instant"/> is in, or of the next one when closed.</summary>
    public Instant NextClosing(Instant instant) => OpenIntervalsFrom(instant).First().End;

    /// <summary>
    /// The instant at which <paramref name="amount"/> of business time has elapsed since <paramref name="start"/>.
    /// A start outside hours counts from the next opening; an amount that runs out exactly at a closing
    /// gives that closing (Friday 18:00, not Monday 09:00). Zero gives the next opening.
    /// </summary>
    public Instant AddBusinessTime(Instant start, Duration amount)
    {
        if (amount < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "Business time is added forward only.");
        }
        var remaining = amount;
        foreach (var interval in OpenIntervalsFrom(start))
        {
            if (remaining <= interval.Duration)
            {
                return interval.Start + remaining;
            }
            remaining -= interval.Duration;
        }
        throw new InvalidOperationException("unreachable: OpenIntervalsFrom never ends");
    }

    /// <summary>
    /// <paramref name="days"/> business days after <paramref name="start"/>: the clock starts at the next
    /// opening; a clock started at a day's opening ends at the close of the <paramref name="days"/>-th
    /// business day counting that one (Monday 09:00 + 1 → Monday 18:00); a clock started within a day ends
    /// on the <paramref name="days"/>-th following business day, after the same business time into it
    /// (Tuesday 10:00 + 1 → Wednesday 10:00; Friday 17:59 + 1 → Monday 17:59), or at its close if it is shorter.
    /// </summary>
    public Instant AddBusinessDays(Instant start, int days)
    {
        if (days < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(days), "Business days are added forward only.");
        }
        var clockStart = NextOpening(start);
        if (days == 0)
        {
            return clockStart;
        }
        var date = clockStart.InZone(Zone).Date;
        var intoDay = BusinessTimeBetween(Intervals(date).First().Start, clockStart);
        if (intoDay == Duration.Zero)
        {
            var last = NthOpenDay(date, days - 1);
            return Intervals(last).Last().End;
        }
        var target = NthOpenDay(date, days);
        var remaining = intoDay;
        Interval? previous = null;
        foreach (var interval in Intervals(target))
        {
            if (remaining <= interval.Duration)
            {
                return interval.Start + remaining;
            }
            remaining -= interval.Duration;
            previous = interval;
        }
        return previous!.Value.End;
    }

    /// <summary>
    /// Business time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).
    /// Whole calendar months in between are counted from a per-month total, so a clock late for years or a
    /// year of metrics costs at most two months of day-by-day walking.
    /// </summary>
    public Duration BusinessTimeBetween(Instant from, Instant to)
    {
        if (to <= from)
        {
            return Duration.Zero;
        }
        var firstFull = from.InZone(Zone).Date.With(DateAdjusters.StartOfMonth).PlusMonths(1);
        var lastFull = to.InZone(Zone).Date.With(DateAdjusters.StartOfMonth);
        if (firstFull >= lastFull)
        {
            return Walk(from, to);
        }
        // Opening hours never cross local midnight, so the first instant of a month splits the walk exactly.
        var total = Walk(from, Zone.AtStartOfDay(firstFull).ToInstant());
        for (var month = firstFull; month < lastFull; month = month.PlusMonths(1))
        {
            total += MonthTotal(month);
        }
        return total + Walk(Zone.AtStartOfDay(lastFull).ToInstant(), to);
    }

    private Duration Walk(Instant from, Instant to)
    {
        var total = Duration.Zero;
        if (to <= from)
        {
            return total;
        }
        foreach (var interval in OpenIntervalsFrom(from))
        {
            if (interval.Start >= to)
            {
                break;
            }
            total += (interval.End < to ? interval.End : to) - interval.Start;
        }
        return total;
    }

    /// <summary>The business time of a whole calendar month (<paramref name="first"/> is its first day).</summary>
    private Duration MonthTotal(LocalDate first) => _monthTotals.GetOrAdd(first, m =>
    {
        var total = Duration.Zero;
        for (var day = m; day.Month == m.Month; day = day.PlusDays(1))
        {
            foreach (var interval in Intervals(day))
            {
                total += interval.Duration;
            }
        }
        return total;
    });

    /// <summary>The n-th open day after <paramref name="date"/> (n = 0: the date itself, which must be open).</summary>
    private LocalDate NthOpenDay(LocalDate date, int n)
    {
        var closedDays = 0;
        while (n > 0)
        {
            date = date.PlusDays(1);
            if (Intervals(date).Any())
            {
                n--;
                closedDays = 0;
            }
            else if (++closedDays > MaxClosedDays)
            {
                throw new InvalidOperationException($"The business calendar is closed for more than {MaxClosedDays} days after {date:yyyy-MM-dd}.");
            }
        }
        return date;
    }
}
