using System.Collections.Concurrent;
using System.Text;
using Fluid;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Intake.Answers;

/// <summary>
/// Composes the automatic answers of issue 3 §6 as complete messages, in every language of the team in
/// one mail, from editable Liquid templates (docs/answers.md). Encryption (MailCrypto) and sending
/// (MailOutbox) come after; whether to answer at all (auto-submitted mail, one answer per sender per
/// window) is decided before. Thread-safe; registered as a singleton.
/// </summary>
public sealed class AnswerComposer
{
    /// <summary>The line between two languages of the body.</summary>
    public const string LanguageSeparator = "------------------------------------------------------------------------";

    /// <summary>Most ids kept in References; RFC 5322 §3.6.4 sets no limit, but some servers refuse huge headers.</summary>
    internal const int MaxReferences = 20;

    private readonly TeamProfileOptions _team;
    private readonly TimeProvider _time;
    private readonly string _subjectTag;
    private readonly TimeZoneInfo _zone;
    private readonly AnswerTemplates _templates;
    private readonly ConcurrentDictionary<string, TemplateOptions> _renderOptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<string, object?>> _teamFacts = new(StringComparer.Ordinal);

    /// <summary>Creates the composer; the team profile is read once (it does not reload).</summary>
    public AnswerComposer(
        IOptions<TeamProfileOptions> team,
        IOptions<AnswerOptions> options,
        IOptions<VigieOptions> vigie,
        TimeProvider time,
        ILogger<AnswerComposer> logger)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vigie);
        _team = team.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _subjectTag = AnswerText.SingleLine(options.Value.GetSubjectTag(_team), AnswerText.MaxNameLength);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(_team.TimeZone);
        _templates = new AnswerTemplates(options.Value.GetTemplateDirectory(vigie.Value), logger);
    }

    /// <summary>The directory searched for template overrides.</summary>
    public string TemplateDirectory => _templates.Directory;

    /// <summary>The subject tag of an incident: exactly <c>[{tag} #{number}]</c>, e.g. <c>[cegedim.cloud CSIRT #2026-0042]</c>.</summary>
    public string TrackingTag(string incidentNumber) => FormatTag(_subjectTag, AnswerText.SingleLine(incidentNumber, AnswerText.MaxNameLength));

    /// <summary>
    /// A complete message answering <paramref name="context"/>: From the team (incident address, or the
    /// general address for <see cref="AnswerKind.RequestReceived"/>), threaded with In-Reply-To and
    /// References (RFC 5322 §3.6.4), marked <c>Auto-Submitted: auto-replied</c> (RFC 3834 §5) and
    /// <c>X-Auto-Response-Suppress: All</c>, with a text/plain UTF-8 body holding every language of the
    /// team, the preferred one first. Values from the report never reach a header unclean.
    /// </summary>
    /// <exception cref="ArgumentException">An acknowledgement without incident number, or a recipient address with control characters.</exception>
    /// <exception cref="InvalidOperationException">No template exists for any of the team's languages.</exception>
    public MimeMessage Compose(AnswerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(context.To);
        var number = AnswerText.SingleLine(context.IncidentNumber, AnswerText.MaxNameLength);
        if (context.Kind == AnswerKind.Acknowledgement && number.Length == 0)
        {
            throw new ArgumentException("An acknowledgement needs the incident number it tracks.", nameof(context));
        }

        var to = Recipient(context.To);
        var subject = AnswerText.SingleLine(context.OriginalSubject, AnswerText.MaxSubjectLength);
        var tag = number.Length > 0 ? FormatTag(_subjectTag, number) : "";

        var languages = new List<string>();
        var bodies = new List<string>();
        foreach (var language in Languages(context.PreferredLanguage))
        {
            var text = Render(context, language, number, tag, subject);
            if (text is not null)
            {
                languages.Add(language);
                bodies.Add(text);
            }
        }

        if (bodies.Count == 0)
        {
            throw new InvalidOperationException(
                $"No answer template for {AnswerTemplates.Slug(context.Kind)} in any of the team's languages ({string.Join(", ", _team.Languages)}).");
        }

        var from = context.Kind == AnswerKind.RequestReceived && !string.IsNullOrWhiteSpace(_team.GeneralEmail)
            ? _team.GeneralEmail.Trim()
            : _team.IncidentEmail.Trim();
        var now = _time.GetUtcNow();

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(AnswerText.SingleLine(_team.Name, AnswerText.MaxNameLength), from));
        message.To.Add(to);
        message.Subject = Subject(context.Kind, subject, tag, languages);
        message.Date = TimeZoneInfo.ConvertTime(now, _zone);
        // <guid@domain-of-From>: unique, and a reply's In-Reply-To names a domain we own (threading, issue 3 §5).
        message.MessageId = $"{Guid.CreateVersion7(now):N}@{from[(from.LastIndexOf('@') + 1)..]}";
        Thread(message, context);
        // RFC 3834 §5: mark the mail as an automatic reply so that well-behaved responders stay quiet.
        // Precedence is not set: RFC 3834 §3.1.8 says not to rely on it. Exchange reads X-Auto-Response-Suppress.
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Auto-Response-Suppress", "All");

        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(Encoding.UTF8, string.Join($"\n\n{LanguageSeparator}\n\n", bodies) + "\n");
        // Quoted-printable keeps the body 7-bit, which a signature over it needs (RFC 3156 §3), and lines short.
        body.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        body.Headers.Add(HeaderId.ContentLanguage, string.Join(", ", languages)); // RFC 3282
        message.Body = body;
        return message;
    }

    // The form of Core.Intake.SubjectTag.Format, which threading reads back; written here because the number
    // arrives as text (SubjectTag.Format takes a year and a sequence), and the tag is checked at start-up.
    private static string FormatTag(string tag, string number) => $"[{tag} #{number}]";

    /// <summary>The preferred language first (if the team speaks it), then the team's languages in the profile's order.</summary>
    private List<string> Languages(string? preferred)
    {
        var team = _team.Languages.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct().ToList();
        var wanted = Normalize(preferred);
        if (wanted is not null && team.Remove(wanted))
        {
            team.Insert(0, wanted);
        }

        return team;

        static string? Normalize(string? language)
        {
            var code = AnswerText.SingleLine(language, 35).ToLowerInvariant();
            var dash = code.IndexOfAny(['-', '_']);
            return dash > 0 ? code[..dash] : code.Length > 0 ? code : null;
        }
    }

    private string? Render(AnswerContext context, string language, string number, string tag, string subject)
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["team"] = _teamFacts.GetOrAdd(language, TeamFacts),
            ["language"] = language,
            ["kind"] = AnswerTemplates.Slug(context.Kind),
            ["incident_number"] = number,
            ["tracking_tag"] = tag,
            ["constituent_name"] = AnswerText.SingleLine(context.ConstituentName, AnswerText.MaxNameLength),
            ["received_at"] = AnswerFormat.Moment(context.ReceivedAt, _zone, _team.TimeZone, language),
            ["response_due_by"] = context.ResponseDueBy is { } due ? AnswerFormat.Moment(due, _zone, _team.TimeZone, language) : "",
            ["original_subject"] = subject,
        };

        if (_templates.Override(context.Kind, language) is { } custom)
        {
            try
            {
                return RenderWith(custom, language, variables);
            }
            catch (Exception ex) when (ex is FluidException or InvalidOperationException or ArgumentException)
            {
                _templates.ReportRenderFailure(context.Kind, language, ex);
            }
        }

        return AnswerTemplates.Default(context.Kind, language) is { } builtIn ? RenderWith(builtIn, language, variables) : null;
    }

    private string RenderWith(IFluidTemplate template, string language, Dictionary<string, object?> variables)
    {
        var templateContext = new TemplateContext(_renderOptions.GetOrAdd(language, RenderOptions));
        foreach (var (name, value) in variables)
        {
            templateContext.SetValue(name, value);
        }

        // Plain text: no HTML encoding. Values were cleaned before, and the body is a MIME part, not a header.
        return AnswerText.TidyBody(template.Render(templateContext, NullEncoder.Default));
    }

    private TemplateOptions RenderOptions(string language) => new()
    {
        CultureInfo = AnswerFormat.Culture(language),
        TimeZone = _zone,
        Now = () => _time.GetUtcNow(),
        // An operator's template is trusted, but a loop typo must not hang the intake worker.
        MaxSteps = 100_000,
        MaxRecursion = 10,
        FileProvider = new NullFileProvider(),
    };

    /// <summary>The team's facts in <paramref name="language"/>, as the templates' <c>team</c> object (docs/answers.md).</summary>
    private Dictionary<string, object?> TeamFacts(string language)
    {
        string Text(LocalizedText text) => AnswerText.MultiLine(_team.Localize(text, language));

        var constituency = new StringBuilder(Text(_team.Constituency.Introduction));
        foreach (var kind in _team.Constituency.Classes)
        {
            constituency.Append("\n- ").Append(AnswerText.SingleLine(_team.Localize(kind.Description, language)));
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = AnswerText.SingleLine(_team.Name),
            ["full_name"] = Text(_team.FullName),
            ["incident_email"] = AnswerText.SingleLine(_team.IncidentEmail),
            ["general_email"] = AnswerText.SingleLine(_team.GeneralEmail),
            ["website"] = AnswerText.SingleLine(_team.OtherInformation.Url ?? _team.Document.Locations.FirstOrDefault()),
            ["contact_form_url"] = AnswerText.SingleLine(_team.Phone.ContactFormUrl),
            ["contact_form_label"] = AnswerText.SingleLine(_team.Localize(_team.Phone.ContactFormLabel, language)),
            ["key_fingerprint"] = AnswerFormat.Fingerprint(_team.PublicKey.NormalizedFingerprint),
            ["key_id"] = _team.PublicKey.NormalizedKeyId,
            ["key_url"] = AnswerText.SingleLine(_team.PublicKey.Url),
            ["initial_response"] = Text(_team.Support.InitialResponse),
            ["support_policy"] = Text(_team.Support.Policy),
            ["business_hours"] = AnswerFormat.BusinessHours(_team.BusinessHours, _team.TimeZone, language),
            ["on_call"] = Text(_team.OnCall.Policy),
            ["time_zone"] = _team.TimeZone,
            ["constituency"] = constituency.ToString().Trim('\n'),
            ["constituency_notes"] = string.Join("\n\n", _team.Constituency.Notes.Select(Text).Where(t => t.Length > 0)),
        };
    }

    /// <summary>"Re: {subject} {tag}" (RFC 5322 §3.6.5), or a label in every language when the report had no subject.</summary>
    private static string Subject(AnswerKind kind, string original, string tag, IReadOnlyList<string> languages)
    {
        var subject = original.Length == 0
            ? string.Join(" / ", languages.Select(l => Label(kind, l)).Distinct())
            : original.StartsWith("re:", StringComparison.OrdinalIgnoreCase) ? original : "Re: " + original;
        return tag.Length == 0 || subject.Contains(tag, StringComparison.OrdinalIgnoreCase) ? subject : $"{subject} {tag}";
    }

    private static string Label(AnswerKind kind, string language) => (kind, language) switch
    {
        (AnswerKind.Acknowledgement, "fr") => "Accusé de réception",
        (AnswerKind.Acknowledgement, _) => "Acknowledgement of receipt",
        (AnswerKind.Redirection, "fr") => "Message reçu",
        (AnswerKind.Redirection, _) => "Message received",
        (AnswerKind.RequestReceived, "fr") => "Demande reçue",
        (AnswerKind.RequestReceived, _) => "Request received",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown answer kind."),
    };

    /// <summary>In-Reply-To the report, References = its References then its id (RFC 5322 §3.6.4); unusable ids are dropped.</summary>
    private static void Thread(MimeMessage message, AnswerContext context)
    {
        var parent = MessageId(context.OriginalMessageId);
        var references = (context.OriginalReferences ?? []).Select(MessageId).OfType<string>().ToList();
        if (parent is not null)
        {
            message.InReplyTo = parent;
            references.Remove(parent);
            references.Add(parent);
        }

        // Keep the root (first) and the most recent ids: what threading algorithms use (RFC 5256 §2.2).
        if (references.Count > MaxReferences)
        {
            references = [references[0], .. references.Skip(references.Count - (MaxReferences - 1))];
        }

        foreach (var id in references)
        {
            message.References.Add(id);
        }
    }

    /// <summary>An id without brackets if it is a plausible msg-id (printable ASCII, no space, no brackets, bounded), else null.</summary>
    private static string? MessageId(string? id)
    {
        var value = id?.Trim();
        if (value is { Length: > 2 } && value[0] == '<' && value[^1] == '>')
        {
            value = value[1..^1];
        }

        return value is { Length: > 0 and <= 250 } && value.All(c => c is > ' ' and < '\u007f' and not '<' and not '>') ? value : null;
    }

    private static MailboxAddress Recipient(MailboxAddress to)
    {
        var address = to.Address ?? "";
        if (address.Length == 0 || address.IndexOf('@', StringComparison.Ordinal) <= 0 || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException($"'{AnswerText.SingleLine(address, 100)}' is not an address an answer can be sent to.", nameof(to));
        }

        return new MailboxAddress(AnswerText.SingleLine(to.Name, AnswerText.MaxNameLength), address);
    }
}
