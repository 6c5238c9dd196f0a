using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace Vigie.Core.Sla;

/// <summary>The unit of an SLA target: business time (counted on the calendar) or clock time (24/7).</summary>
public enum SlaUnit
{
    BusinessDays,
    BusinessHours,
    Hours,
    Minutes,
}

/// <summary>
/// An SLA delay, written in configuration as <c>1bd</c> (business days), <c>4bh</c> (business hours),
/// <c>1h</c> (clock hours) or <c>30m</c> (clock minutes). Business targets start at the next opening and
/// count only opening hours; clock targets start at once and count every minute (the on-call promise).
/// </summary>
public readonly partial record struct SlaTarget(int Amount, SlaUnit Unit)
{
    public bool IsBusiness => Unit is SlaUnit.BusinessDays or SlaUnit.BusinessHours;

    public static Result<SlaTarget> Parse(string? text, string field)
    {
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount is < 1 or > 10_000)
        {
            return Error.Validation(field,
                $"'{text}' is not an SLA delay: write a number from 1 to 10000 and a unit, bd (business days), bh (business hours), h (hours) or m (minutes), e.g. 1bd, 4bh, 1h, 30m.");
        }
        var unit = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "bd" => SlaUnit.BusinessDays,
            "bh" => SlaUnit.BusinessHours,
            "h" => SlaUnit.Hours,
            _ => SlaUnit.Minutes,
        };
        return new SlaTarget(amount, unit);
    }

    /// <summary>When the clock that started at <paramref name="start"/> is due.</summary>
    public Instant DueFrom(BusinessCalendar calendar, Instant start) => Unit switch
    {
        SlaUnit.BusinessDays => calendar.AddBusinessDays(start, Amount),
        SlaUnit.BusinessHours => calendar.AddBusinessTime(start, Duration.FromHours(Amount)),
        SlaUnit.Hours => start + Duration.FromHours(Amount),
        _ => start + Duration.FromMinutes(Amount),
    };

    /// <summary>When the clock actually starts counting: the next opening for business targets, at once for clock targets.</summary>
    public Instant ClockStart(BusinessCalendar calendar, Instant received) => IsBusiness ? calendar.NextOpening(received) : received;

    /// <summary>The time that counts between two instants: business time for business targets, clock time otherwise.</summary>
    public Duration Elapsed(BusinessCalendar calendar, Instant from, Instant to) =>
        IsBusiness ? calendar.BusinessTimeBetween(from, to) : (to > from ? to - from : Duration.Zero);

    /// <summary>Moves a due instant later by a pause (business or clock time, as the target counts).</summary>
    public Instant Extend(BusinessCalendar calendar, Instant due, Duration paused) =>
        paused <= Duration.Zero ? due : IsBusiness ? calendar.AddBusinessTime(due, paused) : due + paused;

    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        SlaUnit.BusinessDays => "bd",
        SlaUnit.BusinessHours => "bh",
        SlaUnit.Hours => "h",
        _ => "m",
    };

    [GeneratedRegex(@"^(\d{1,5})\s*(bd|bh|h|m)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
