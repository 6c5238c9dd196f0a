using System.Globalization;
using Microsoft.Extensions.Localization;
using NodaTime;
using NodaTime.Text;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Sla;

namespace Vigie.Features.Sla;

/// <summary>A day the clock skipped although it would be a business day: a public holiday, a closure.</summary>
public sealed record SkippedDayDto(string Date, string Kind, string Reason);

/// <summary>One clock's due time.</summary>
/// <param name="Target">As written in the policy: 1bd, 4bh, 1h, 30m.</param>
/// <param name="Source">default, or contract:&lt;tier&gt;.</param>
/// <param name="ClockStartsAt">When the clock starts counting (the next opening for business targets).</param>
/// <param name="DueAt">The due instant (UTC).</param>
/// <param name="DueLocal">The due instant in the team's zone, ISO 8601 with offset.</param>
/// <param name="BusinessTime">ISO 8601 duration counted by the clock between its start and the due time (business time for business targets).</param>
public sealed record SlaClockDto(string Target, string Source, DateTimeOffset ClockStartsAt, DateTimeOffset DueAt, string DueLocal, string BusinessTime);

/// <summary>The answer of <c>GET /api/v1/sla/due</c> and of <c>vigie sla due</c>.</summary>
public sealed record SlaDueResponse(
    DateTimeOffset ReceivedAt,
    string ReceivedLocal,
    string TimeZone,
    bool DuringBusinessHours,
    string Priority,
    Guid? ConstituentId,
    string? ContractTier,
    SlaClockDto FirstResponse,
    SlaClockDto? Resolution,
    IReadOnlyList<SkippedDayDto> SkippedDays,
    IReadOnlyList<string> Explanation);

/// <summary>Reads the inputs of a due-time question and explains the answer in the reader's language.</summary>
public sealed class SlaExplainer(BusinessCalendar calendar, SlaPolicy policy, IStringLocalizer<SlaText> text)
{
    // Seconds are optional: analysts type 2026-11-28T03:00.
    private static readonly IPattern<OffsetDateTime> s_offset = new CompositePatternBuilder<OffsetDateTime>
    {
        { OffsetDateTimePattern.ExtendedIso, _ => true },
        { OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"), _ => false },
    }.Build();
    private static readonly IPattern<LocalDateTime> s_local = new CompositePatternBuilder<LocalDateTime>
    {
        { LocalDateTimePattern.ExtendedIso, _ => true },
        { LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"), _ => false },
    }.Build();

    /// <summary>
    /// Parses an ISO 8601 instant: with <c>Z</c> or an offset it is exact; without, it is a local time in
    /// the team's zone (a time skipped by DST moves forward, a repeated one takes the first occurrence).
    /// </summary>
    public Result<(Instant Instant, bool Local)> ParseReceived(string? value, string field)
    {
        var s = value?.Trim() ?? "";
        if (s_offset.Parse(s) is { Success: true } o)
        {
            return (o.Value.ToInstant(), false);
        }
        if (s_local.Parse(s) is { Success: true } l)
        {
            return (calendar.Zone.AtLeniently(l.Value).ToInstant(), true);
        }
        return Error.Validation(field, $"'{value}' is not an ISO 8601 date and time, e.g. 2026-11-28T03:00:00+01:00, 2026-11-28T02:00:00Z or 2026-11-28T03:00 (team time).");
    }

    public static Result<Priority> ParsePriority(string? value, string field) =>
        Enum.TryParse<Priority>(value?.Trim(), ignoreCase: true, out var p) && Enum.IsDefined(p) && !int.TryParse(value, out _)
            ? p
            : Error.Validation(field, $"'{value}' is not a priority: write P1, P2, P3 or P4.");

    public SlaDueResponse Explain(Instant received, bool interpretedLocally, Priority priority, Guid? constituentId, string? tier, CultureInfo culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var lines = new List<string>();
            if (interpretedLocally)
            {
                lines.Add(text["Explain.Interpreted", calendar.Zone.Id]);
            }
            var first = policy.Target(SlaClockKind.FirstResponse, priority, tier)!;
            var open = calendar.IsOpen(received);
            var clockStart = first.Target.ClockStart(calendar, received);
            lines.Add(!first.Target.IsBusiness ? text["Explain.ReceivedClock", Local(received, culture), calendar.Zone.Id]
                : open ? text["Explain.ReceivedOpen", Local(received, culture), calendar.Zone.Id]
                : text["Explain.ReceivedClosed", Local(received, culture), calendar.Zone.Id, WhyClosed(received, culture), Local(clockStart, culture)]);

            var firstClock = Clock(SlaClockKind.FirstResponse, first, received, priority, culture, lines);
            var resolution = policy.Target(SlaClockKind.Resolution, priority, tier);
            var resolutionClock = resolution is null ? null : Clock(SlaClockKind.Resolution, resolution, received, priority, culture, lines);
            if (resolution is null)
            {
                lines.Add(text["Explain.NoResolution", priority.ToString()]);
            }

            var lastDue = resolutionClock?.DueAt ?? firstClock.DueAt;
            var skipped = SkippedDays(clockStart, Instant.FromDateTimeOffset(lastDue));
            if (skipped.Count > 0)
            {
                lines.Add(text["Explain.Skipped", string.Join(", ", skipped.Select(d => $"{d.Date} ({DayReason(d.Kind, d.Reason)})"))]);
            }
            return new SlaDueResponse(received.ToDateTimeOffset(), Iso(received), calendar.Zone.Id, open, priority.ToString(), constituentId, tier,
                firstClock, resolutionClock, skipped, lines);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private SlaClockDto Clock(SlaClockKind kind, AppliedTarget applied, Instant received, Priority priority, CultureInfo culture, List<string> lines)
    {
        var target = applied.Target;
        var start = target.ClockStart(calendar, received);
        var due = target.DueFrom(calendar, received);
        var counted = target.Elapsed(calendar, start, due);
        lines.Add(text["Explain.Target", text[kind == SlaClockKind.FirstResponse ? "Clock.FirstResponse" : "Clock.Resolution"],
            priority.ToString(), TargetText(target), SourceText(applied.Source)]);
        lines.Add(target.IsBusiness
            ? text["Explain.Due", Local(due, culture), calendar.Zone.Id, Hours(counted)]
            : text["Explain.DueClock", Local(due, culture), calendar.Zone.Id, Hours(counted)]);
        return new SlaClockDto(target.ToString(), applied.Source, start.ToDateTimeOffset(), due.ToDateTimeOffset(), Iso(due),
            System.Xml.XmlConvert.ToString(counted.ToTimeSpan()));
    }

    private List<SkippedDayDto> SkippedDays(Instant from, Instant to)
    {
        var days = new List<SkippedDayDto>();
        var date = from.InZone(calendar.Zone).Date;
        var last = to.InZone(calendar.Zone).Date;
        for (; date <= last && days.Count < 60; date = date.PlusDays(1))
        {
            var day = calendar.Day(date);
            if (day.Kind is DayKind.Holiday or DayKind.Closure && calendar.WeeklyHours.ContainsKey(date.DayOfWeek))
            {
                days.Add(new SkippedDayDto(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day.Kind.ToString().ToLowerInvariant(), day.Reason ?? ""));
            }
        }
        return days;
    }

    /// <summary>Why the team is closed at an instant, for the explanation.</summary>
    public string WhyClosed(Instant instant, CultureInfo culture)
    {
        var local = instant.InZone(calendar.Zone);
        var day = calendar.Day(local.Date);
        if (day.Kind is DayKind.Holiday or DayKind.Closure or DayKind.Override && !day.IsOpen)
        {
            return DayReason(day.Kind.ToString().ToLowerInvariant(), day.Reason ?? "");
        }
        if (!day.IsOpen)
        {
            return text["Reason.NotOpenDay", local.Date.ToString("dddd", culture)];
        }
        return local.TimeOfDay < day.Hours[0].Start ? text["Reason.BeforeOpening"] : text["Reason.AfterClosing"];
    }

    public string TargetText(SlaTarget target) => text["Unit." + target.ToString()[target.Amount.ToString(CultureInfo.InvariantCulture).Length..], target.Amount];

    public string SourceText(string source) => source.StartsWith("contract:", StringComparison.Ordinal)
        ? text["Source.Contract", source["contract:".Length..]] : text["Source.Default"];

    private string DayReason(string kind, string reason) => kind switch
    {
        "holiday" => text["Reason.Holiday", text["Holiday." + reason]],
        "closure" => text["Reason.Closure", reason],
        _ => text["Reason.Override", reason],
    };

    private string Local(Instant instant, CultureInfo culture) =>
        instant.InZone(calendar.Zone).ToDateTimeUnspecified().ToString("dddd yyyy-MM-dd HH:mm", culture);

    private static readonly OffsetDateTimePattern s_iso = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");

    private string Iso(Instant instant) => s_iso.Format(instant.InZone(calendar.Zone).ToOffsetDateTime());

    /// <summary>"9 h", "27 h 30 min", "45 min": the same in French and English.</summary>
    public static string Hours(Duration d)
    {
        var hours = (long)Math.Floor(d.TotalHours);
        var minutes = d.Minutes;
        return hours == 0 ? $"{minutes} min" : minutes == 0 ? $"{hours} h" : $"{hours} h {minutes:00} min";
    }
}
