using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Intake;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Incidents;
using Vigie.Features.Intake.Answers;
using Vigie.Features.Intake.Formats;
using Vigie.Features.Intake.Parsing;
using Vigie.Features.Lookup;
using Vigie.Features.Mail;
using Vigie.Features.Pgp;
using Vigie.Features.Reports;

namespace Vigie.Features.Intake;

/// <summary>
/// Reads one stored report: parse (with limits) → open the crypto layer → text, attachments and
/// structured format → observables → threading → suggested constituent and RSIT type → automatic
/// answer. Everything it writes is recomputed from the raw bytes, so it can run again at any time
/// (<c>vigie intake reprocess</c>); an answer, once queued, is never queued twice.
/// </summary>
public sealed partial class ReportProcessor(
    VigieDb db,
    BlobStore blobs,
    MailCrypto crypto,
    PgpKeyring keyring,
    MailContentReader contentReader,
    ConstituentDirectory directory,
    IncidentService incidents,
    Correspondence.CorrespondenceInbox correspondence,
    AnswerComposer composer,
    MailOutbox outbox,
    TeamAddresses teamAddresses,
    IOptions<AnswerOptions> answerOptions,
    IOptions<IntakeOptions> options,
    TimeProvider time,
    ILogger<ReportProcessor> logger)
{
    /// <summary>The actor written on timelines for what intake does by itself.</summary>
    public const string Actor = "intake";

    private const int MaxTextLength = 1_000_000;

    public async Task ProcessAsync(Guid reportId, CancellationToken ct)
    {
        var report = await db.Reports.Include(r => r.Observables).Include(r => r.Attachments)
            .FirstAsync(r => r.Id == reportId, ct);
        var problems = new List<string>();

        // Read whole (at most 25 MB): parsing from memory avoids an asynchronous file read per parser buffer,
        // which cost more than the parsing itself.
        byte[] bytes;
        await using (var raw = blobs.OpenRead(report.Sha256))
        {
            bytes = new byte[raw.Length];
            await raw.ReadExactlyAsync(bytes, ct);
        }
        var parsed = await MailParsing.LoadAsync(new MemoryStream(bytes, writable: false), ct);
        problems.AddRange(parsed.Problems);
        if (parsed.Message is not { } message)
        {
            // Nothing readable: the raw bytes stay, the report is flagged, nobody is answered.
            report.RecordReading(Unreadable(report, problems), [], [], time.GetUtcNow());
            report.RecordAnswer(null, "Not answered: the message could not be read.");
            await db.SaveChangesAsync(ct);
            return;
        }

        var opened = crypto.Open(message);
        if (opened.Decryption == DecryptionOutcome.Failed)
        {
            problems.Add($"The message could not be decrypted: {opened.DecryptionError}");
        }
        if (opened.Signature == SignatureOutcome.Bad)
        {
            problems.Add($"The signature does not match the content (altered or forged){(opened.SignatureError is { } se ? ": " + se : ".")}");
        }

        var content = await contentReader.ReadAsync(message, opened.Body, ct);
        problems.AddRange(content.Problems);
        problems.AddRange(content.Attachments.Where(a => a.Problem is not null)
            .Select(a => $"Attachment {a.FileName ?? "without a name"}: {a.Problem}"));
        var format = content.Format;
        if (format is not null)
        {
            problems.AddRange(format.Problems);
        }

        var subject = message.Subject;
        if (report.MessageId is { } messageId && await db.Reports.AsNoTracking()
                .Where(r => r.MessageId == messageId && r.Id != report.Id).OrderBy(r => r.ReceivedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct) is { } twin)
        {
            // Deduplication is on the exact bytes: a same Message-ID with other bytes is kept (never lose a
            // message on a header an attacker controls) and pointed out.
            problems.Add($"Report {twin} has the same Message-ID with different content: a second delivery by another route, or a reused id.");
        }
        var observables = Extract(report.Id, subject, content.Text, format, problems);
        var signerContact = await SignerContactAsync(opened, ct);
        var thread = await ThreadAsync(message, subject, format, ct);

        var kind = thread switch
        {
            { IsBounce: true } => ReportKind.Bounce,
            { Incident: not null } => ReportKind.Reply,
            _ when IsGeneralAddress(report.Recipient) => ReportKind.Request,
            _ => ReportKind.IncidentReport,
        };
        if (format?.Name == "dsn" && thread.RelatedOutboundId is null)
        {
            problems.Add("A delivery report about a message we did not send (backscatter).");
        }

        var (constituentId, constituentReason) = kind is ReportKind.IncidentReport or ReportKind.Reply
            ? await SuggestConstituentAsync(message, signerContact, observables, ct)
            : (null, null);
        var suggestion = kind == ReportKind.IncidentReport
            ? TypeSuggester.Suggest(new TypeSuggestionInput(subject, content.Text, format?.Name, format?.Subtype,
                [.. observables.Select(o => o.Kind).Distinct()]))
            : null;

        var reading = new ReportReading(
            kind, format?.Name, StoredText.Clip(format?.Subtype, 128), format?.Records.Count ?? 0,
            opened.Decryption switch
            {
                DecryptionOutcome.Decrypted => DecryptionStatus.Decrypted,
                DecryptionOutcome.Failed => DecryptionStatus.Failed,
                _ => DecryptionStatus.NotEncrypted,
            },
            StoredText.Clip(opened.DecryptionError, 1000),
            opened.Signature switch
            {
                SignatureOutcome.Good => SignatureStatus.Good,
                SignatureOutcome.GoodUnverifiedKey => SignatureStatus.GoodUnverifiedKey,
                SignatureOutcome.Bad => SignatureStatus.Bad,
                SignatureOutcome.UnknownKey => SignatureStatus.UnknownKey,
                _ => SignatureStatus.NotSigned,
            },
            opened.SignatureKind, opened.SignerFingerprint, StoredText.Clip(opened.SignerEmail, 254), signerContact?.Id,
            StoredText.Clip(content.Text, MaxTextLength), content.SanitizedHtml is { Length: <= MaxTextLength } html ? StoredText.Clip(html, MaxTextLength) : null,
            [.. problems.Select(p => StoredText.Clip(p, 1000)!).Distinct()],
            constituentId, StoredText.Clip(constituentReason, 500),
            suggestion?.Classification, suggestion?.Type, suggestion?.Rule,
            thread.RelatedOutboundId);

        var attachments = content.Attachments.Select(a => new ReportAttachment(report.Id, StoredText.Clip(a.FileName, 500), StoredText.Clip(a.ContentType, 200)!,
            a.Size, a.Sha256, a.Entries is null ? null : JsonSerializer.Serialize(a.Entries, s_json), StoredText.Clip(a.Problem, 1000)));

        var now = time.GetUtcNow();
        if (thread.Incident is { } incident)
        {
            // A reply or a bounce joins its incident's timeline.
            _ = report.LinkTo(incident, Actor, now);
        }
        report.RecordReading(reading, observables, attachments, now);
        if (thread.Incident is { } threaded)
        {
            // A reply from a party, or a bounce of our correspondence, joins its thread (Features/Correspondence).
            await correspondence.RecordAsync(report, threaded, message.From.Mailboxes.FirstOrDefault()?.Address, now, ct);
        }
        if (report.AnswerId is null && kind is ReportKind.IncidentReport or ReportKind.Request)
        {
            await AnswerAsync(report, message, opened, ct);
        }
        // One transaction for the reading and the answer it queued (opening an incident commits its own, first).
        await db.SaveChangesAsync(ct);
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private ReportReading Unreadable(Report report, List<string> problems) => new(
        IsGeneralAddress(report.Recipient) ? ReportKind.Request : ReportKind.IncidentReport,
        null, null, 0, DecryptionStatus.NotEncrypted, null, SignatureStatus.NotSigned, null, null, null, null,
        null, null, [.. problems.Distinct()], null, null, null, null, null, null);

    // Recipients are stored normalised, as TeamAddresses holds them.
    private bool IsGeneralAddress(string? recipient) =>
        recipient is not null && string.Equals(recipient, teamAddresses.General, StringComparison.Ordinal);

    // --- observables ------------------------------------------------------------------------------

    private List<ReportObservable> Extract(Guid reportId, string? subject, string text, RecognizedFormat? format, List<string> problems)
    {
        var max = options.Value.MaxObservablesPerReport;
        var found = new List<ReportObservable>();
        var truncated = false;
        void Add(string location, string? source)
        {
            if (string.IsNullOrEmpty(source) || truncated)
            {
                return;
            }
            foreach (var o in ObservableExtractor.Extract(source))
            {
                if (found.Count >= max)
                {
                    truncated = true;
                    return;
                }
                found.Add(new ReportObservable(reportId, o.Observable, o.IsPrivateOrReserved, location, o.Start, o.Length));
            }
        }
        Add("subject", subject);
        Add("text", text);
        foreach (var record in format?.Records ?? [])
        {
            Add($"record {record.Index}", string.Join('\n', record.Fields.Values));
        }
        if (truncated)
        {
            problems.Add($"More than {max:N0} observables: only the first {max:N0} were recorded.");
        }
        return found;
    }

    // --- who signed, who sent -----------------------------------------------------------------------

    private async Task<Core.Constituents.Contact?> SignerContactAsync(OpenedMail opened, CancellationToken ct)
    {
        // Only a valid signature by a key we hold names a contact; a key that came with the mail proves nothing.
        if (opened.Signature != SignatureOutcome.Good || opened.SignerFingerprint is not { } fingerprint
            || !EmailAddress.TryNormalize(opened.SignerEmail, out var email, out _))
        {
            return null;
        }
        var candidates = await db.Contacts.AsNoTracking().Where(c => c.Email == email && c.PgpPublicKey != null).ToListAsync(ct);
        return candidates.FirstOrDefault(c => KeyHasFingerprint(c.PgpPublicKey!, fingerprint));
    }

    private static bool KeyHasFingerprint(string armored, string fingerprint)
    {
        try
        {
            return PgpKeyring.Inspect(armored).Any(k => string.Equals(k.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase));
        }
        catch (PgpImportException)
        {
            return false;
        }
    }

    private async Task<(Guid? Id, string? Reason)> SuggestConstituentAsync(MimeMessage message, Core.Constituents.Contact? signer,
        List<ReportObservable> observables, CancellationToken ct)
    {
        var snapshot = await directory.GetAsync(ct);
        string NameOf(Guid id) => snapshot.Owners.FirstOrDefault(o => o.Id == id)?.Name ?? id.ToString();

        if (signer is not null)
        {
            return (signer.ConstituentId, $"The message is signed by {signer.Email}, a contact of {NameOf(signer.ConstituentId)}.");
        }
        foreach (var address in message.From.Mailboxes.Concat(message.ReplyTo.Mailboxes).Select(m => m.Address))
        {
            if (EmailAddress.TryNormalize(address, out var email, out _)
                && await db.Contacts.AsNoTracking().Where(c => c.Email == email).Select(c => (Guid?)c.ConstituentId).FirstOrDefaultAsync(ct) is { } cid)
            {
                return (cid, $"The sender {email} is a contact of {NameOf(cid)}.");
            }
        }

        // Otherwise, whose systems the report is about: count the public indicators in each constituent's scope.
        var hits = new Dictionary<Guid, (int Count, string First)>();
        foreach (var o in observables.Where(o => !o.IsPrivateOrReserved))
        {
            var match = o.Kind switch
            {
                ObservableKind.IPv4 or ObservableKind.IPv6 when IPAddress.TryParse(o.Value, out var ip) => snapshot.FindIp(ip),
                ObservableKind.Domain => snapshot.FindDomain(o.Value),
                ObservableKind.Url when Uri.TryCreate(o.Value, UriKind.Absolute, out var uri) => IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var ip)
                    ? snapshot.FindIp(ip) : snapshot.FindDomain(uri.IdnHost),
                ObservableKind.Email => snapshot.FindDomain(o.Value[(o.Value.LastIndexOf('@') + 1)..]),
                _ => null,
            };
            if (match is { } m)
            {
                hits[m.Owner.Id] = hits.TryGetValue(m.Owner.Id, out var h)
                    ? (h.Count + 1, h.First)
                    : (1, $"{o.Value} is in {m.Scope}");
            }
        }
        if (hits.Count == 0)
        {
            return (null, null);
        }
        var best = hits.OrderByDescending(h => h.Value.Count).First();
        var total = observables.Count(o => !o.IsPrivateOrReserved);
        return (best.Key, $"{best.Value.First} of {NameOf(best.Key)} ({best.Value.Count} of {total} public indicator(s) in its scope).");
    }

    // --- threading ----------------------------------------------------------------------------------

    private sealed record Thread(Incident? Incident, Guid? RelatedOutboundId, bool IsBounce);

    private async Task<Thread> ThreadAsync(MimeMessage message, string? subject, RecognizedFormat? format, CancellationToken ct)
    {
        // A delivery report about our own mail (RFC 3464): linked to that mail and its incident.
        if (format?.Name == "dsn")
        {
            var bounced = format.OriginalMessageId is { } original
                ? await db.Set<OutboundMessage>().AsNoTracking().FirstOrDefaultAsync(o => o.MessageId == original, ct)
                : null;
            return new Thread(await IncidentOfAsync(bounced, ct), bounced?.Id, IsBounce: true);
        }

        // The subject tag is what people keep when they forward or start a new mail about the case.
        if (SubjectTag.TryFind(subject, answerOptions.Value.SubjectTag, out var year, out var sequence)
            && await db.Incidents.FirstOrDefaultAsync(i => i.Year == year && i.Sequence == sequence, ct) is { } tagged)
        {
            return new Thread(tagged, null, false);
        }

        // RFC 5322 §3.6.4: In-Reply-To and References name the messages this one answers.
        var referenced = message.References.Append(message.InReplyTo).OfType<string>()
            .Select(id => id.Trim().Trim('<', '>')).Where(id => id.Length is > 0 and <= 998).Distinct().TakeLast(50).ToList();
        if (referenced.Count == 0)
        {
            return new Thread(null, null, false);
        }
        var ours = await db.Set<OutboundMessage>().AsNoTracking().Where(o => referenced.Contains(o.MessageId))
            .OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(ct);
        if (ours is not null && await IncidentOfAsync(ours, ct) is { } answered)
        {
            return new Thread(answered, ours.Id, false);
        }
        var earlier = await db.Reports.AsNoTracking().Where(r => r.MessageId != null && referenced.Contains(r.MessageId) && r.IncidentId != null)
            .Select(r => r.IncidentId).FirstOrDefaultAsync(ct);
        var incident = earlier is { } id ? await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct) : null;
        return new Thread(incident, ours?.Id, false);
    }

    private async Task<Incident?> IncidentOfAsync(OutboundMessage? outbound, CancellationToken ct)
    {
        var id = outbound?.IncidentId;
        if (id is null && outbound?.ReportId is { } reportId)
        {
            id = await db.Reports.AsNoTracking().Where(r => r.Id == reportId).Select(r => r.IncidentId).FirstOrDefaultAsync(ct);
        }
        return id is null ? null : await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct);
    }

    // --- the automatic answer ---------------------------------------------------------------------------

    private async Task AnswerAsync(Report report, MimeMessage message, OpenedMail opened, CancellationToken ct)
    {
        if (!answerOptions.Value.Enabled)
        {
            report.RecordAnswer(null, "Not answered: automatic answers are turned off (Vigie:Answers:Enabled).");
            return;
        }
        if (report.Format is { } machineFormat)
        {
            // ARF, X-ARF and Shadowserver reports come from programs that read no answer.
            report.RecordAnswer(null, $"Not answered: a machine-generated report ({machineFormat}) expects no answer.");
            return;
        }
        var to = message.ReplyTo.Mailboxes.FirstOrDefault() ?? message.From.Mailboxes.FirstOrDefault();
        var senderKey = EmailAddress.TryNormalize(to?.Address, out var normalized, out _) ? normalized : null;
        var decision = AutoReplyPolicy.Decide(new AutoReplyInput(
            senderKey ?? to?.Address,
            EnvelopeFrom(report, message),
            message.Headers[HeaderId.AutoSubmitted],
            message.Headers[HeaderId.Precedence],
            message.Headers.Contains(HeaderId.ListId) || message.Headers.Contains(HeaderId.ListUnsubscribe) || message.Headers.Contains(HeaderId.ListPost),
            message.Headers["X-Auto-Response-Suppress"],
            message.Body is MultipartReport,
            teamAddresses.All,
            senderKey is null ? null : await outbox.LastAutoReplyToAsync(senderKey, ct),
            time.GetUtcNow(),
            answerOptions.Value.PerSenderWindow));
        if (!decision.Send || to is null || senderKey is null)
        {
            report.RecordAnswer(null, StoredText.Clip(decision.Reason, 500)!);
            return;
        }

        string? number = null;
        string? constituentName = null;
        var kind = AnswerKind.RequestReceived;
        if (report.Kind == ReportKind.IncidentReport)
        {
            if (report.SuggestedConstituentId is { } cid)
            {
                // A report about one of ours gets a case and its tracking number; the analyst
                // qualifies it in triage (nothing is closed or rejected automatically).
                var incident = await EnsureIncidentAsync(report, cid, ct);
                number = incident.Number;
                constituentName = await db.Constituents.AsNoTracking().Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(ct);
                kind = AnswerKind.Acknowledgement;
            }
            else
            {
                kind = AnswerKind.Redirection;
            }
        }

        var answer = composer.Compose(new AnswerContext(kind, new MailboxAddress(to.Name, senderKey),
            message.Subject, report.MessageId, [.. message.References], number, constituentName, report.ReceivedAt, null,
            LanguageOf(message, report.Text)));
        // Encrypted in, encrypted out (profile §4.3) when we hold the sender's key; signed whenever the team has a key.
        var encryptTo = opened.Encrypted && keyring.FindEncryptionKey(senderKey) is not null ? new MailboxAddress(to.Name, senderKey) : null;
        var signer = answer.From.Mailboxes.First();
        if (encryptTo is not null || keyring.FindTeamSigningKey(signer.Address) is not null)
        {
            answer = crypto.Protect(answer, signer, encryptTo);
        }
        var queued = await outbox.EnqueueAsync(answer, OutboundKind.AutoReply, report.Id, report.IncidentId, senderKey, ct);
        report.RecordAnswer(queued.Id, kind switch
        {
            AnswerKind.Acknowledgement => $"Acknowledged to {senderKey} with incident {number}{(encryptTo is null ? "" : ", encrypted")}.",
            AnswerKind.Redirection => $"Redirected {senderKey}: no constituent of ours is concerned (profile §3.2){(encryptTo is null ? "" : ", encrypted")}.",
            _ => $"Request acknowledged to {senderKey}{(encryptTo is null ? "" : ", encrypted")}.",
        });
        LogAnswered(report.Id, kind);
    }

    private async Task<Incident> EnsureIncidentAsync(Report report, Guid constituentId, CancellationToken ct)
    {
        if (report.IncidentId is { } existing)
        {
            return await db.Incidents.FirstAsync(i => i.Id == existing, ct);
        }
        var title = string.IsNullOrWhiteSpace(report.Subject) ? $"Report from {report.From ?? "an unknown sender"}" : report.Subject;
        var created = await incidents.CreateAsync(new CreateIncidentRequest(StoredText.Clip(title, 300), null, null, null, null, null, null, null,
            constituentId, [report.Id]), Actor, ct);
        if (!created.IsSuccess)
        {
            throw new InvalidOperationException($"The incident for report {report.Id} could not be created: {created.Error!.Message}");
        }
        // The incident starts with what the report points at, as one opened from the triage queue does.
        var incident = created.Value!;
        await incidents.AddReportObservablesAsync(incident, report.Observables.Select(o => (o.Kind, o.Value)), Actor, time.GetUtcNow(), ct);
        return incident;
    }

    private static string? EnvelopeFrom(Report report, MimeMessage message)
    {
        // The SMTP listener records MAIL FROM as "smtp:<address>" (an empty one is a bounce, RFC 5321 §4.5.5);
        // mail fetched over IMAP carries it as Return-Path.
        if (report.Source == ReportSource.Smtp && report.SubmittedBy.StartsWith("smtp:", StringComparison.Ordinal))
        {
            return report.SubmittedBy["smtp:".Length..];
        }
        return message.Headers[HeaderId.ReturnPath];
    }

    /// <summary>French or English first in the answer: the message's Content-Language, else a word count.</summary>
    private static string? LanguageOf(MimeMessage message, string? text)
    {
        var declared = message.Headers[HeaderId.ContentLanguage] ?? message.Body?.Headers[HeaderId.ContentLanguage];
        if (declared?.Trim().ToLowerInvariant() is { Length: >= 2 } lang && lang[..2] is "fr" or "en")
        {
            return lang[..2];
        }
        return LanguageGuess.Guess(text);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId}: automatic answer ({Kind}) queued.")]
    private partial void LogAnswered(Guid reportId, AnswerKind kind);
}
