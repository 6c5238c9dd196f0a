using Microsoft.Extensions.Options;
using Vigie.Core.PublicSite;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary>
/// <c>Vigie:PublicSite:SecurityTxt</c>: what security.txt (RFC 9116) says beyond what the team profile and the
/// public site already give (docs/security-txt.md). Every value must be one line; URIs are https (http only to
/// a loopback host), mailto: or tel:, as RFC 9116 §2.5 says.
/// </summary>
public sealed class SecurityTxtOptions
{
    public const string Section = "Vigie:PublicSite:SecurityTxt";

    /// <summary>Contact URIs added after the defaults (mailto: the profile's incident address, then the contact form), in order of preference.</summary>
    public List<string> Contacts { get; set; } = [];

    /// <summary>List the contact form (<c>&lt;public address&gt;/contact</c>) as the second Contact (default true).</summary>
    public bool ContactForm { get; set; } = true;

    /// <summary>
    /// A fixed expiry (ISO 8601 / RFC 3339, e.g. <c>2026-12-31T00:00:00Z</c> or <c>2026-12-31</c>), which must be in the
    /// future at start-up. Unset (the default): the file is renewed automatically, expiring <see cref="ValidityDays"/>
    /// after the day it is served (UTC midnight).
    /// </summary>
    public string? Expires { get; set; }

    /// <summary>Validity of the automatically renewed file, in days (default 180; RFC 9116 §2.5.5 recommends less than a year).</summary>
    public int ValidityDays { get; set; } = 180;

    /// <summary>Encryption URIs added after the team key's address (https, dns: or openpgp4fpr:).</summary>
    public List<string> Encryption { get; set; } = [];

    /// <summary>Policy URIs added after the RFC 2350 page.</summary>
    public List<string> Policy { get; set; } = [];

    /// <summary>Acknowledgments page (https), if the team has one.</summary>
    public string? Acknowledgments { get; set; }

    /// <summary>Hiring page (https), if any.</summary>
    public string? Hiring { get; set; }

    /// <summary>The fixed expiry, when <see cref="Expires"/> is set and readable.</summary>
    internal DateTimeOffset? FixedExpires => TryParseExpires(Expires, out var at) ? at : null;

    internal static bool TryParseExpires(string? text, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (SecurityTxtParser.TryParseDateTime(text, out at))
        {
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }
        return false;
    }
}

/// <summary>
/// Start-up checks of <see cref="SecurityTxtOptions"/>, each faulty key named: one-line values with allowed
/// schemes, a fixed Expires in the future, and a self-check that the file generated from the whole configuration
/// passes the strict RFC 9116 parser.
/// </summary>
internal sealed class SecurityTxtOptionsValidator(TimeProvider time, IOptions<TeamProfileOptions> profile, IOptions<PublicSiteOptions> site)
    : IValidateOptions<SecurityTxtOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityTxtOptions options)
    {
        var failures = new List<string>();
        var now = time.GetUtcNow();
        void Uri(string key, string field, string? value)
        {
            if (SecurityTxtRules.UriProblem(field, value) is { } problem)
            {
                failures.Add($"{SecurityTxtOptions.Section}:{key}: {problem}");
            }
        }
        for (var i = 0; i < options.Contacts.Count; i++)
        {
            Uri($"Contacts:{i}", SecurityTxtRules.Contact, options.Contacts[i]);
        }
        for (var i = 0; i < options.Encryption.Count; i++)
        {
            Uri($"Encryption:{i}", SecurityTxtRules.Encryption, options.Encryption[i]);
        }
        for (var i = 0; i < options.Policy.Count; i++)
        {
            Uri($"Policy:{i}", SecurityTxtRules.Policy, options.Policy[i]);
        }
        if (!string.IsNullOrEmpty(options.Acknowledgments))
        {
            Uri("Acknowledgments", SecurityTxtRules.Acknowledgments, options.Acknowledgments);
        }
        if (!string.IsNullOrEmpty(options.Hiring))
        {
            Uri("Hiring", SecurityTxtRules.Hiring, options.Hiring);
        }
        if (options.ValidityDays is < 1 or > 365)
        {
            failures.Add($"{SecurityTxtOptions.Section}:ValidityDays: {options.ValidityDays} is not between 1 and 365 days (RFC 9116 §2.5.5 recommends less than a year).");
        }
        if (!string.IsNullOrWhiteSpace(options.Expires))
        {
            if (SecurityTxtRules.SingleLineProblem(options.Expires) is { } line)
            {
                failures.Add($"{SecurityTxtOptions.Section}:Expires: {line}");
            }
            else if (!SecurityTxtOptions.TryParseExpires(options.Expires, out var at))
            {
                failures.Add($"{SecurityTxtOptions.Section}:Expires: '{options.Expires}' is not an ISO 8601 date or date-time such as 2026-12-31 or 2026-12-31T00:00:00Z.");
            }
            else if (at <= now)
            {
                failures.Add($"{SecurityTxtOptions.Section}:Expires: {SecurityTxtRules.FormatExpires(at)} is in the past: security.txt would be stale (RFC 9116 §2.5.5). "
                    + "Set a later date, or remove the key so that the file is renewed automatically.");
            }
        }
        if (failures.Count == 0)
        {
            // The whole file, from the profile and the public site too, must pass the strict parser.
            var baseUrl = string.IsNullOrWhiteSpace(site.Value.PublicUrl) ? "https://csirt.invalid/" : site.Value.PublicUrl;
            var document = SecurityTxtService.Build(options, profile.Value, site.Value, baseUrl, now, null);
            var problems = SecurityTxtWriter.Check(document);
            var parsed = problems.Count == 0 ? SecurityTxtParser.Parse(SecurityTxtWriter.Render(document), now).Errors : problems;
            failures.AddRange(parsed.Select(p => $"{SecurityTxtOptions.Section} (generated security.txt) {p.Field}: {p.Message}"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
