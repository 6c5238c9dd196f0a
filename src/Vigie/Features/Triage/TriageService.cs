using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Intake;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Intake.Answers;
using Vigie.Features.Intake.Parsing;
using Vigie.Features.Mail;
using Vigie.Features.Pgp;
using Vigie.Features.Reports;

namespace Vigie.Features.Triage;

/// <summary>What an analyst decides about a report in the triage queue (besides attaching it to an incident).</summary>
public enum TriageDecision
{
    Spam,
    Duplicate,
    NotForUs,
    Handled,
    Reopen,
}

/// <summary>The outcome for one report of a (bulk) triage action.</summary>
/// <param name="ReportId">The report.</param>
/// <param name="Error">Why nothing was done to it, or null when it was.</param>
/// <param name="Answer">For "not for us": what was done about the redirection answer (sent, or why not).</param>
/// <param name="AnswerQueued">Whether a redirection was queued.</param>
public sealed record TriageItemResult(Guid ReportId, Error? Error, string? Answer = null, bool AnswerQueued = false)
{
    public bool Ok => Error is null;
}

/// <summary>The outcome of a triage action over one or more reports, in the order asked.</summary>
public sealed record TriageResult(IReadOnlyList<TriageItemResult> Items, Incident? Incident = null)
{
    public int Succeeded => Items.Count(i => i.Ok);
}

/// <summary>
/// The triage queue's actions, shared by the pages and the API: dismiss (spam, duplicate, not for us,
/// handled), reopen, attach to an incident, open an incident from reports. Each report is judged on its
/// own (a bulk action does what it can and says what it could not), and everything one action changes is
/// saved together — the reports, the incident's timeline and the redirection mail in the outbound queue.
/// </summary>
public sealed class TriageService(
    VigieDb db,
    BlobStore blobs,
    AnswerComposer composer,
    MailOutbox outbox,
    MailCrypto crypto,
    PgpKeyring keyring,
    TeamAddresses teamAddresses,
    IncidentService incidents,
    TimeProvider time)
{
    /// <summary>The most reports one bulk action takes.</summary>
    public const int MaxBatch = 500;

    /// <summary>How an answer note starts when the reporter was sent the §3.2 redirection (intake writes the same).</summary>
    public const string RedirectedPrefix = "Redirected ";

    public async Task<TriageResult> DecideAsync(IReadOnlyList<Guid> reportIds, TriageDecision decision, Guid? duplicateOf,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (BatchError(reportIds) is { } batchError)
        {
            return new TriageResult([new TriageItemResult(Guid.Empty, batchError)]);
        }
        if (!user.CanWrite())
        {
            return All(reportIds, Forbidden());
        }
        if (decision == TriageDecision.Duplicate && duplicateOf is null)
        {
            return All(reportIds, Error.Validation("duplicateOf", "A duplicate names the report it repeats (duplicateOf)."));
        }
        if (decision != TriageDecision.Duplicate && duplicateOf is not null)
        {
            return All(reportIds, Error.Validation("duplicateOf", "Only a duplicate names another report."));
        }

        // Chains are flattened: a duplicate of a duplicate points at the original, so there is never a cycle.
        Guid? original = null;
        if (duplicateOf is { } target)
        {
            var t = await db.Reports.AsNoTracking().VisibleTo(db, user)
                .Where(r => r.Id == target).Select(r => new { r.Id, r.Triage, r.DuplicateOfId }).FirstOrDefaultAsync(ct);
            if (t is null)
            {
                return All(reportIds, Error.Validation("duplicateOf", $"No report has the id {target}."));
            }
            original = t.Triage == TriageStatus.Duplicate && t.DuplicateOfId is { } first ? first : t.Id;
        }

        var ids = reportIds.Distinct().ToList();
        var reports = await db.Reports.VisibleTo(db, user).Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var now = time.GetUtcNow();
        var actor = user.Actor();
        var answered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var results = new List<TriageItemResult>();
        foreach (var id in ids)
        {
            if (!reports.TryGetValue(id, out var report))
            {
                results.Add(new TriageItemResult(id, Error.NotFound($"Report {id}")));
                continue;
            }
            if (report.Status is ReportStatus.Received or ReportStatus.Processing)
            {
                results.Add(new TriageItemResult(id, Error.Conflict("not-read", "The report is still being read; decide once it is in the queue.")));
                continue;
            }
            var error = decision switch
            {
                TriageDecision.Reopen => report.Reopen(actor, now),
                TriageDecision.Duplicate when original == report.Id =>
                    Error.Validation("duplicateOf", "A report cannot be a duplicate of itself (or of one of its own duplicates)."),
                _ => report.Dismiss(Status(decision), decision == TriageDecision.Duplicate ? original : null, actor, now),
            };
            if (error is not null)
            {
                results.Add(new TriageItemResult(id, error));
                continue;
            }
            if (decision == TriageDecision.NotForUs)
            {
                var (note, queued) = await RedirectAsync(report, answered, actor, ct);
                results.Add(new TriageItemResult(id, null, note, queued));
                continue;
            }
            results.Add(new TriageItemResult(id, null));
        }
        await db.SaveChangesAsync(ct);
        return new TriageResult(results);
    }

    /// <summary>Attaches reports to an incident the user may change, and copies their observables into it.</summary>
    public async Task<TriageResult> AttachAsync(IReadOnlyList<Guid> reportIds, string incidentKey, ClaimsPrincipal user, CancellationToken ct)
    {
        if (BatchError(reportIds) is { } batchError)
        {
            return new TriageResult([new TriageItemResult(Guid.Empty, batchError)]);
        }
        if (await db.Incidents.VisibleTo(user).FindByKeyAsync(incidentKey, ct) is not { } incident)
        {
            return All(reportIds, Error.NotFound($"Incident '{incidentKey}'"));
        }
        if (!user.CanChange(incident))
        {
            return All(reportIds, Forbidden());
        }
        var ids = reportIds.Distinct().ToList();
        var reports = await db.Reports.VisibleTo(db, user).Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var now = time.GetUtcNow();
        var results = new List<TriageItemResult>();
        var linked = new List<Guid>();
        foreach (var id in ids)
        {
            if (!reports.TryGetValue(id, out var report))
            {
                results.Add(new TriageItemResult(id, Error.NotFound($"Report {id}")));
                continue;
            }
            if (report.LinkTo(incident, user.Actor(), now) is { } error)
            {
                results.Add(new TriageItemResult(id, error));
                continue;
            }
            linked.Add(id);
            results.Add(new TriageItemResult(id, null));
        }
        await CopyObservablesAsync(incident, linked, user.Actor(), now, ct);
        await db.SaveChangesAsync(ct);
        return new TriageResult(results, incident);
    }

    /// <summary>
    /// Opens an incident (<see cref="IncidentService.CreateAsync"/>) with the reports linked, then copies their
    /// observables into it. The reports must be visible and not attached elsewhere.
    /// </summary>
    public async Task<Result<Incident>> CreateIncidentAsync(CreateIncidentRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!user.CanWrite())
        {
            return Forbidden();
        }
        var ids = (request.ReportIds ?? []).Distinct().ToArray();
        if (BatchError(ids, allowEmpty: true) is { } batchError)
        {
            return batchError;
        }
        if (ids.Length > 0)
        {
            var visible = await db.Reports.AsNoTracking().VisibleTo(db, user).Where(r => ids.Contains(r.Id))
                .Select(r => new { r.Id, r.IncidentId }).ToListAsync(ct);
            var errors = new FieldErrors();
            foreach (var missing in ids.Except(visible.Select(v => v.Id)))
            {
                errors.Add("reportIds", $"No report has the id {missing}.");
            }
            foreach (var taken in visible.Where(v => v.IncidentId is not null))
            {
                errors.Add("reportIds", $"Report {taken.Id} is already attached to an incident.");
            }
            if (errors.ToError() is { } invalid)
            {
                return invalid;
            }
        }
        var created = await incidents.CreateAsync(request with { ReportIds = ids }, user.Actor(), ct);
        if (!created.IsSuccess || ids.Length == 0)
        {
            return created;
        }
        var incident = created.Value!;
        await CopyObservablesAsync(incident, ids, user.Actor(), time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return incident;
    }

    /// <summary>Adds the reports' observables the incident does not have yet (<see cref="IncidentService.AddReportObservablesAsync"/>).</summary>
    private async Task CopyObservablesAsync(Incident incident, IReadOnlyCollection<Guid> reportIds, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (reportIds.Count == 0)
        {
            return;
        }
        var found = await db.ReportObservables.AsNoTracking().Where(o => reportIds.Contains(o.ReportId))
            .OrderBy(o => o.ReportId).ThenBy(o => o.Location).ThenBy(o => o.Start)
            .Select(o => new { o.Kind, o.Value }).Take(IncidentService.MaxCopiedObservables * 4).ToListAsync(ct);
        await incidents.AddReportObservablesAsync(incident, found.Select(o => (o.Kind, o.Value)), actor, now, ct);
    }

    /// <summary>
    /// The RFC 2350 §3.2 redirection to the reporter, with intake's rules: never to a machine-made report
    /// (ARF, X-ARF, Shadowserver), never where <see cref="AutoReplyPolicy"/> forbids an automatic answer
    /// (auto-submitted, bulk, lists, bounces, robots, our own addresses), never twice for one report, and
    /// one per sender per action. The per-sender 24-hour window of intake does not apply: an analyst decided.
    /// </summary>
    private async Task<(string Note, bool Queued)> RedirectAsync(Report report, HashSet<string> answered, string actor, CancellationToken ct)
    {
        if (report.AnswerNote?.StartsWith(RedirectedPrefix, StringComparison.Ordinal) == true)
        {
            return ("Not answered again: the reporter was already redirected.", false);
        }
        if (report.Format is { } format)
        {
            return Note(report, $"Not answered: a machine-generated report ({format}) expects no answer.");
        }
        if (!blobs.Exists(report.Sha256))
        {
            return Note(report, "Not answered: the raw message is not in the store.");
        }
        MimeMessage? message;
        await using (var raw = blobs.OpenRead(report.Sha256))
        {
            using var copy = new MemoryStream();
            await raw.CopyToAsync(copy, ct);
            copy.Position = 0;
            message = (await MailParsing.LoadAsync(copy, ct)).Message;
        }
        if (message is null)
        {
            return Note(report, "Not answered: the message could not be read.");
        }
        var to = message.ReplyTo.Mailboxes.FirstOrDefault() ?? message.From.Mailboxes.FirstOrDefault();
        var senderKey = EmailAddress.TryNormalize(to?.Address, out var normalized, out _) ? normalized : null;
        var decision = AutoReplyPolicy.Decide(new AutoReplyInput(
            senderKey ?? to?.Address,
            report.Source == ReportSource.Smtp && report.SubmittedBy.StartsWith("smtp:", StringComparison.Ordinal)
                ? report.SubmittedBy["smtp:".Length..] : message.Headers[HeaderId.ReturnPath],
            message.Headers[HeaderId.AutoSubmitted],
            message.Headers[HeaderId.Precedence],
            message.Headers.Contains(HeaderId.ListId) || message.Headers.Contains(HeaderId.ListUnsubscribe) || message.Headers.Contains(HeaderId.ListPost),
            message.Headers["X-Auto-Response-Suppress"],
            message.Body is MultipartReport,
            teamAddresses.All,
            null,
            time.GetUtcNow(),
            TimeSpan.Zero));
        if (!decision.Send || to is null || senderKey is null)
        {
            return Note(report, decision.Reason);
        }
        if (!answered.Add(senderKey))
        {
            return Note(report, $"Not answered: {senderKey} is redirected once for this whole selection.");
        }

        var answer = composer.Compose(new AnswerContext(AnswerKind.Redirection, new MailboxAddress(to.Name, senderKey),
            message.Subject, report.MessageId, [.. message.References], null, null, report.ReceivedAt, null,
            Language(message, report.Text)));
        // Encrypted in, encrypted out (profile §4.3) when we hold the sender's key; signed whenever the team has a key.
        var encryptTo = report.Decryption == DecryptionStatus.Decrypted && keyring.FindEncryptionKey(senderKey) is not null
            ? new MailboxAddress(to.Name, senderKey) : null;
        var signer = answer.From.Mailboxes.First();
        if (encryptTo is not null || keyring.FindTeamSigningKey(signer.Address) is not null)
        {
            answer = crypto.Protect(answer, signer, encryptTo);
        }
        var queued = await outbox.EnqueueAsync(answer, OutboundKind.AutoReply, report.Id, null, senderKey, ct);
        var note = $"{RedirectedPrefix}{senderKey} in triage by {actor}: not for our constituency (profile §3.2){(encryptTo is null ? "" : ", encrypted")}.";
        report.RecordAnswer(queued.Id, StoredText.Clip(note, 500)!);
        return (note, true);
    }

    private static (string, bool) Note(Report report, string reason)
    {
        report.RecordAnswer(null, StoredText.Clip(reason, 500)!);
        return (reason, false);
    }

    /// <summary>French or English first: the message's Content-Language, else a word count (as intake does).</summary>
    private static string? Language(MimeMessage message, string? text)
    {
        var declared = message.Headers[HeaderId.ContentLanguage] ?? message.Body?.Headers[HeaderId.ContentLanguage];
        if (declared?.Trim().ToLowerInvariant() is { Length: >= 2 } lang && lang[..2] is "fr" or "en")
        {
            return lang[..2];
        }
        return LanguageGuess.Guess(text);
    }

    private static TriageStatus Status(TriageDecision decision) => decision switch
    {
        TriageDecision.Spam => TriageStatus.Spam,
        TriageDecision.Duplicate => TriageStatus.Duplicate,
        TriageDecision.NotForUs => TriageStatus.NotForUs,
        TriageDecision.Handled => TriageStatus.Handled,
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };

    private static Error? BatchError(IReadOnlyCollection<Guid> ids, bool allowEmpty = false)
    {
        if (ids.Count == 0 && !allowEmpty)
        {
            return Error.Validation("ids", "Select at least one report.");
        }
        return ids.Count > MaxBatch ? Error.Validation("ids", $"At most {MaxBatch} reports at once.") : null;
    }

    private static TriageResult All(IReadOnlyList<Guid> ids, Error error) =>
        new([.. ids.Distinct().Select(id => new TriageItemResult(id, error))]);

    private static Error Forbidden() => new(ErrorKind.Forbidden, "forbidden", "Triage needs an analyst, lead or admin with write access.");
}
