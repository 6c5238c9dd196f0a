using NodaTime;
using NodaTime.Text;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Sla;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Sla;

/// <summary>
/// <c>Vigie:Sla</c>: the SLA policy and the calendar's extras (docs/sla.md). The weekly hours and the
/// zone come from the team profile; the default first-response target is the profile's promise
/// (<c>Support:InitialResponseBusinessDays</c>). Checked at start-up: a bad value stops the server
/// with the key at fault, rather than surfacing at 03:00.
/// </summary>
public sealed class SlaOptions
{
    public const string Section = "Vigie:Sla";

    /// <summary>Percentage of a clock after which it shows "at risk" (1–99).</summary>
    public int AtRiskPercent { get; set; } = 75;

    /// <summary>Whether the clocks pause while the incident waits for the constituent.</summary>
    public bool PauseWhileWaiting { get; set; } = true;

    /// <summary>Public holidays: <c>FR</c> (the eleven French ones) or <c>none</c>.</summary>
    public string Holidays { get; set; } = "FR";

    /// <summary>Extra closed days (a seminar, 26 December in Alsace-Moselle).</summary>
    public List<ClosureOptions> Closures { get; set; } = [];

    /// <summary>Dates whose hours replace the rest (a half day, an open Saturday); no hours means closed.</summary>
    public List<DayOverrideOptions> Overrides { get; set; } = [];

    /// <summary>First-response targets by priority (P1–P4), e.g. <c>4bh</c>; missing ones use the profile's promise.</summary>
    public Dictionary<string, string> FirstResponse { get; set; } = [];

    /// <summary>Resolution targets by priority; a priority without one has no resolution clock.</summary>
    public Dictionary<string, string> Resolution { get; set; } = [];

    /// <summary>Targets by constituent contract tier (the constituent's <c>contract.tier</c>), replacing the defaults priority by priority.</summary>
    public Dictionary<string, ContractSlaOptions> Contracts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often the clocks are checked for breaches (seconds, 10–3600).</summary>
    public int SweepSeconds { get; set; } = 60;
}

public sealed class ClosureOptions
{
    public string From { get; set; } = "";

    /// <summary>Last closed day (inclusive); empty for a single day.</summary>
    public string? To { get; set; }

    public string Reason { get; set; } = "";
}

public sealed class DayOverrideOptions
{
    public string Date { get; set; } = "";

    public List<HoursOptions> Hours { get; set; } = [];

    public string Reason { get; set; } = "";
}

public sealed class HoursOptions
{
    public string Start { get; set; } = "";

    public string End { get; set; } = "";
}

public sealed class ContractSlaOptions
{
    public Dictionary<string, string> FirstResponse { get; set; } = [];

    public Dictionary<string, string> Resolution { get; set; } = [];
}

/// <summary>Turns the profile and <see cref="SlaOptions"/> into the calendar and the policy, or the list of what is wrong.</summary>
public static class SlaConfiguration
{
    private static readonly LocalDatePattern s_date = LocalDatePattern.Iso;
    private static readonly LocalTimePattern s_time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static Result<BusinessCalendar> BuildCalendar(TeamProfileOptions team, SlaOptions sla)
    {
        var errors = new FieldErrors();
        var weekly = new List<(IsoDayOfWeek, OpeningHours)>();
        for (var i = 0; i < team.BusinessHours.Count; i++)
        {
            var h = team.BusinessHours[i];
            var hours = Hours(h.Start, h.End, $"Vigie:Team:BusinessHours:{i}", errors);
            foreach (var day in h.Days)
            {
                if (!Enum.TryParse<DayOfWeek>(day?.Trim(), ignoreCase: true, out var d) || int.TryParse(day, out _))
                {
                    errors.Add($"Vigie:Team:BusinessHours:{i}:Days", $"'{day}' is not a day of the week (Monday … Sunday).");
                }
                else if (hours is not null)
                {
                    weekly.Add((d == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)d, hours));
                }
            }
        }

        Func<int, IReadOnlyList<PublicHoliday>>? holidays = (sla.Holidays ?? "").Trim().ToUpperInvariant() switch
        {
            "FR" => FrenchHolidays.For,
            "NONE" or "" => null,
            _ => Fail(errors, $"{SlaOptions.Section}:Holidays", $"'{sla.Holidays}' is not a holiday set: write FR or none."),
        };

        var closures = new List<Closure>();
        for (var i = 0; i < sla.Closures.Count; i++)
        {
            var c = sla.Closures[i];
            var key = $"{SlaOptions.Section}:Closures:{i}";
            var from = Date(c.From, key + ":From", errors);
            var to = string.IsNullOrWhiteSpace(c.To) ? from : Date(c.To, key + ":To", errors);
            if (string.IsNullOrWhiteSpace(c.Reason))
            {
                errors.Add(key + ":Reason", "A closure needs a reason (shown to analysts).");
            }
            if (from is { } f && to is { } t)
            {
                closures.Add(new Closure(f, t, c.Reason?.Trim() ?? ""));
            }
        }

        var overrides = new List<DayOverride>();
        for (var i = 0; i < sla.Overrides.Count; i++)
        {
            var o = sla.Overrides[i];
            var key = $"{SlaOptions.Section}:Overrides:{i}";
            var date = Date(o.Date, key + ":Date", errors);
            var hours = o.Hours.Select((h, j) => Hours(h.Start, h.End, $"{key}:Hours:{j}", errors)).ToList();
            if (string.IsNullOrWhiteSpace(o.Reason))
            {
                errors.Add(key + ":Reason", "An override needs a reason (shown to analysts).");
            }
            if (date is { } d && hours.All(h => h is not null))
            {
                overrides.Add(new DayOverride(d, hours!, o.Reason?.Trim() ?? ""));
            }
        }

        // Built even when some values were wrong, so one start reports every faulty key at once.
        var calendar = BusinessCalendar.Create(team.TimeZone, weekly, holidays, closures, overrides);
        foreach (var (field, messages) in calendar.Error?.Fields ?? new Dictionary<string, string[]>())
        {
            foreach (var m in messages)
            {
                errors.Add(field.StartsWith("timeZone", StringComparison.Ordinal) ? "Vigie:Team:TimeZone"
                    : field.StartsWith("hours", StringComparison.Ordinal) ? "Vigie:Team:BusinessHours"
                    : $"{SlaOptions.Section}:{char.ToUpperInvariant(field[0])}{field[1..]}", m);
            }
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        return calendar;
    }

    public static Result<SlaPolicy> BuildPolicy(TeamProfileOptions team, SlaOptions sla)
    {
        var errors = new FieldErrors();
        if (sla.AtRiskPercent is < 1 or > 99)
        {
            errors.Add($"{SlaOptions.Section}:AtRiskPercent", $"{sla.AtRiskPercent} is not a percentage from 1 to 99.");
        }
        if (sla.SweepSeconds is < 10 or > 3600)
        {
            errors.Add($"{SlaOptions.Section}:SweepSeconds", $"{sla.SweepSeconds} is not between 10 and 3600 seconds.");
        }
        var promise = team.Support.InitialResponseBusinessDays;
        if (promise < 1)
        {
            errors.Add("Vigie:Team:Support:InitialResponseBusinessDays", "The initial-response promise must be at least one business day.");
        }
        var profileDefault = new SlaTarget(Math.Max(1, promise), SlaUnit.BusinessDays);
        var first = Targets(sla.FirstResponse, $"{SlaOptions.Section}:FirstResponse", errors);
        foreach (var p in Enum.GetValues<Priority>())
        {
            first.TryAdd(p, profileDefault);
        }
        var resolution = Targets(sla.Resolution, $"{SlaOptions.Section}:Resolution", errors);
        var contracts = new Dictionary<string, SlaTargets>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tier, c) in sla.Contracts)
        {
            var key = $"{SlaOptions.Section}:Contracts:{tier}";
            contracts[tier] = new SlaTargets(Targets(c.FirstResponse, key + ":FirstResponse", errors), Targets(c.Resolution, key + ":Resolution", errors));
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        return new SlaPolicy(new SlaTargets(first, resolution), contracts, sla.AtRiskPercent / 100.0, sla.PauseWhileWaiting);
    }

    private static Dictionary<Priority, SlaTarget> Targets(Dictionary<string, string> configured, string key, FieldErrors errors)
    {
        var targets = new Dictionary<Priority, SlaTarget>();
        foreach (var (name, text) in configured)
        {
            if (!Enum.TryParse<Priority>(name, ignoreCase: true, out var priority) || !Enum.IsDefined(priority) || int.TryParse(name, out _))
            {
                errors.Add($"{key}:{name}", $"'{name}' is not a priority: write P1, P2, P3 or P4.");
                continue;
            }
            var target = SlaTarget.Parse(text, $"{key}:{name}");
            if (target.IsSuccess)
            {
                targets[priority] = target.Value;
            }
            else
            {
                errors.Add(target.Error);
            }
        }
        return targets;
    }

    private static OpeningHours? Hours(string? start, string? end, string key, FieldErrors errors)
    {
        var s = s_time.Parse(start?.Trim() ?? "");
        var e = s_time.Parse(end?.Trim() ?? "");
        if (!s.Success)
        {
            errors.Add(key + ":Start", $"'{start}' is not a time (HH:mm).");
        }
        if (!e.Success)
        {
            errors.Add(key + ":End", $"'{end}' is not a time (HH:mm).");
        }
        return s.Success && e.Success ? new OpeningHours(s.Value, e.Value) : null;
    }

    private static LocalDate? Date(string? text, string key, FieldErrors errors)
    {
        var parsed = s_date.Parse(text?.Trim() ?? "");
        if (!parsed.Success)
        {
            errors.Add(key, $"'{text}' is not a date (yyyy-MM-dd).");
            return null;
        }
        return parsed.Value;
    }

    private static Func<int, IReadOnlyList<PublicHoliday>>? Fail(FieldErrors errors, string key, string message)
    {
        errors.Add(key, message);
        return null;
    }

    internal static string Describe(Error error) => string.Join(Environment.NewLine,
        (error.Fields ?? new Dictionary<string, string[]>()).SelectMany(f => f.Value.Select(m => $" - {f.Key}: {m}")));
}
