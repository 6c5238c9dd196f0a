using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Intake.Answers;
using Vigie.Features.Mail;
using Vigie.Features.Pgp;
using Vigie.Features.Reports;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Correspondence;

/// <summary>Correspondence settings (<c>Vigie:Correspondence</c>).</summary>
public sealed class CorrespondenceOptions
{
    public const string Section = "Vigie:Correspondence";

    /// <summary>How long after a message was sent without an answer it reads as overdue (default 2 days).</summary>
    public TimeSpan ReplyExpectedWithin { get; set; } = TimeSpan.FromDays(2);
}

/// <summary>A new party of an incident: a constituent contact (by id), or a free address with its kind.</summary>
public sealed record PartyRequest(string? Kind, string? Name, string? Email, Guid? ContactId, bool NamedRecipient, string? PgpPublicKey);

/// <summary>A consent given by the incident's constituent.</summary>
public sealed record ConsentRequest(string? GivenBy, string? Scope, string? Value, bool Standing, string? Note);

/// <summary>
/// One message to one party: either a template (rendered now) or a subject and a text (as edited);
/// when both are given, the subject and text win and the template is recorded as their origin.
/// </summary>
public sealed record SendRequest(Guid PartyId, string? Template, string? Language, string? Subject, string? Text, bool Redact, string? NeedToKnow);

/// <summary>The same template to several parties, one message each.</summary>
public sealed record NotifyRequest(IReadOnlyList<Guid> PartyIds, string? Template, string? Language, bool Redact, string? NeedToKnow);

/// <summary>What happened to one send: the message (queued or refused) and the gate's decision.</summary>
public sealed record SendOutcome(CorrespondenceMessage Message, CorrespondenceParty Party, ShareDecision Decision);

/// <summary>One line of a bulk notification: an outcome, or an error that stopped it before the gate (no party, bad template).</summary>
public sealed record NotifyLine(Guid PartyId, SendOutcome? Outcome, Error? Error);

/// <summary>A message as shown: its stored row, its effective status, and for inbound the report's text.</summary>
public sealed record MessageView(CorrespondenceMessage Message, MessageStatus Status, DateTimeOffset? SentAt, string? DeliveryError, string? InboundText);

/// <summary>A thread: the party, what the gate says about it now, and its messages, oldest first.</summary>
public sealed record PartyView(CorrespondenceParty Party, string? ConstituentName, bool HasKey, ShareDecision Preview, bool NeedToKnowRequired,
    IReadOnlyList<MessageView> Messages);

/// <summary>Everything the correspondence tab and API show for one incident.</summary>
public sealed record CorrespondenceView(IReadOnlyList<PartyView> Parties, IReadOnlyList<Consent> Consents, IReadOnlyDictionary<Guid, string> ConstituentNames);

/// <summary>
/// The correspondence of an incident (docs/correspondence.md): parties, consents, and messages that go
/// through the sharing gate, are signed with the team key, encrypted when the recipient's key is known
/// (always for TLP:AMBER and above, or refused), tagged with the incident's subject tag so replies thread
/// back through the intake, and queued in the durable outbound queue. Every send, refusal and consent is
/// written on the incident's timeline in the same SaveChanges.
/// </summary>
public sealed class CorrespondenceService(
    VigieDb db,
    TimeProvider time,
    PgpKeyring keyring,
    MailCrypto crypto,
    MailOutbox outbox,
    CorrespondenceTemplates templates,
    AnswerComposer composer,
    IOptions<TeamProfileOptions> team,
    IOptions<CorrespondenceOptions> options)
{
    public const int MaxTextLength = 200_000;

    // --- reading ---------------------------------------------------------------------------------------

    public async Task<CorrespondenceView> LoadAsync(Incident incident, CancellationToken ct)
    {
        var parties = await db.CorrespondenceParties.AsNoTracking().Where(p => p.IncidentId == incident.Id)
            .OrderBy(p => p.AddedAt).ToListAsync(ct);
        var rows = await (from m in db.CorrespondenceMessages.AsNoTracking().Where(m => m.IncidentId == incident.Id)
                          join o in db.OutboundMessages.AsNoTracking() on m.OutboundMessageId equals o.Id into outs
                          from o in outs.DefaultIfEmpty()
                          join r in db.Reports.AsNoTracking() on m.ReportId equals r.Id into ins
                          from r in ins.DefaultIfEmpty()
                          orderby m.CreatedAt
                          select new
                          {
                              Message = m,
                              Delivery = o == null ? (OutboundStatus?)null : o.Status,
                              SentAt = o == null ? null : o.SentAt,
                              Error = o == null ? null : o.LastError,
                              Inbound = r == null ? null : r.Text,
                          }).ToListAsync(ct);
        var consents = await ConsentsAsync(incident, ct);
        var constituentIds = parties.Select(p => p.ConstituentId).Append(incident.ConstituentId).OfType<Guid>().Distinct().ToList();
        var names = await db.Constituents.AsNoTracking().Where(c => constituentIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var now = time.GetUtcNow();
        var within = options.Value.ReplyExpectedWithin;

        var views = parties.Select(p =>
        {
            var hasKey = keyring.FindEncryptionKey(p.Email) is not null;
            var facts = Facts(incident, p, consents, "(preview)", hasKey);
            var messages = rows.Where(r => r.Message.PartyId == p.Id).Select(r => new MessageView(r.Message,
                MessageStatusRules.Effective(r.Message.Status, Delivery(r.Delivery), r.SentAt, now, within),
                r.SentAt, r.Error, Clip(r.Inbound, 20_000))).ToList();
            return new PartyView(p, p.ConstituentId is { } c && names.TryGetValue(c, out var n) ? n : null, hasKey,
                SharingGate.Decide(facts), incident.Tlp == Tlp.Amber && !IsInside(incident, p), messages);
        }).ToList();
        return new CorrespondenceView(views, consents, names);
    }

    /// <summary>The consents that may cover a share of this incident: its constituent's standing ones and this incident's.</summary>
    public async Task<List<Consent>> ConsentsAsync(Incident incident, CancellationToken ct)
    {
        if (incident.ConstituentId is not { } constituent)
        {
            return [];
        }
        return await db.Consents.AsNoTracking()
            .Where(c => c.ConstituentId == constituent && (c.IncidentId == null || c.IncidentId == incident.Id))
            .OrderBy(c => c.RecordedAt).ToListAsync(ct);
    }

    /// <summary>What the gate decides for one party of the incident now.</summary>
    public async Task<ShareDecision> DecideAsync(Incident incident, CorrespondenceParty party, string? needToKnow, CancellationToken ct) =>
        SharingGate.Decide(Facts(incident, party, await ConsentsAsync(incident, ct), needToKnow, keyring.FindEncryptionKey(party.Email) is not null));

    // --- parties and consents ------------------------------------------------------------------------------

    public async Task<Result<CorrespondenceParty>> AddPartyAsync(Incident incident, PartyRequest request, string actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        PartyKind kind = PartyKind.Other;
        if (request.Kind is { Length: > 0 } && !EnumWords.TryParse(request.Kind, out kind))
        {
            errors.Add("kind", $"'{request.Kind}' is not a party kind. Allowed values: {string.Join(", ", Enum.GetValues<PartyKind>().Select(EnumWords.ToWord))}.");
        }
        string? email = null;
        var name = request.Name?.Trim();
        Guid? constituentId = null;
        if (request.ContactId is { } contactId)
        {
            var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId, ct);
            if (contact is null)
            {
                errors.Add("contactId", $"No constituent contact has the id {contactId}.");
            }
            else
            {
                email = contact.Email;
                name = string.IsNullOrEmpty(name) ? contact.Name : name;
                constituentId = contact.ConstituentId;
                if (request.Kind is not { Length: > 0 })
                {
                    kind = PartyKind.ConstituentContact;
                }
            }
        }
        else if (!EmailAddress.TryNormalize(request.Email, out var normalized, out var emailError))
        {
            errors.Add("email", emailError!);
        }
        else
        {
            email = normalized;
            if (request.Kind is not { Length: > 0 })
            {
                errors.Add("kind", "Say what the party is: reporter, constituentContact, abuseDesk, csirt, authority or other.");
            }
        }
        if (name is { Length: > 200 })
        {
            errors.Add("name", "The name is longer than 200 characters.");
        }
        if (Constituents.ConstituentService.CheckKey(request.PgpPublicKey) is { } keyError)
        {
            errors.Add(keyError);
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }
        if (await db.CorrespondenceParties.AnyAsync(p => p.IncidentId == incident.Id && p.Email == email, ct))
        {
            return Error.Conflict("party-exists", $"{email} is already a party of incident {incident.Number}.");
        }

        var now = Instant();
        var party = new CorrespondenceParty
        {
            Id = Guid.CreateVersion7(now),
            IncidentId = incident.Id,
            Kind = kind,
            Name = string.IsNullOrWhiteSpace(name) ? email! : AnswerText.SingleLine(name, 200),
            Email = email!,
            ContactId = request.ContactId,
            ConstituentId = constituentId,
            NamedRecipient = request.NamedRecipient,
            AddedBy = actor,
            AddedAt = now,
        };
        db.CorrespondenceParties.Add(party);
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.Updated, actor, now, new Dictionary<string, string?>
        {
            ["party.added"] = party.Email,
            ["party.kind"] = EnumWords.ToWord(kind),
            ["namedRecipient"] = party.NamedRecipient ? "true" : null,
        }));
        await db.SaveChangesAsync(ct);
        if (!string.IsNullOrWhiteSpace(request.PgpPublicKey))
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(request.PgpPublicKey));
            keyring.Import(stream, allowSecret: false);
        }
        return party;
    }

    public async Task<Result<Consent>> RecordConsentAsync(Incident incident, ConsentRequest request, string actor, CancellationToken ct)
    {
        if (incident.ConstituentId is not { } constituent)
        {
            return Error.Validation("constituent",
                "The incident has no constituent: nobody's consent is needed (nor can one be recorded) until a constituent is set.");
        }
        var errors = new FieldErrors();
        var givenBy = AnswerText.SingleLine(request.GivenBy, 301);
        if (givenBy.Length is 0 or > 300)
        {
            errors.Add("givenBy", "Say who gave the consent (1 to 300 characters): name, role, how.");
        }
        string? value = null;
        if (!EnumWords.TryParse<ConsentScopeKind>(request.Scope, out var scope))
        {
            errors.Add("scope", "The scope is 'address' or 'domain'.");
        }
        else
        {
            var normalized = ConsentScope.Normalize(scope, request.Value);
            if (normalized.IsSuccess)
            {
                value = normalized.Value;
            }
            else
            {
                errors.Add(normalized.Error);
            }
        }
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        if (note is { Length: > 2000 })
        {
            errors.Add("note", "The note is longer than 2,000 characters.");
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var now = Instant();
        var consent = new Consent
        {
            Id = Guid.CreateVersion7(now),
            ConstituentId = constituent,
            GivenBy = givenBy,
            Scope = scope,
            Value = value!,
            IncidentId = request.Standing ? null : incident.Id,
            RecordedBy = actor,
            RecordedAt = now,
            Note = note,
        };
        db.Consents.Add(consent);
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.ConsentRecorded, actor, now, new Dictionary<string, string?>
        {
            ["consent"] = consent.Id.ToString(),
            ["constituent"] = constituent.ToString(),
            ["scope"] = EnumWords.ToWord(scope),
            ["value"] = consent.Value,
            ["standing"] = request.Standing ? "true" : "false",
            ["givenBy"] = givenBy,
        }, note));
        await db.SaveChangesAsync(ct);
        return consent;
    }

    // --- sending -------------------------------------------------------------------------------------------

    /// <summary>
    /// Sends one message to one party, or records the gate's refusal (nothing is queued then). Validation
    /// errors (no such party, empty text, template error) are returned before the gate and record nothing.
    /// </summary>
    public async Task<Result<SendOutcome>> SendAsync(Incident incident, SendRequest request, ClaimsPrincipal user, Guid? batchId, CancellationToken ct)
    {
        var party = await db.CorrespondenceParties.FirstOrDefaultAsync(p => p.Id == request.PartyId && p.IncidentId == incident.Id, ct);
        if (party is null)
        {
            return Error.Validation("partyId", $"Incident {incident.Number} has no party with the id {request.PartyId}.");
        }
        var language = string.IsNullOrWhiteSpace(request.Language) ? "fr" : request.Language.Trim().ToLowerInvariant();
        if (language is not ("fr" or "en" or "both"))
        {
            return Error.Validation("language", "The language is fr, en or both.");
        }
        if (request.Template is { Length: > 0 } key && !CorrespondenceTemplates.IsKey(key))
        {
            return Error.Validation("template", $"'{key}' is not a template. Allowed values: {string.Join(", ", CorrespondenceTemplates.Keys)}.");
        }

        string subject;
        string text;
        if (!string.IsNullOrWhiteSpace(request.Subject) || !string.IsNullOrWhiteSpace(request.Text))
        {
            subject = AnswerText.SingleLine(request.Subject, 900);
            text = (request.Text ?? "").ReplaceLineEndings("\n");
        }
        else if (request.Template is { Length: > 0 } template)
        {
            var rendered = await RenderAsync(incident, party, template, language, user, ct);
            if (!rendered.IsSuccess)
            {
                return rendered.Error!;
            }
            (subject, text) = (rendered.Value!.Subject, rendered.Value.Body);
        }
        else
        {
            return Error.Validation("text", "Give a template, or a subject and a text.");
        }
        var errors = new FieldErrors();
        if (subject.Length == 0)
        {
            errors.Add("subject", "The subject is empty.");
        }
        if (text.Trim().Length == 0)
        {
            errors.Add("text", "The text is empty.");
        }
        else if (text.Length > MaxTextLength)
        {
            errors.Add("text", $"The text is longer than {MaxTextLength:N0} characters.");
        }
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var actor = user.Actor();
        var now = Instant();
        var hasKey = keyring.FindEncryptionKey(party.Email) is not null;
        var decision = SharingGate.Decide(Facts(incident, party, await ConsentsAsync(incident, ct), request.NeedToKnow, hasKey));
        var message = new CorrespondenceMessage
        {
            Id = Guid.CreateVersion7(now),
            IncidentId = incident.Id,
            PartyId = party.Id,
            Direction = MessageDirection.Out,
            Language = language,
            Tlp = incident.Tlp,
            TemplateKey = request.Template is { Length: > 0 } t ? t : null,
            BatchId = batchId,
            CreatedBy = actor,
            CreatedAt = now,
        };
        if (!decision.Allowed)
        {
            return await RefuseAsync(incident, party, message, subject, decision, ct);
        }

        if (request.Redact)
        {
            var terms = (await ReporterIdentities.ForIncidentAsync(db, incident.Id, ct)).Where(NotOurs).ToList();
            subject = PersonalData.Redact(subject, terms);
            text = PersonalData.Redact(text, terms);
        }
        (subject, text) = Mark(incident, subject, text);

        var mime = Compose(party, subject, text, language, now);
        var teamSigner = mime.From.Mailboxes.First();
        var protectedMime = crypto.Protect(mime, teamSigner, hasKey ? new MailboxAddress(party.Name, party.Email) : null);
        var encrypted = protectedMime.Body is MultipartEncrypted;
        if (decision.EncryptionRequired && !encrypted)
        {
            // The key was usable for the gate but not for MimeKit (expired in between…): never send it in clear.
            var noKey = decision with { Allowed = false, Refusal = ShareRefusal.NoRecipientKey };
            return await RefuseAsync(incident, party, message, subject, noKey, ct);
        }
        var queued = await outbox.EnqueueAsync(protectedMime, OutboundKind.Correspondence, null, incident.Id, null, ct);

        message.Subject = subject;
        message.Text = text;
        message.Encrypted = encrypted;
        message.Redacted = request.Redact;
        message.Status = MessageStatus.Queued;
        message.NeedToKnow = decision.NeedToKnow;
        message.OutboundMessageId = queued.Id;
        db.CorrespondenceMessages.Add(message);
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.MessageSent, actor, now, new Dictionary<string, string?>
        {
            ["message"] = message.Id.ToString(),
            ["to"] = party.Email,
            ["party"] = EnumWords.ToWord(party.Kind),
            ["tlp"] = incident.Tlp.ToLabel(),
            ["subject"] = subject,
            ["template"] = message.TemplateKey,
            ["encrypted"] = encrypted ? "true" : "false",
            ["redacted"] = request.Redact ? "true" : "false",
            ["consent"] = decision.ConsentUsed ? "true" : null,
        }, decision.NeedToKnow is { } ntk ? "Need to know: " + ntk : null));
        // The first human answer to the reporter (or to the constituent, who often reported it) stops the
        // first-response clock (docs/sla.md); the automatic acknowledgement is not sent from here.
        if (party.Kind is PartyKind.Reporter or PartyKind.ConstituentContact)
        {
            incident.RecordFirstResponse(now);
        }
        await db.SaveChangesAsync(ct);
        return new SendOutcome(message, party, decision);
    }

    /// <summary>One message per party from one template; each is sent (or refused) and saved on its own.</summary>
    public async Task<(Guid BatchId, List<NotifyLine> Lines)> NotifyAsync(Incident incident, NotifyRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var batch = Guid.CreateVersion7(Instant());
        var lines = new List<NotifyLine>();
        foreach (var partyId in request.PartyIds.Distinct())
        {
            var result = await SendAsync(incident, new SendRequest(partyId, request.Template ?? "", request.Language, null, null, request.Redact, request.NeedToKnow),
                user, batch, ct);
            lines.Add(new NotifyLine(partyId, result.IsSuccess ? result.Value : null, result.Error));
        }
        return (batch, lines);
    }

    /// <summary>Renders a template for one party of the incident (the compose form's "fill" button).</summary>
    public async Task<Result<RenderedText>> RenderAsync(Incident incident, CorrespondenceParty party, string template, string language,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var constituent = incident.ConstituentId is { } cid
            ? await db.Constituents.AsNoTracking().Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(ct)
            : null;
        var observables = await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id)
            .OrderBy(o => o.Kind).ThenBy(o => o.Value).Take(500).Select(o => new { o.Kind, o.Value }).ToListAsync(ct);
        var model = new TemplateModel(incident.Number, incident.Title, incident.Tlp, constituent,
            [.. observables.Select(o => (o.Kind.ToString().ToLowerInvariant(), o.Value))],
            party.Name, party.Email, party.Kind, user.FullName(), user.Actor());
        return await templates.RenderAsync(template, language, model, ct);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private async Task<Result<SendOutcome>> RefuseAsync(Incident incident, CorrespondenceParty party, CorrespondenceMessage message, string subject,
        ShareDecision decision, CancellationToken ct)
    {
        message.Subject = subject;
        message.Text = "";
        message.Status = MessageStatus.Refused;
        message.RefusalCode = decision.Code;
        db.CorrespondenceMessages.Add(message);
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.ShareRefused, message.CreatedBy, message.CreatedAt, new Dictionary<string, string?>
        {
            ["message"] = message.Id.ToString(),
            ["to"] = party.Email,
            ["party"] = EnumWords.ToWord(party.Kind),
            ["tlp"] = incident.Tlp.ToLabel(),
            ["reason"] = decision.Code,
        }));
        await db.SaveChangesAsync(ct);
        return new SendOutcome(message, party, decision);
    }

    private static ShareRequest Facts(Incident incident, CorrespondenceParty party, IEnumerable<Consent> consents, string? needToKnow, bool hasKey) =>
        new(incident.Tlp, incident.ConstituentId, party.Kind, party.ConstituentId, party.Email, party.NamedRecipient,
            consents.Any(c => c.Covers(party.Email)), needToKnow, hasKey);

    private static bool IsInside(Incident incident, CorrespondenceParty party) =>
        incident.ConstituentId is { } owner && party.ConstituentId == owner;

    /// <summary>TLP 2.0: the label heads the information, in the subject and in the body; the subject carries the tracking tag.</summary>
    private (string Subject, string Text) Mark(Incident incident, string subject, string text)
    {
        var label = incident.Tlp.ToLabel();
        if (!subject.Contains(label, StringComparison.OrdinalIgnoreCase))
        {
            subject = $"[{label}] {subject}";
        }
        var tag = composer.TrackingTag(incident.Number);
        if (!subject.Contains(tag, StringComparison.OrdinalIgnoreCase))
        {
            subject = $"{subject} {tag}";
        }
        if (!text.Contains(label, StringComparison.OrdinalIgnoreCase))
        {
            text = $"{label}\n\n{text}";
        }
        return (subject, text.TrimEnd('\n') + "\n");
    }

    private MimeMessage Compose(CorrespondenceParty party, string subject, string text, string language, DateTimeOffset now)
    {
        var profile = team.Value;
        var from = profile.IncidentEmail.Trim();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(AnswerText.SingleLine(profile.Name, AnswerText.MaxNameLength), from));
        message.To.Add(new MailboxAddress(AnswerText.SingleLine(party.Name, AnswerText.MaxNameLength), party.Email));
        message.Subject = subject;
        message.Date = now;
        // <guid@domain-of-From>: replies name a domain we own, and the intake threads them by it (issue 3 §5).
        message.MessageId = $"{Guid.CreateVersion7(now):N}@{from[(from.LastIndexOf('@') + 1)..]}";
        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(Encoding.UTF8, text);
        // Quoted-printable keeps the body 7-bit, which a signature over it needs (RFC 3156 §3).
        body.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        body.Headers.Add(HeaderId.ContentLanguage, language == "both" ? "fr, en" : language); // RFC 3282
        message.Body = body;
        return message;
    }

    private bool NotOurs(string term)
    {
        var profile = team.Value;
        return !string.Equals(term, profile.IncidentEmail, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(term, profile.GeneralEmail, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(term, profile.Name, StringComparison.OrdinalIgnoreCase);
    }

    private static DeliveryState? Delivery(OutboundStatus? status) => status switch
    {
        OutboundStatus.Queued => DeliveryState.Queued,
        OutboundStatus.Sent => DeliveryState.Sent,
        OutboundStatus.Failed => DeliveryState.Failed,
        _ => null,
    };

    private static string? Clip(string? text, int max) => text is { Length: > 0 } t && t.Length > max ? t[..max] + "…" : text;

    private DateTimeOffset Instant() => MailOutbox.Instant(time.GetUtcNow());
}
