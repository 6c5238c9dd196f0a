using Microsoft.Extensions.Options;

namespace Vigie.Features.PublicSite;

/// <summary>
/// <c>Vigie:PublicSite:ContactForm</c>: the public contact form for non-constituents (RFC 2350 §2.4,
/// docs/contact-form.md): whether it is open, how many submissions it takes, how long each field may be.
/// </summary>
public sealed class ContactFormOptions
{
    public const string Section = PublicSiteOptions.Section + ":ContactForm";

    /// <summary>
    /// The request body limit of the form's endpoint (bytes). A constant, not a setting: it is endpoint metadata
    /// (<c>[RequestSizeLimit]</c>); the field limits below are checked against it at start-up.
    /// </summary>
    public const long MaxRequestBytes = 512 * 1024;

    /// <summary>Ceiling on the sum of the field limits, so that a full form, URL-encoded, fits <see cref="MaxRequestBytes"/>.</summary>
    public const int MaxTotalLength = 150_000;

    /// <summary>
    /// Longest e-mail address taken: RFC 5321's 254, less the <c>form:</c> prefix of the report's
    /// <c>SubmittedBy</c> column (254 characters), which the per-address limit counts on.
    /// </summary>
    public const int MaxEmailLength = 249;

    /// <summary>Whether <c>/contact</c> takes reports; when false the page only gives the addresses to mail.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Submissions (accepted or refused) from one client address (IPv4, or IPv6 /64) within <see cref="PerIpWindow"/>, per node.</summary>
    public int PerIpLimit { get; set; } = 10;

    /// <summary>The sliding window of <see cref="PerIpLimit"/> (1 minute to 1 day).</summary>
    public TimeSpan PerIpWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Reports stored for one e-mail address within <see cref="PerAddressWindow"/>, counted in the database (all nodes).</summary>
    public int PerAddressLimit { get; set; } = 3;

    /// <summary>The sliding window of <see cref="PerAddressLimit"/> (1 minute to 1 day).</summary>
    public TimeSpan PerAddressWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest value of each field, in characters (line breaks count one).</summary>
    public ContactFieldLimits MaxLength { get; set; } = new();
}

/// <summary>The longest value of each field of the form, in characters.</summary>
public sealed class ContactFieldLimits
{
    public int Name { get; set; } = 200;

    public int Organisation { get; set; } = 200;

    public int Email { get; set; } = ContactFormOptions.MaxEmailLength;

    public int Phone { get; set; } = 40;

    public int Subject { get; set; } = 200;

    public int Systems { get; set; } = 5_000;

    public int Description { get; set; } = 20_000;

    public int Evidence { get; set; } = 50_000;

    public int Actions { get; set; } = 5_000;

    internal IEnumerable<(string Key, int Value)> All() =>
    [
        (nameof(Name), Name), (nameof(Organisation), Organisation), (nameof(Email), Email), (nameof(Phone), Phone),
        (nameof(Subject), Subject), (nameof(Systems), Systems), (nameof(Description), Description),
        (nameof(Evidence), Evidence), (nameof(Actions), Actions),
    ];
}

/// <summary>Start-up checks of <see cref="ContactFormOptions"/>, every faulty key named.</summary>
internal sealed class ContactFormOptionsValidator : IValidateOptions<ContactFormOptions>
{
    public ValidateOptionsResult Validate(string? name, ContactFormOptions options)
    {
        var failures = new List<string>();
        const string s = ContactFormOptions.Section;
        if (options.PerIpLimit is < 1 or > 10_000)
        {
            failures.Add($"{s}:PerIpLimit: {options.PerIpLimit} must be between 1 and 10000.");
        }
        if (options.PerAddressLimit is < 1 or > 10_000)
        {
            failures.Add($"{s}:PerAddressLimit: {options.PerAddressLimit} must be between 1 and 10000.");
        }
        foreach (var (key, window) in new[] { ("PerIpWindow", options.PerIpWindow), ("PerAddressWindow", options.PerAddressWindow) })
        {
            if (window < TimeSpan.FromMinutes(1) || window > TimeSpan.FromDays(1))
            {
                failures.Add($"{s}:{key}: {window} must be between 00:01:00 and 1.00:00:00.");
            }
        }
        foreach (var (key, value) in options.MaxLength.All())
        {
            if (value < 1)
            {
                failures.Add($"{s}:MaxLength:{key}: {value} must be at least 1.");
            }
        }
        if (options.MaxLength.Email is < 6 or > ContactFormOptions.MaxEmailLength)
        {
            failures.Add($"{s}:MaxLength:Email: {options.MaxLength.Email} must be between 6 and {ContactFormOptions.MaxEmailLength}.");
        }
        // Single-line fields end up in mail headers (From, Subject): RFC 5322 §2.1.1 caps a line at 998 characters.
        foreach (var (key, value) in new[] { ("Name", options.MaxLength.Name), ("Organisation", options.MaxLength.Organisation),
                     ("Phone", options.MaxLength.Phone), ("Subject", options.MaxLength.Subject) })
        {
            if (value > 900)
            {
                failures.Add($"{s}:MaxLength:{key}: {value} must be at most 900 (a header line holds 998 characters).");
            }
        }
        var total = options.MaxLength.All().Sum(f => (long)Math.Max(f.Value, 0));
        if (total > ContactFormOptions.MaxTotalLength)
        {
            failures.Add($"{s}:MaxLength: the fields add up to {total} characters; at most {ContactFormOptions.MaxTotalLength} fit the form's request limit of {ContactFormOptions.MaxRequestBytes} bytes.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
