using NodaTime;
using Vigie.Core.Sla;

namespace Vigie.Core.OnCall;

/// <summary>Who answers the pager: the primary first, the secondary when the primary does not acknowledge.</summary>
public sealed record OnCallPair(string Primary, string Secondary);

/// <summary>Where an assignment comes from (an override beats a dated shift, which beats the weekly rotation).</summary>
public enum RotaSource
{
    Rotation,
    Shift,
    Override,
}

/// <summary>A dated entry of the rota, <see cref="Start"/> inclusive, <see cref="End"/> exclusive.</summary>
public sealed record RotaEntry(Guid Id, RotaSource Source, Instant Start, Instant End, OnCallPair Pair, string? Reason = null);

/// <summary>
/// The recurring pattern: slot k starts on <see cref="Anchor"/> + k × <see cref="Days"/> at
/// <see cref="StartTime"/> local time and uses <see cref="Slots"/>[k mod count] (e.g. week-long shifts
/// starting Monday 18:00, one pair of analysts per week, in turn). Nothing before the anchor.
/// </summary>
public sealed record WeeklyRotation(LocalDate Anchor, LocalTime StartTime, int Days, IReadOnlyList<OnCallPair> Slots);

/// <summary>Who is on call over <see cref="Start"/>–<see cref="End"/> (null pair: nobody, a hole).</summary>
public sealed record RotaSegment(Instant Start, Instant End, OnCallPair? Pair, RotaSource? Source);

/// <summary>A stretch outside business hours with nobody on call.</summary>
public sealed record RotaHole(Instant Start, Instant End);

/// <summary>
/// The on-call rota (docs/oncall.md): a weekly rotation, dated shifts that replace it, and overrides
/// (holiday cover, swaps) that replace both for a time range. Answers who is primary/secondary at an
/// instant and where the holes are outside business hours. Immutable; built by <see cref="Create"/>,
/// which refuses an incoherent rota with errors naming the entry at fault.
/// </summary>
public sealed class OnCallRota
{
    private readonly DateTimeZone _zone;
    private readonly WeeklyRotation? _rotation;
    private readonly IReadOnlyList<RotaEntry> _shifts;
    private readonly IReadOnlyList<RotaEntry> _overrides;

    private OnCallRota(DateTimeZone zone, WeeklyRotation? rotation, IReadOnlyList<RotaEntry> shifts, IReadOnlyList<RotaEntry> overrides)
    {
        _zone = zone;
        _rotation = rotation is { Slots.Count: > 0 } ? rotation : null;
        _shifts = shifts;
        _overrides = overrides;
    }

    public WeeklyRotation? Rotation => _rotation;

    public IReadOnlyList<RotaEntry> Shifts => _shifts;

    public IReadOnlyList<RotaEntry> Overrides => _overrides;

    public bool IsEmpty => _rotation is null && _shifts.Count == 0 && _overrides.Count == 0;

    /// <summary>
    /// Checks and builds a rota. Errors (field → messages): <c>rota</c> when empty while paging is enabled;
    /// <c>rotation</c> for a bad pattern; <c>shifts:{id}</c> / <c>overrides:{id}</c> for an entry ending
    /// before it starts, overlapping another of its kind, naming an unknown user, or the same person twice.
    /// </summary>
    /// <param name="zone">The team's zone (the rotation's local start time is in it).</param>
    /// <param name="rotation">The recurring pattern, or null.</param>
    /// <param name="entries">Dated shifts and overrides.</param>
    /// <param name="isKnownUser">Whether an e-mail is a staff user who may be on call.</param>
    /// <param name="pagingEnabled">Whether paging is on (an empty rota is then an error).</param>
    public static Result<OnCallRota> Create(DateTimeZone zone, WeeklyRotation? rotation, IEnumerable<RotaEntry> entries,
        Func<string, bool> isKnownUser, bool pagingEnabled)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(isKnownUser);
        var errors = new FieldErrors();
        var list = entries.ToList();
        if (rotation is not null)
        {
            if (rotation.Days is < 1 or > 31)
            {
                errors.Add("rotation", $"A rotation shift lasts 1 to 31 days, not {rotation.Days}.");
            }
            for (var i = 0; i < rotation.Slots.Count; i++)
            {
                CheckPair(rotation.Slots[i], $"rotation:{i}", isKnownUser, errors);
            }
        }
        foreach (var e in list)
        {
            var key = Key(e);
            if (e.End <= e.Start)
            {
                errors.Add(key, $"The {Word(e.Source)} ends ({e.End}) before it starts ({e.Start}).");
            }
            CheckPair(e.Pair, key, isKnownUser, errors);
        }
        foreach (var source in new[] { RotaSource.Shift, RotaSource.Override })
        {
            var sorted = list.Where(e => e.Source == source && e.End > e.Start).OrderBy(e => e.Start).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                var previous = sorted.Take(i).MaxBy(p => p.End)!;
                if (sorted[i].Start < previous.End)
                {
                    errors.Add(Key(sorted[i]), $"The {Word(source)} {sorted[i].Start}–{sorted[i].End} overlaps the {Word(source)} {previous.Start}–{previous.End}.");
                }
            }
        }
        var rota = new OnCallRota(zone, rotation, list.Where(e => e.Source == RotaSource.Shift).OrderBy(e => e.Start).ToList(),
            list.Where(e => e.Source == RotaSource.Override).OrderBy(e => e.Start).ToList());
        if (pagingEnabled && rota._rotation is null && rota._shifts.Count == 0)
        {
            errors.Add("rota", "The rota is empty while paging is enabled: add a rotation or shifts, or nobody is paged.");
        }
        return errors.ToError() is { } error ? error : rota;
    }

    /// <summary>Who is on call at <paramref name="instant"/>, or null (a hole).</summary>
    public RotaSegment? At(Instant instant)
    {
        foreach (var list in new[] { _overrides, _shifts })
        {
            if (list.FirstOrDefault(e => e.Start <= instant && instant < e.End) is { } hit)
            {
                return new RotaSegment(hit.Start, hit.End, hit.Pair, hit.Source);
            }
        }
        if (_rotation is null)
        {
            return null;
        }
        var k = SlotIndex(instant);
        if (k is null)
        {
            return null;
        }
        return new RotaSegment(SlotStart(k.Value), SlotStart(k.Value + 1), _rotation.Slots[Mod(k.Value, _rotation.Slots.Count)], RotaSource.Rotation);
    }

    /// <summary>The rota over [<paramref name="from"/>, <paramref name="to"/>): consecutive segments, holes included (null pair).</summary>
    public IReadOnlyList<RotaSegment> Between(Instant from, Instant to)
    {
        var cuts = new SortedSet<Instant> { from, to };
        foreach (var e in _overrides.Concat(_shifts))
        {
            if (e.Start > from && e.Start < to)
            {
                cuts.Add(e.Start);
            }
            if (e.End > from && e.End < to)
            {
                cuts.Add(e.End);
            }
        }
        if (_rotation is not null && SlotIndex(from) is var first)
        {
            var k = first ?? -1;
            for (var s = SlotStart(k + 1); s < to; k++, s = SlotStart(k + 1))
            {
                if (s > from)
                {
                    cuts.Add(s);
                }
            }
        }
        var segments = new List<RotaSegment>();
        var points = cuts.ToList();
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var at = At(points[i]);
            var segment = new RotaSegment(points[i], points[i + 1], at?.Pair, at?.Source);
            if (segments.Count > 0 && segments[^1].Pair == segment.Pair && segments[^1].Source == segment.Source)
            {
                segments[^1] = segments[^1] with { End = segment.End };
            }
            else
            {
                segments.Add(segment);
            }
        }
        return segments;
    }

    /// <summary>Stretches of [<paramref name="from"/>, <paramref name="to"/>) outside business hours with nobody on call.</summary>
    public IReadOnlyList<RotaHole> Holes(BusinessCalendar calendar, Instant from, Instant to)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var holes = new List<RotaHole>();
        foreach (var gap in Between(from, to).Where(s => s.Pair is null))
        {
            var t = gap.Start;
            while (t < gap.End)
            {
                if (calendar.IsOpen(t))
                {
                    t = calendar.NextClosing(t);
                    continue;
                }
                var end = Min(calendar.NextOpening(t), gap.End);
                if (holes.Count > 0 && holes[^1].End == t)
                {
                    holes[^1] = holes[^1] with { End = end };
                }
                else
                {
                    holes.Add(new RotaHole(t, end));
                }
                t = end;
            }
        }
        return holes;
    }

    private long? SlotIndex(Instant instant)
    {
        var r = _rotation!;
        if (instant < SlotStart(0))
        {
            return null;
        }
        var days = Period.Between(r.Anchor, instant.InZone(_zone).Date, PeriodUnits.Days).Days;
        long k = days / r.Days;
        while (SlotStart(k) > instant)
        {
            k--;
        }
        while (SlotStart(k + 1) <= instant)
        {
            k++;
        }
        return k;
    }

    private Instant SlotStart(long k) =>
        (_rotation!.Anchor.PlusDays((int)(k * _rotation.Days)) + _rotation.StartTime).InZoneLeniently(_zone).ToInstant();

    private static int Mod(long k, int n) => (int)(((k % n) + n) % n);

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static string Key(RotaEntry e) => $"{(e.Source == RotaSource.Override ? "overrides" : "shifts")}:{e.Id}";

    private static string Word(RotaSource source) => source == RotaSource.Override ? "override" : "shift";

    private static void CheckPair(OnCallPair pair, string key, Func<string, bool> isKnownUser, FieldErrors errors)
    {
        foreach (var (who, role) in new[] { (pair.Primary, "primary"), (pair.Secondary, "secondary") })
        {
            if (string.IsNullOrWhiteSpace(who))
            {
                errors.Add(key, $"The {role} analyst is missing.");
            }
            else if (!isKnownUser(who))
            {
                errors.Add(key, $"'{who}' ({role}) is not a staff user of Vigie.");
            }
        }
        if (!string.IsNullOrWhiteSpace(pair.Primary) && string.Equals(pair.Primary.Trim(), pair.Secondary?.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(key, $"'{pair.Primary}' cannot be both primary and secondary: the escalation would page the same person.");
        }
    }
}
