using NodaTime;
using Vigie.Core.Incidents;

namespace Vigie.Core.Sla;

/// <summary>The two clocks of an incident.</summary>
public enum SlaClockKind
{
    /// <summary>Until the first human answer to the reporter (the automatic acknowledgement does not count).</summary>
    FirstResponse,

    /// <summary>Until the incident is resolved.</summary>
    Resolution,
}

/// <summary>Targets per priority; a priority without a resolution target has no resolution clock.</summary>
public sealed record SlaTargets(IReadOnlyDictionary<Priority, SlaTarget> FirstResponse, IReadOnlyDictionary<Priority, SlaTarget> Resolution);

/// <summary>A target and where it comes from (<c>default</c> or <c>contract:gold</c>), for the explanation.</summary>
public sealed record AppliedTarget(SlaTarget Target, string Source);

/// <summary>
/// The SLA policy (docs/sla.md): first-response and resolution targets per priority, by default and per
/// constituent contract tier (a tier's targets replace the default ones priority by priority), the
/// share of a clock after which it is "at risk", and whether the clocks pause while the team waits for
/// the constituent.
/// </summary>
public sealed class SlaPolicy(SlaTargets defaults, IReadOnlyDictionary<string, SlaTargets> contracts, double atRiskFraction, bool pauseWhileWaiting)
{
    public SlaTargets Default { get; } = defaults;

    /// <summary>Targets by contract tier (case-insensitive).</summary>
    public IReadOnlyDictionary<string, SlaTargets> Contracts { get; } =
        new Dictionary<string, SlaTargets>(contracts, StringComparer.OrdinalIgnoreCase);

    /// <summary>Share of the clock (0–1) after which it shows "at risk".</summary>
    public double AtRiskFraction { get; } = atRiskFraction;

    public bool PauseWhileWaiting { get; } = pauseWhileWaiting;

    /// <summary>The profile's promise alone: one business day for every priority, no resolution target.</summary>
    public static SlaPolicy FromProfile(int initialResponseBusinessDays) => new(
        new SlaTargets(Enum.GetValues<Priority>().ToDictionary(p => p, _ => new SlaTarget(Math.Max(1, initialResponseBusinessDays), SlaUnit.BusinessDays)),
            new Dictionary<Priority, SlaTarget>()),
        new Dictionary<string, SlaTargets>(), 0.75, pauseWhileWaiting: true);

    public AppliedTarget? Target(SlaClockKind clock, Priority priority, string? contractTier)
    {
        if (contractTier is { Length: > 0 } && Contracts.TryGetValue(contractTier, out var contract)
            && Pick(contract, clock).TryGetValue(priority, out var own))
        {
            return new AppliedTarget(own, "contract:" + contractTier);
        }
        return Pick(Default, clock).TryGetValue(priority, out var target) ? new AppliedTarget(target, "default") : null;
    }

    private static IReadOnlyDictionary<Priority, SlaTarget> Pick(SlaTargets targets, SlaClockKind clock) =>
        clock == SlaClockKind.FirstResponse ? targets.FirstResponse : targets.Resolution;
}

/// <summary>Where a clock stands.</summary>
public enum SlaStatus
{
    /// <summary>Running, less than the at-risk share used.</summary>
    Running,

    /// <summary>Running, at least the at-risk share used.</summary>
    AtRisk,

    /// <summary>Running past its due time.</summary>
    Breached,

    /// <summary>Paused while the team waits for the constituent.</summary>
    Paused,

    /// <summary>Stopped in time.</summary>
    Met,

    /// <summary>Stopped after its due time.</summary>
    Missed,
}

/// <summary>A clock read at an instant: status, due time, business (or clock) time left (negative when late), share used.</summary>
public sealed record SlaReading(SlaStatus Status, Instant Due, Duration Remaining, double Used)
{
    public bool IsLate => Status is SlaStatus.Breached or SlaStatus.Missed;

    /// <summary>Reads a clock that started counting at <paramref name="clockStart"/> and is due at <paramref name="due"/>.</summary>
    /// <param name="target">The target the clock runs on (business or clock time).</param>
    /// <param name="calendar">The team's business calendar.</param>
    /// <param name="clockStart">When the clock started (the reception; business targets count from the next opening).</param>
    /// <param name="due">The due time, pauses included.</param>
    /// <param name="stoppedAt">When the clock was stopped (answered, resolved), if it was.</param>
    /// <param name="pausedSince">When the current pause started, if the clock is paused.</param>
    /// <param name="now">The instant of reading.</param>
    /// <param name="atRiskFraction">Share of the clock after which it is at risk.</param>
    public static SlaReading Read(SlaTarget target, BusinessCalendar calendar, Instant clockStart, Instant due,
        Instant? stoppedAt, Instant? pausedSince, Instant now, double atRiskFraction)
    {
        if (stoppedAt is { } stop)
        {
            var met = stop <= due;
            return new SlaReading(met ? SlaStatus.Met : SlaStatus.Missed, due, Signed(target, calendar, stop, due), 1);
        }
        var at = pausedSince is { } p && p < now ? p : now;
        var total = target.Elapsed(calendar, clockStart, due);
        // Past due, the share used is total + late over total: the late part is counted once (it may span months).
        var remaining = Signed(target, calendar, at, due);
        var used = total <= Duration.Zero ? 1
            : at >= due ? (total - remaining).TotalTicks / total.TotalTicks
            : target.Elapsed(calendar, clockStart, at).TotalTicks / total.TotalTicks;
        var status = pausedSince is not null ? SlaStatus.Paused
            : at >= due ? SlaStatus.Breached
            : used >= atRiskFraction ? SlaStatus.AtRisk
            : SlaStatus.Running;
        return new SlaReading(status, due, remaining, Math.Min(used, 10));
    }

    private static Duration Signed(SlaTarget target, BusinessCalendar calendar, Instant at, Instant due) =>
        at <= due ? target.Elapsed(calendar, at, due) : Duration.Zero - target.Elapsed(calendar, due, at);
}
