using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;
using Vigie.Core;
using Vigie.Core.Incidents;

namespace Vigie.Features.PublicSite;

/// <summary>
/// What the contact form posts, as typed (bound from the form, names <c>F.&lt;Property&gt;</c>). Kept as
/// typed so that a refused form is shown back unchanged; <see cref="ContactFormReader"/> makes a
/// <see cref="ContactReport"/> of it or names every faulty field.
/// </summary>
public sealed class ContactForm
{
    public string? Name { get; set; }

    public string? Organisation { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Subject { get; set; }

    /// <summary>An incident type key of the profile (§4.1), or <see cref="ContactFormReader.OtherKind"/>.</summary>
    public string? Kind { get; set; }

    /// <summary>When it started, as a <c>datetime-local</c> input sends it (<c>yyyy-MM-ddTHH:mm</c>), in the team's time zone.</summary>
    public string? StartedAt { get; set; }

    public string? Systems { get; set; }

    public string? Description { get; set; }

    public string? Evidence { get; set; }

    public string? Actions { get; set; }

    /// <summary>TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED) or empty.</summary>
    public string? Tlp { get; set; }

    /// <summary>The reporter's language (fr, en): the labels of the report and the first language of the answer.</summary>
    public string? Language { get; set; }

    /// <summary>The honeypot: hidden by the stylesheet, left empty by people, filled by form-filling robots.</summary>
    public string? Website { get; set; }
}

/// <summary>A validated, cleaned submission: single-line fields without line breaks, no control characters.</summary>
public sealed record ContactReport(
    string? Name,
    string? Organisation,
    string Email,
    string? Phone,
    string Subject,
    string Kind,
    DateTimeOffset? StartedAt,
    string? Systems,
    string Description,
    string? Evidence,
    string? Actions,
    Tlp? Tlp,
    string Language);

/// <summary>
/// Cleans and checks a <see cref="ContactForm"/>: control characters removed (tab and line feed kept in
/// multi-line fields, CR LF made LF), a line break in a single-line field refused (no header injection),
/// lengths checked after cleaning, every refusal naming its field in the page's language.
/// </summary>
public sealed class ContactFormReader(ContactFormOptions options, IStringLocalizer<ContactText> l, TimeZoneInfo zone, IReadOnlyCollection<string> kinds)
{
    public const string OtherKind = "other";

    public static readonly string[] Languages = ["fr", "en"];

    /// <summary>The TLP choices, in the order of the select.</summary>
    public static readonly Tlp[] TlpChoices = [Core.Incidents.Tlp.Clear, Core.Incidents.Tlp.Green, Core.Incidents.Tlp.Amber, Core.Incidents.Tlp.AmberStrict, Core.Incidents.Tlp.Red];

    public (ContactReport? Report, Error? Error) Read(ContactForm form, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new FieldErrors();
        var max = options.MaxLength;

        var name = SingleLine(errors, nameof(form.Name), form.Name, max.Name, required: false);
        var organisation = SingleLine(errors, nameof(form.Organisation), form.Organisation, max.Organisation, required: false);
        var emailText = SingleLine(errors, nameof(form.Email), form.Email, max.Email, required: true);
        var email = "";
        if (emailText is not null && !EmailAddress.TryNormalize(emailText, out email, out _))
        {
            errors.Add(nameof(form.Email), l["Error.Email", Label(nameof(form.Email))]);
        }
        var phone = SingleLine(errors, nameof(form.Phone), form.Phone, max.Phone, required: false);
        if (phone is not null && !phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '(' or ')' or '-' or '.' or '/'))
        {
            errors.Add(nameof(form.Phone), l["Error.Phone", Label(nameof(form.Phone))]);
        }
        var subject = SingleLine(errors, nameof(form.Subject), form.Subject, max.Subject, required: true);

        var kind = string.IsNullOrWhiteSpace(form.Kind) ? OtherKind : form.Kind.Trim();
        if (kind != OtherKind && !kinds.Contains(kind))
        {
            errors.Add(nameof(form.Kind), l["Error.Choice", Label(nameof(form.Kind))]);
        }

        DateTimeOffset? startedAt = null;
        if (!string.IsNullOrWhiteSpace(form.StartedAt))
        {
            if (DateTime.TryParseExact(form.StartedAt.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"],
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) && local.Year >= 1990)
            {
                // A wall-clock time in the team's zone (stated on the form); an hour skipped at the spring change is read as the next one.
                var offset = zone.IsInvalidTime(local) ? zone.GetUtcOffset(local.AddHours(1)) : zone.GetUtcOffset(local);
                startedAt = new DateTimeOffset(local, offset);
                if (startedAt > now.AddHours(1))
                {
                    errors.Add(nameof(form.StartedAt), l["Error.Future", Label(nameof(form.StartedAt))]);
                }
            }
            else
            {
                errors.Add(nameof(form.StartedAt), l["Error.Date", Label(nameof(form.StartedAt))]);
            }
        }

        var systems = MultiLine(errors, nameof(form.Systems), form.Systems, max.Systems, required: false);
        var description = MultiLine(errors, nameof(form.Description), form.Description, max.Description, required: true);
        var evidence = MultiLine(errors, nameof(form.Evidence), form.Evidence, max.Evidence, required: false);
        var actions = MultiLine(errors, nameof(form.Actions), form.Actions, max.Actions, required: false);

        Tlp? tlp = null;
        if (!string.IsNullOrWhiteSpace(form.Tlp))
        {
            if (TrafficLabels.TryParseTlp(form.Tlp, out var parsed))
            {
                tlp = parsed;
            }
            else
            {
                errors.Add(nameof(form.Tlp), l["Error.Choice", Label(nameof(form.Tlp))]);
            }
        }

        var language = form.Language?.Trim().ToLowerInvariant() is { } lang && Languages.Contains(lang)
            ? lang
            : CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is "en" ? "en" : "fr";

        if (errors.ToError() is { } error)
        {
            return (null, error);
        }
        return (new ContactReport(name, organisation, email, phone, subject!, kind, startedAt, systems, description!, evidence, actions, tlp, language), null);
    }

    /// <summary>The label of a field in the page's language (the same words as on the form).</summary>
    public string Label(string field) => l["Field." + field];

    private string? SingleLine(FieldErrors errors, string field, string? value, int max, bool required)
    {
        if (value is not null && value.Any(c => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029'))
        {
            errors.Add(field, l["Error.LineBreak", Label(field)]);
            return null;
        }
        return Checked(errors, field, Clean(value, multiLine: false), max, required);
    }

    private string? MultiLine(FieldErrors errors, string field, string? value, int max, bool required) =>
        Checked(errors, field, Clean(value, multiLine: true), max, required);

    private string? Checked(FieldErrors errors, string field, string text, int max, bool required)
    {
        if (text.Length == 0)
        {
            if (required)
            {
                errors.Add(field, l["Error.Required", Label(field)]);
            }
            return null;
        }
        if (text.Length > max)
        {
            errors.Add(field, l["Error.TooLong", Label(field), text.Length, max]);
            return null;
        }
        return text;
    }

    /// <summary>
    /// Without control characters (C0, DEL, C1) except tab and line feed in multi-line text, without the
    /// bidirectional overrides that make text read otherwise than it is stored ("Trojan Source",
    /// CVE-2021-42574); CR LF and lone CR made LF; trimmed.
    /// </summary>
    public static string Clean(string? value, bool multiLine)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var text = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if ((c is '\n' or '\t' && multiLine) || !(char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'))
            {
                builder.Append(c);
            }
        }
        return multiLine ? builder.ToString().TrimStart('\n').TrimEnd() : builder.ToString().Trim();
    }
}
