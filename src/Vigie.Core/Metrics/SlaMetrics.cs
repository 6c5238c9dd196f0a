using NodaTime;
using NodaTime.Extensions;
using Vigie.Core.Incidents;
using Vigie.Core.Sla;

namespace Vigie.Core.Metrics;

/// <summary>
/// The SLA facts of one incident that the metrics read (a projection of the incident row: no
/// description, no timeline). <see cref="ReceivedAt"/> is the clock start every duration counts from.
/// </summary>
public sealed record SlaFacts(
    string Number,
    string Title,
    Priority Priority,
    string? RsitClass,
    Guid? ConstituentId,
    IncidentState State,
    Tlp Tlp,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? FirstRespondedAt,
    DateTimeOffset? ContainedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    bool FirstResponseBreached,
    bool ResolutionBreached);

/// <summary>How one incident fared against one SLA clock (docs/metrics.md, "Compliance").</summary>
public enum SlaOutcome
{
    /// <summary>Stopped on or before its due time.</summary>
    Met,

    /// <summary>Stopped after its due time, or still running past it (or recorded as breached).</summary>
    Missed,

    /// <summary>Still running and not due yet: not counted.</summary>
    Pending,

    /// <summary>No target, or the clock does not apply (rejected incident): not counted.</summary>
    NotApplicable,
}

/// <summary>A time to a milestone, in business time (the team's calendar) and in clock time.</summary>
public readonly record struct TimeTo(Duration Business, Duration Clock);

/// <summary>One incident measured: its month (team zone), its four times to milestones and its two outcomes.</summary>
public sealed record IncidentMeasure(
    SlaFacts Facts,
    YearMonth Month,
    TimeTo? Acknowledge,
    TimeTo? FirstResponse,
    TimeTo? Containment,
    TimeTo? Resolution,
    SlaOutcome FirstResponseOutcome,
    SlaOutcome ResolutionOutcome);

/// <summary>Mean, median and 90th percentile of a set of durations (none when the set is empty).</summary>
public sealed record DurationSummary(Duration Mean, Duration Median, Duration P90);

/// <summary>The durations to one milestone over a group: how many incidents reached it, and the summaries in both times.</summary>
public sealed record MilestoneStats(int Count, DurationSummary? Business, DurationSummary? Clock);

/// <summary>Met and missed clocks of a group; pending and not-applicable ones are left out of the percentage.</summary>
public sealed record Compliance(int Met, int Missed, int Pending)
{
    public int Measured => Met + Missed;

    /// <summary>Met ÷ (met + missed) × 100, or null when nothing was measured.</summary>
    public double? Percent => Measured == 0 ? null : Math.Round(100.0 * Met / Measured, 1);
}

/// <summary>The metrics of one group of incidents (a month, a priority, a class, a constituent, or all).</summary>
public sealed record GroupMetrics(
    string Key,
    int Incidents,
    MilestoneStats Acknowledge,
    MilestoneStats FirstResponse,
    MilestoneStats Containment,
    MilestoneStats Resolution,
    Compliance FirstResponseCompliance,
    Compliance ResolutionCompliance);

/// <summary>What the incidents are grouped by.</summary>
public enum SlaGrouping
{
    Month,
    Priority,
    Class,
    Constituent,
}

/// <summary>
/// SLA metrics (docs/metrics.md): times to acknowledge, to first response, to containment and to
/// resolution, in business and clock time, their mean, median and 90th percentile, and compliance
/// with the first-response and resolution due times. Pure: the caller gives the facts, the calendar
/// and "now".
/// </summary>
public static class SlaMetrics
{
    /// <summary>The group key of incidents without RSIT class or without constituent.</summary>
    public const string NoneKey = "none";

    /// <summary>Measures one incident.</summary>
    public static IncidentMeasure Measure(SlaFacts f, BusinessCalendar calendar, Instant now)
    {
        var received = f.ReceivedAt.ToInstant();
        TimeTo? To(DateTimeOffset? at)
        {
            if (at is not { } value)
            {
                return null;
            }
            var end = value.ToInstant();
            var clock = end > received ? end - received : Duration.Zero;
            return new TimeTo(calendar.BusinessTimeBetween(received, end), clock);
        }
        var month = received.InZone(calendar.Zone).Date.ToYearMonth();
        return new IncidentMeasure(f, month, To(f.AcknowledgedAt), To(f.FirstRespondedAt), To(f.ContainedAt),
            f.State == IncidentState.Rejected ? null : To(f.ResolvedAt),
            FirstResponseOutcome(f, now), ResolutionOutcome(f, now));
    }

    /// <summary>
    /// First response: met when answered by its due time, missed when answered later; without an
    /// answer, missed when the breach was recorded or the clock is still running past its due time,
    /// or when the incident was resolved after that due time; otherwise pending (running, not due)
    /// or not applicable (rejected, or resolved before it fell due).
    /// </summary>
    public static SlaOutcome FirstResponseOutcome(SlaFacts f, Instant now)
    {
        if (f.FirstResponseDueAt is not { } dueAt)
        {
            return SlaOutcome.NotApplicable;
        }
        var due = dueAt.ToInstant();
        if (f.FirstRespondedAt is { } answered)
        {
            return answered.ToInstant() <= due ? SlaOutcome.Met : SlaOutcome.Missed;
        }
        if (f.FirstResponseBreached)
        {
            return SlaOutcome.Missed;
        }
        if (f.State == IncidentState.Rejected)
        {
            return SlaOutcome.NotApplicable;
        }
        if (f.ResolvedAt is { } resolved)
        {
            return resolved.ToInstant() > due ? SlaOutcome.Missed : SlaOutcome.NotApplicable;
        }
        return now > due ? SlaOutcome.Missed : SlaOutcome.Pending;
    }

    /// <summary>
    /// Resolution: not applicable without a target or for a rejected incident; met when resolved by its
    /// due time, missed when resolved later, recorded as breached, or still open past it; else pending.
    /// </summary>
    public static SlaOutcome ResolutionOutcome(SlaFacts f, Instant now)
    {
        if (f.ResolutionDueAt is not { } dueAt || f.State == IncidentState.Rejected)
        {
            return SlaOutcome.NotApplicable;
        }
        var due = dueAt.ToInstant();
        if (f.ResolvedAt is { } resolved)
        {
            return resolved.ToInstant() <= due ? SlaOutcome.Met : SlaOutcome.Missed;
        }
        return f.ResolutionBreached || now > due ? SlaOutcome.Missed : SlaOutcome.Pending;
    }

    /// <summary>The metrics of a set of measured incidents under one key.</summary>
    public static GroupMetrics Summarise(string key, IReadOnlyCollection<IncidentMeasure> measures) => new(
        key,
        measures.Count,
        Stats(measures.Select(m => m.Acknowledge)),
        Stats(measures.Select(m => m.FirstResponse)),
        Stats(measures.Select(m => m.Containment)),
        Stats(measures.Select(m => m.Resolution)),
        Count(measures.Select(m => m.FirstResponseOutcome)),
        Count(measures.Select(m => m.ResolutionOutcome)));

    /// <summary>
    /// The groups of a set of measured incidents, in a stable order: months ascending, priorities P1→P4,
    /// classes and constituents by key (<see cref="NoneKey"/> for none). Every month of
    /// <paramref name="months"/> is present, even without incidents, so trends have no holes.
    /// </summary>
    public static IReadOnlyList<GroupMetrics> Group(IReadOnlyCollection<IncidentMeasure> measures, SlaGrouping by, IEnumerable<YearMonth>? months = null)
    {
        if (by == SlaGrouping.Month)
        {
            var byMonth = measures.ToLookup(m => m.Month);
            var keys = (months ?? []).Concat(byMonth.Select(g => g.Key)).Distinct().Order();
            return [.. keys.Select(k => Summarise(MonthKey(k), byMonth[k].ToList()))];
        }
        return [.. measures.GroupBy(m => KeyOf(m, by)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Summarise(g.Key, g.ToList()))];
    }

    /// <summary>The group key of an incident ("2026-11", "P1", "intrusions", a constituent id, or "none").</summary>
    public static string KeyOf(IncidentMeasure m, SlaGrouping by) => by switch
    {
        SlaGrouping.Month => MonthKey(m.Month),
        SlaGrouping.Priority => m.Facts.Priority.ToString(),
        SlaGrouping.Class => m.Facts.RsitClass ?? NoneKey,
        SlaGrouping.Constituent => m.Facts.ConstituentId?.ToString() ?? NoneKey,
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    public static string MonthKey(YearMonth month) => $"{month.Year:D4}-{month.Month:D2}";

    /// <summary>Parses "yyyy-MM" (years 2000–9999).</summary>
    public static YearMonth? ParseMonth(string? text)
    {
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            || year is < 2000 or > 9999 || month is < 1 or > 12)
        {
            return null;
        }
        return new YearMonth(year, month);
    }

    /// <summary>Months from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public static IEnumerable<YearMonth> Months(YearMonth from, YearMonth to)
    {
        for (var m = from; m <= to; m = m.PlusMonths(1))
        {
            yield return m;
        }
    }

    /// <summary>How many months from <paramref name="from"/> to <paramref name="to"/>, both included (0 when from is after to).</summary>
    public static int MonthCount(YearMonth from, YearMonth to) =>
        Math.Max(0, (to.Year - from.Year) * 12 + to.Month - from.Month + 1);

    /// <summary>The instants a range of months covers in a zone: [first day 00:00, day after the last 00:00).</summary>
    public static (Instant Start, Instant End) Bounds(YearMonth from, YearMonth to, DateTimeZone zone) =>
        (zone.AtStartOfDay(from.OnDayOfMonth(1)).ToInstant(), zone.AtStartOfDay(to.PlusMonths(1).OnDayOfMonth(1)).ToInstant());

    /// <summary>
    /// Mean (rounded to the second), median (the mean of the two middle values for an even count) and
    /// 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest value).
    /// </summary>
    public static DurationSummary? Summary(IEnumerable<Duration> durations)
    {
        var sorted = durations.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        var n = sorted.Count;
        var mean = Duration.FromSeconds(Math.Round(sorted.Sum(d => d.TotalSeconds) / n, MidpointRounding.AwayFromZero));
        var median = n % 2 == 1 ? sorted[n / 2] : Duration.FromTicks((sorted[(n / 2) - 1].BclCompatibleTicks + sorted[n / 2].BclCompatibleTicks) / 2);
        var p90 = sorted[(int)Math.Ceiling(0.9 * n) - 1];
        return new DurationSummary(mean, median, p90);
    }

    private static MilestoneStats Stats(IEnumerable<TimeTo?> times)
    {
        var reached = times.Where(t => t is not null).Select(t => t!.Value).ToList();
        return new MilestoneStats(reached.Count, Summary(reached.Select(t => t.Business)), Summary(reached.Select(t => t.Clock)));
    }

    private static Compliance Count(IEnumerable<SlaOutcome> outcomes)
    {
        int met = 0, missed = 0, pending = 0;
        foreach (var o in outcomes)
        {
            switch (o)
            {
                case SlaOutcome.Met: met++; break;
                case SlaOutcome.Missed: missed++; break;
                case SlaOutcome.Pending: pending++; break;
            }
        }
        return new Compliance(met, missed, pending);
    }
}
