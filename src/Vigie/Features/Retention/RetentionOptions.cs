using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Vigie.Features.Retention;

/// <summary>The kinds of record the retention purge looks after (docs/privacy.md, "Retention").</summary>
public enum RetentionKind
{
    /// <summary>The stored original MIME of reports (the blob); what was read from it stays.</summary>
    RawMail,

    /// <summary>Reports dismissed without an incident (spam, duplicate, not for us, handled), except those from the contact form.</summary>
    UnlinkedReports,

    /// <summary>Contact-form submissions (web-form reports) dismissed without an incident.</summary>
    ContactForm,

    /// <summary>Closed or rejected incidents: their personal data, in the incident, its reports and its correspondence.</summary>
    ClosedIncidents,

    /// <summary>Evidence files of closed or rejected incidents.</summary>
    Evidence,

    /// <summary>Rows (and stored mail) of the outbound queue that were sent.</summary>
    Outbound,

    /// <summary>Sign-in sessions and recovery codes of disabled accounts.</summary>
    DisabledUserSessions,

    /// <summary>The audit log itself: a prefix of the chain, with a purge entry naming where it now starts.</summary>
    AuditLog,
}

/// <summary>What happens to a record at the end of its period.</summary>
public enum RetentionAction
{
    Delete,
    Pseudonymise,
}

/// <summary>One kind's rule: how long, then what.</summary>
public sealed class RetentionRule
{
    /// <summary><c>&lt;n&gt;y</c>, <c>&lt;n&gt;m</c>, <c>&lt;n&gt;d</c> (years, months, days) or <c>never</c>.</summary>
    public string Period { get; set; } = "";

    /// <summary><c>delete</c> or <c>pseudonymise</c>; which ones a kind accepts is in <see cref="RetentionOptions.Allowed"/>.</summary>
    public string Action { get; set; } = "";

    internal RetentionRule With(string period, string action)
    {
        Period = period;
        Action = action;
        return this;
    }
}

/// <summary><c>Vigie:Retention</c>: how long each kind of record is kept and what then happens to it (docs/privacy.md).</summary>
public sealed partial class RetentionOptions
{
    public const string Section = "Vigie:Retention";

    /// <summary>Whether the daily job runs on this node (the CLI works either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression of the daily run, in UTC.</summary>
    public string Schedule { get; set; } = "0 30 3 * * ?";

    /// <summary>Rows per batch; each batch is its own transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>The secret key of the pseudonyms (32 random bytes, hex); created on first use. Default <c>&lt;data dir&gt;/secrets/pseudonym-key</c>.</summary>
    public string? PseudonymKeyFile { get; set; }

    public RetentionRule RawMail { get; set; } = new RetentionRule().With("2y", "delete");

    public RetentionRule UnlinkedReports { get; set; } = new RetentionRule().With("1y", "delete");

    public RetentionRule ContactForm { get; set; } = new RetentionRule().With("1y", "delete");

    public RetentionRule ClosedIncidents { get; set; } = new RetentionRule().With("5y", "pseudonymise");

    public RetentionRule Evidence { get; set; } = new RetentionRule().With("5y", "delete");

    public RetentionRule Outbound { get; set; } = new RetentionRule().With("1y", "delete");

    public RetentionRule DisabledUserSessions { get; set; } = new RetentionRule().With("90d", "delete");

    public RetentionRule AuditLog { get; set; } = new RetentionRule().With("6y", "delete");

    /// <summary>The actions each kind accepts.</summary>
    public static readonly IReadOnlyDictionary<RetentionKind, RetentionAction[]> Allowed = new Dictionary<RetentionKind, RetentionAction[]>
    {
        [RetentionKind.RawMail] = [RetentionAction.Delete],
        [RetentionKind.UnlinkedReports] = [RetentionAction.Delete, RetentionAction.Pseudonymise],
        [RetentionKind.ContactForm] = [RetentionAction.Delete, RetentionAction.Pseudonymise],
        [RetentionKind.ClosedIncidents] = [RetentionAction.Pseudonymise],
        [RetentionKind.Evidence] = [RetentionAction.Delete],
        [RetentionKind.Outbound] = [RetentionAction.Delete],
        [RetentionKind.DisabledUserSessions] = [RetentionAction.Delete],
        [RetentionKind.AuditLog] = [RetentionAction.Delete],
    };

    public RetentionRule Rule(RetentionKind kind) => kind switch
    {
        RetentionKind.RawMail => RawMail,
        RetentionKind.UnlinkedReports => UnlinkedReports,
        RetentionKind.ContactForm => ContactForm,
        RetentionKind.ClosedIncidents => ClosedIncidents,
        RetentionKind.Evidence => Evidence,
        RetentionKind.Outbound => Outbound,
        RetentionKind.DisabledUserSessions => DisabledUserSessions,
        _ => AuditLog,
    };

    /// <summary>The instant before which a record of that kind is due, or null when the kind is kept for ever.</summary>
    public DateTimeOffset? Cutoff(RetentionKind kind, DateTimeOffset now) =>
        RetentionPeriod.TryParse(Rule(kind).Period, out var period) ? period?.Before(now) : null;

    public RetentionAction Action(RetentionKind kind) =>
        ParseAction(Rule(kind).Action) ?? throw new InvalidOperationException($"{Section}:{kind}:Action is not valid.");

    internal static RetentionAction? ParseAction(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "delete" => RetentionAction.Delete,
        "pseudonymise" or "pseudonymize" => RetentionAction.Pseudonymise,
        _ => null,
    };

    internal static bool IsCron(string? expression)
    {
        try
        {
            _ = new Quartz.CronExpression(expression ?? "");
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Every faulty key, named (<c>Vigie:Retention:RawMail:Period: …</c>).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var kind in Enum.GetValues<RetentionKind>())
        {
            var rule = Rule(kind);
            var key = $"{Section}:{kind}";
            if (!RetentionPeriod.TryParse(rule.Period, out _))
            {
                problems.Add($"{key}:Period: '{rule.Period}' is not a period: write <n>y, <n>m or <n>d (n from 1 to 100 years, 1,200 months, 36,500 days), or 'never'.");
            }
            var allowed = Allowed[kind];
            if (ParseAction(rule.Action) is not { } action || !allowed.Contains(action))
            {
                problems.Add($"{key}:Action: '{rule.Action}' is not accepted here: {string.Join(" or ", allowed.Select(a => a.ToString().ToLowerInvariant()))}.");
            }
        }
        if (BatchSize is < 1 or > 10_000)
        {
            problems.Add($"{Section}:BatchSize: {BatchSize.ToString(CultureInfo.InvariantCulture)} is outside 1–10,000.");
        }
        if (!IsCron(Schedule))
        {
            problems.Add($"{Section}:Schedule: '{Schedule}' is not a Quartz cron expression (e.g. '0 30 3 * * ?').");
        }
        return problems;
    }
}

/// <summary>A retention period in calendar units (a year is a calendar year, so leap days do not shift the boundary).</summary>
public sealed partial record RetentionPeriod(int Amount, char Unit)
{
    /// <summary>True when <paramref name="text"/> is a period (<paramref name="period"/> then null for <c>never</c>).</summary>
    public static bool TryParse(string? text, out RetentionPeriod? period)
    {
        period = null;
        var value = text?.Trim().ToLowerInvariant() ?? "";
        if (value == "never")
        {
            return true;
        }
        if (Pattern().Match(value) is not { Success: true } m || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        var unit = m.Groups[2].Value[0];
        var max = unit switch { 'y' => 100, 'm' => 1200, _ => 36_500 };
        if (n < 1 || n > max)
        {
            return false;
        }
        period = new RetentionPeriod(n, unit);
        return true;
    }

    public DateTimeOffset Before(DateTimeOffset now) => Unit switch
    {
        'y' => now.AddYears(-Amount),
        'm' => now.AddMonths(-Amount),
        _ => now.AddDays(-Amount),
    };

    [GeneratedRegex("^([0-9]{1,5})([ymd])$")]
    private static partial Regex Pattern();
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
