using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Extensions;
using Vigie.Core;
using Vigie.Core.Metrics;
using Vigie.Core.Sla;
using Vigie.Core.Taxonomy;
using Vigie.Data;
using Vigie.Features.Incidents;

namespace Vigie.Features.Metrics;

/// <summary>A range of months checked against <see cref="SlaMetricsService.MaxMonths"/>.</summary>
public readonly record struct MonthRange(YearMonth From, YearMonth To)
{
    public IEnumerable<YearMonth> Months => SlaMetrics.Months(From, To);
}

/// <summary>The metrics of a range of months, grouped, with the label of each group.</summary>
public sealed record SlaMetricsResult(MonthRange Range, SlaGrouping GroupBy, string TimeZone, GroupMetrics Total,
    IReadOnlyList<GroupMetrics> Groups, IReadOnlyDictionary<string, string> Labels, DateTimeOffset GeneratedAt);

/// <summary>
/// Reads the SLA facts of the incidents a user may see (docs/metrics.md) and hands them to
/// <see cref="SlaMetrics"/>. Only the needed columns of the incidents received in the range are
/// read (index on Sla.ReceivedAt), then grouped in memory: the range is bounded (24 months).
/// </summary>
public sealed class SlaMetricsService(VigieDb db, BusinessCalendar calendar, TimeProvider time)
{
    public const int MaxMonths = 24;

    public BusinessCalendar Calendar => calendar;

    public Instant Now => time.GetUtcNow().ToInstant();

    /// <summary>The current month in the team's zone.</summary>
    public YearMonth CurrentMonth => Now.InZone(calendar.Zone).Date.ToYearMonth();

    /// <summary>
    /// Checks a range given as text ("yyyy-MM"); missing ends default to the current month and the
    /// five months before it. Errors name the field: a bad month, from after to, more than 24 months.
    /// </summary>
    public Result<MonthRange> ParseRange(string? from, string? to)
    {
        var toMonth = to is null ? CurrentMonth : SlaMetrics.ParseMonth(to);
        if (toMonth is null)
        {
            return Error.Validation("to", $"'{to}' is not a month: write it yyyy-MM, e.g. 2026-11.");
        }
        var fromMonth = from is null ? toMonth.Value.PlusMonths(-5) : SlaMetrics.ParseMonth(from);
        if (fromMonth is null)
        {
            return Error.Validation("from", $"'{from}' is not a month: write it yyyy-MM, e.g. 2026-06.");
        }
        if (fromMonth.Value > toMonth.Value)
        {
            return Error.Validation("from", $"from ({SlaMetrics.MonthKey(fromMonth.Value)}) is after to ({SlaMetrics.MonthKey(toMonth.Value)}).");
        }
        if (SlaMetrics.MonthCount(fromMonth.Value, toMonth.Value) > MaxMonths)
        {
            return Error.Validation("to", $"The range covers {SlaMetrics.MonthCount(fromMonth.Value, toMonth.Value)} months; at most {MaxMonths} are allowed.");
        }
        return new MonthRange(fromMonth.Value, toMonth.Value);
    }

    public static Result<SlaGrouping> ParseGrouping(string? groupBy) => groupBy?.Trim().ToLowerInvariant() switch
    {
        null or "" or "month" => SlaGrouping.Month,
        "priority" => SlaGrouping.Priority,
        "class" => SlaGrouping.Class,
        "constituent" => SlaGrouping.Constituent,
        _ => Error.Validation("groupBy", $"groupBy must be month, priority, class or constituent, not '{groupBy}'."),
    };

    /// <summary>Every incident the user may see whose clock started in the range, measured.</summary>
    public async Task<IReadOnlyList<IncidentMeasure>> MeasureAsync(ClaimsPrincipal user, MonthRange range, CancellationToken ct)
    {
        var (startInstant, endInstant) = SlaMetrics.Bounds(range.From, range.To, calendar.Zone);
        DateTimeOffset start = startInstant.ToDateTimeOffset(), end = endInstant.ToDateTimeOffset();
        var facts = await db.Incidents.AsNoTracking().VisibleTo(user)
            .Where(i => i.Sla.ReceivedAt >= start && i.Sla.ReceivedAt < end)
            .OrderBy(i => i.Ordinal)
            .Select(i => new SlaFacts(i.Number, i.Title, i.Priority, i.RsitClass, i.ConstituentId, i.State, i.Tlp, i.Sla.ReceivedAt!.Value,
                i.Sla.AcknowledgedAt, i.Sla.FirstRespondedAt, i.Sla.ContainedAt, i.Sla.ResolvedAt, i.Sla.FirstResponseDueAt, i.Sla.ResolutionDueAt,
                i.Sla.FirstResponseBreached, i.Sla.ResolutionBreached))
            .ToListAsync(ct);
        var now = Now;
        // Business time walks the calendar day by day: over tens of thousands of incidents, use every core (the calendar is immutable).
        return facts.Count < 2000 ? [.. facts.Select(f => SlaMetrics.Measure(f, calendar, now))]
            : [.. facts.AsParallel().AsOrdered().Select(f => SlaMetrics.Measure(f, calendar, now))];
    }

    /// <summary>The metrics of a range, grouped, for the API, the dashboard and the CLI.</summary>
    public async Task<SlaMetricsResult> ComputeAsync(ClaimsPrincipal user, MonthRange range, SlaGrouping by, CancellationToken ct)
    {
        var measures = await MeasureAsync(user, range, ct);
        var groups = SlaMetrics.Group(measures, by, range.Months);
        var labels = await LabelsAsync(groups.Select(g => g.Key), by, CultureInfo.CurrentUICulture, ct);
        return new SlaMetricsResult(range, by, calendar.Zone.Id, SlaMetrics.Summarise("all", measures), groups, labels, time.GetUtcNow());
    }

    /// <summary>A readable label per group key: the month, the priority, the RSIT class label, the constituent's name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> LabelsAsync(IEnumerable<string> keys, SlaGrouping by, CultureInfo culture, CancellationToken ct)
    {
        var list = keys.ToList();
        var words = new MetricsWords(culture);
        var names = by == SlaGrouping.Constituent ? await ConstituentNamesAsync(list, ct) : new Dictionary<string, string>();
        return list.Distinct().ToDictionary(k => k, k => k == SlaMetrics.NoneKey
            ? words[by == SlaGrouping.Class ? "Group.NoClass" : "Group.NoConstituent"]
            : by switch
            {
                SlaGrouping.Month => words.MonthName(SlaMetrics.ParseMonth(k)!.Value),
                SlaGrouping.Class => RsitTaxonomy.Default.FindClass(k)?.Label ?? k,
                SlaGrouping.Constituent => names.GetValueOrDefault(k, k),
                _ => k,
            });
    }

    private async Task<Dictionary<string, string>> ConstituentNamesAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k, out var id) ? id : (Guid?)null).Where(id => id is not null).Select(id => id!.Value).ToList();
        return ids.Count == 0 ? []
            : await db.Constituents.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id.ToString(), c => c.Name, ct);
    }
}
