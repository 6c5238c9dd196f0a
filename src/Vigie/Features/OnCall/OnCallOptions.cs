using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using Vigie.Core.Taxonomy;

namespace Vigie.Features.OnCall;

/// <summary><c>Vigie:OnCall</c>: paging outside business hours (docs/oncall.md). Checked at start-up.</summary>
public sealed class OnCallOptions
{
    public const string Section = "Vigie:OnCall";

    /// <summary>Whether pages are sent (and an empty rota or a hole is an alert).</summary>
    public bool Enabled { get; set; }

    /// <summary>Minutes without acknowledgement before the secondary is paged (1–240).</summary>
    public int EscalateAfterMinutes { get; set; } = 15;

    /// <summary>How often the on-call job runs (seconds, 5–3600).</summary>
    public int RunSeconds { get; set; } = 30;

    /// <summary>
    /// RSIT classes that make a pending report of a contract client critical; unset means
    /// <see cref="DefaultCriticalClasses"/> (null rather than a filled list: the configuration binder
    /// would append the operator's list to it instead of replacing it).
    /// </summary>
    public List<string>? CriticalClasses { get; set; }

    public static readonly IReadOnlyList<string> DefaultCriticalClasses = ["malicious-code", "intrusions", "availability"];

    internal IReadOnlyList<string> EffectiveCriticalClasses => CriticalClasses ?? DefaultCriticalClasses;

    /// <summary>The workspace's absolute address, for the acknowledgement link in pages (e.g. https://vigie.example/).</summary>
    public string? PublicUrl { get; set; }

    public WebhookOptions Webhook { get; set; } = new();

    /// <summary>The weekly rotation's shape; its slots (who, in turn) are edited on /oncall.</summary>
    public RotationOptions Rotation { get; set; } = new();
}

public sealed class WebhookOptions
{
    /// <summary>Absolute http(s) URL receiving a JSON POST per page; empty for none.</summary>
    public string? Url { get; set; }

    /// <summary>Header carrying <see cref="Secret"/> (default X-Vigie-Secret).</summary>
    public string SecretHeader { get; set; } = "X-Vigie-Secret";

    public string? Secret { get; set; }

    public int TimeoutSeconds { get; set; } = 10;
}

public sealed class RotationOptions
{
    /// <summary>The first day of the first rotation shift (yyyy-MM-dd), e.g. a Monday.</summary>
    public string Anchor { get; set; } = "2026-01-05";

    /// <summary>Local hand-over time (HH:mm).</summary>
    public string StartTime { get; set; } = "18:00";

    /// <summary>Length of a rotation shift in days.</summary>
    public int Days { get; set; } = 7;

    internal LocalDate AnchorDate => LocalDatePattern.Iso.Parse(Anchor ?? "").GetValueOrThrow();

    internal LocalTime Time => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(StartTime ?? "").GetValueOrThrow();
}

/// <summary>Checks <see cref="OnCallOptions"/>, naming each faulty key.</summary>
internal sealed class OnCallOptionsValidator : IValidateOptions<OnCallOptions>
{
    public ValidateOptionsResult Validate(string? name, OnCallOptions o)
    {
        var failures = new List<string>();
        var s = OnCallOptions.Section;
        if (o.EscalateAfterMinutes is < 1 or > 240)
        {
            failures.Add($"{s}:EscalateAfterMinutes: {o.EscalateAfterMinutes} is not between 1 and 240 minutes.");
        }
        if (o.RunSeconds is < 5 or > 3600)
        {
            failures.Add($"{s}:RunSeconds: {o.RunSeconds} is not between 5 and 3600 seconds.");
        }
        if (!string.IsNullOrWhiteSpace(o.Webhook.Url) && !IsHttp(o.Webhook.Url))
        {
            failures.Add($"{s}:Webhook:Url: '{o.Webhook.Url}' is not an absolute http(s) URL.");
        }
        if (o.Webhook.TimeoutSeconds is < 1 or > 120)
        {
            failures.Add($"{s}:Webhook:TimeoutSeconds: {o.Webhook.TimeoutSeconds} is not between 1 and 120 seconds.");
        }
        if (string.IsNullOrWhiteSpace(o.Webhook.SecretHeader) && !string.IsNullOrEmpty(o.Webhook.Secret))
        {
            failures.Add($"{s}:Webhook:SecretHeader: a secret needs a header name.");
        }
        if (!string.IsNullOrWhiteSpace(o.PublicUrl) && !IsHttp(o.PublicUrl))
        {
            failures.Add($"{s}:PublicUrl: '{o.PublicUrl}' is not an absolute http(s) URL.");
        }
        for (var i = 0; i < o.CriticalClasses?.Count; i++)
        {
            if (RsitTaxonomy.Default.FindClass(o.CriticalClasses[i]) is null)
            {
                failures.Add($"{s}:CriticalClasses:{i}: '{o.CriticalClasses[i]}' is not an RSIT class ({string.Join(", ", RsitTaxonomy.Default.Classes.Select(c => c.Value))}).");
            }
        }
        if (!LocalDatePattern.Iso.Parse(o.Rotation.Anchor ?? "").Success)
        {
            failures.Add($"{s}:Rotation:Anchor: '{o.Rotation.Anchor}' is not a date (yyyy-MM-dd).");
        }
        if (!LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(o.Rotation.StartTime ?? "").Success)
        {
            failures.Add($"{s}:Rotation:StartTime: '{o.Rotation.StartTime}' is not a time (HH:mm).");
        }
        if (o.Rotation.Days is < 1 or > 31)
        {
            failures.Add($"{s}:Rotation:Days: {o.Rotation.Days} is not between 1 and 31.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
