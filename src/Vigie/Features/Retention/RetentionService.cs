using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;
using Vigie.Features.Mail;

namespace Vigie.Features.Retention;

/// <summary>What one kind's rule found (dry run) or did: how many records, and the oldest date among them.</summary>
/// <remarks>Cutoff: records dated before this are due; null when the kind is kept for ever.</remarks>
/// <remarks>Count: records deleted or pseudonymised (or due, in a dry run): reports, incidents, files, rows, sessions and codes, audit entries.</remarks>
public sealed record RetentionOutcome(RetentionKind Kind, RetentionAction Action, string Period, DateTimeOffset? Cutoff, int Count, DateTimeOffset? Oldest);

/// <summary>One run of the purge.</summary>
/// <remarks>Skipped: another node holds the run (PostgreSQL); nothing was done here.</remarks>
public sealed record RetentionRun(bool DryRun, bool Skipped, DateTimeOffset At, IReadOnlyList<RetentionOutcome> Kinds);

/// <summary>
/// The retention purge (issue 7 §7, docs/privacy.md): for each kind of record, what is older than its period is deleted
/// or pseudonymised, by batches, each batch in its own transaction, so a run never loads everything and an interrupted
/// run leaves only whole batches behind. Blobs are removed after their batch commits (a crash in between leaves an
/// unreferenced file, never a row without its file… except the raw mail the row says is gone). Incidents under legal
/// hold are never touched. The run is recorded in the audit log once every transaction is over.
/// </summary>
public sealed class RetentionService(VigieDb db, BlobStore blobs, TimeProvider time, IOptions<RetentionOptions> options, PseudonymKey key,
    AuditLog audit, ILogger<RetentionService> log)
{
    /// <summary>The order of a run: reports dismissed first (so the raw-mail rule does not count what is deleted anyway), the audit log last.</summary>
    public static readonly RetentionKind[] Order =
    [
        RetentionKind.UnlinkedReports, RetentionKind.ContactForm, RetentionKind.ClosedIncidents, RetentionKind.Evidence,
        RetentionKind.RawMail, RetentionKind.Outbound, RetentionKind.DisabledUserSessions, RetentionKind.AuditLog,
    ];

    /// <summary>Arbitrary, fixed: the advisory-lock key that makes one node run the purge at a time ("VigieRet").</summary>
    internal const long RunLockKey = 0x5669676965526574;

    private RetentionOptions O => options.Value;

    private Pseudonyms P => key.Pseudonyms;

    /// <summary>Runs the purge (or, with <paramref name="dryRun"/>, only counts what it would do).</summary>
    public async Task<RetentionRun> RunAsync(bool dryRun, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var runLock = await RunLock.TryTakeAsync(db, ct);
        if (runLock is null)
        {
            log.LogInformation("Retention run skipped: another node is running it.");
            return new RetentionRun(dryRun, true, now, []);
        }
        var outcomes = new List<RetentionOutcome>();
        foreach (var kind in Order)
        {
            var rule = O.Rule(kind);
            var cutoff = O.Cutoff(kind, now);
            var action = O.Action(kind);
            var (count, oldest) = cutoff is not { } c ? (0, null)
                : dryRun ? await DueAsync(kind, action, c, ct)
                : await ApplyAsync(kind, action, c, actor, now, ct);
            outcomes.Add(new RetentionOutcome(kind, action, rule.Period.Trim().ToLowerInvariant(), cutoff, count, oldest));
        }
        if (!dryRun)
        {
            // After every transaction is over (an append waits for the write lock a transaction would hold on SQLite).
            var detail = new Dictionary<string, string?>();
            foreach (var o in outcomes)
            {
                var name = Core.EnumWords.ToWord(o.Kind);
                detail[name] = o.Count.ToString(CultureInfo.InvariantCulture);
                if (o.Oldest is { } oldest)
                {
                    detail[name + ".oldest"] = AuditEntry.FormatInstant(oldest);
                }
            }
            await audit.RecordAsync(actor, new AuditEvent(AuditActions.Purge, "retention", null, AuditOutcomes.Success, detail));
            log.LogInformation("Retention run: {Counts}.", string.Join(", ", outcomes.Select(o => $"{o.Kind} {o.Count}")));
        }
        return new RetentionRun(dryRun, false, now, outcomes);
    }

    // ---- what is due --------------------------------------------------------------------------------------------

    private IQueryable<Guid> HeldIncidents => db.Incidents.Where(i => i.LegalHold).Select(i => i.Id);

    private IQueryable<Report> DismissedReports(bool webForm, RetentionAction action, DateTimeOffset cutoff)
    {
        var query = db.Reports.Where(r => r.IncidentId == null && r.Triage != TriageStatus.Pending && r.Triage != TriageStatus.Linked
            && (r.Source == ReportSource.WebForm) == webForm && r.ReceivedAt < cutoff);
        return action == RetentionAction.Pseudonymise ? query.Where(r => r.PseudonymisedAt == null) : query;
    }

    private IQueryable<Incident> ClosedIncidents(DateTimeOffset cutoff) =>
        db.Incidents.Where(i => (i.State == IncidentState.Closed || i.State == IncidentState.Rejected) && !i.LegalHold
            && i.PseudonymisedAt == null && i.UpdatedAt < cutoff);

    private IQueryable<Evidence.EvidenceItem> DueEvidence(DateTimeOffset cutoff) =>
        from e in db.EvidenceItems
        join i in db.Incidents on e.IncidentId equals i.Id
        where (i.State == IncidentState.Closed || i.State == IncidentState.Rejected) && !i.LegalHold && i.UpdatedAt < cutoff
        select e;

    private IQueryable<Report> RawMail(DateTimeOffset cutoff) =>
        db.Reports.Where(r => r.RawDeletedAt == null && r.ReceivedAt < cutoff && (r.IncidentId == null || !HeldIncidents.Contains(r.IncidentId.Value)));

    private IQueryable<OutboundMessage> SentMail(DateTimeOffset cutoff) =>
        db.OutboundMessages.Where(m => m.Status == OutboundStatus.Sent && m.SentAt < cutoff
            && (m.IncidentId == null || !HeldIncidents.Contains(m.IncidentId.Value)));

    private IQueryable<Guid> DisabledUsers => db.Users.Where(u => u.Disabled).Select(u => u.Id);

    private IQueryable<UserSession> OldSessions(DateTimeOffset cutoff) =>
        db.Set<UserSession>().Where(s => s.LastSeenAt < cutoff && DisabledUsers.Contains(s.UserId));

    /// <summary>Codes of accounts disabled, made before the cutoff and not seen since.</summary>
    private IQueryable<RecoveryCode> OldCodes(DateTimeOffset cutoff) =>
        db.Set<RecoveryCode>().Where(c => db.Users.Any(u => u.Id == c.UserId && u.Disabled && u.CreatedAt < cutoff)
            && !db.Set<UserSession>().Any(s => s.UserId == c.UserId && s.LastSeenAt >= cutoff));

    private async Task<(int, DateTimeOffset?)> DueAsync(RetentionKind kind, RetentionAction action, DateTimeOffset cutoff, CancellationToken ct)
    {
        switch (kind)
        {
            case RetentionKind.UnlinkedReports or RetentionKind.ContactForm:
                var reports = DismissedReports(kind == RetentionKind.ContactForm, action, cutoff);
                return (await reports.CountAsync(ct), await OldestAsync(reports.Select(r => r.ReceivedAt), ct));
            case RetentionKind.ClosedIncidents:
                var incidents = ClosedIncidents(cutoff);
                return (await incidents.CountAsync(ct), await OldestAsync(incidents.Select(i => i.UpdatedAt), ct));
            case RetentionKind.Evidence:
                var evidence = DueEvidence(cutoff);
                return (await evidence.CountAsync(ct), await OldestAsync(evidence.Select(e => e.AddedAt), ct));
            case RetentionKind.RawMail:
                var raw = RawMail(cutoff);
                return (await raw.CountAsync(ct), await OldestAsync(raw.Select(r => r.ReceivedAt), ct));
            case RetentionKind.Outbound:
                var sent = SentMail(cutoff);
                return (await sent.CountAsync(ct), await OldestAsync(sent.Select(m => m.SentAt!.Value), ct));
            case RetentionKind.DisabledUserSessions:
                var sessions = OldSessions(cutoff);
                return (await sessions.CountAsync(ct) + await OldCodes(cutoff).CountAsync(ct), await OldestAsync(sessions.Select(s => s.LastSeenAt), ct));
            default:
                var (first, through, oldest) = await AuditPrefixAsync(cutoff, ct);
                return (through is { } t ? (int)(t - first + 1) : 0, oldest);
        }
    }

    private static async Task<DateTimeOffset?> OldestAsync(IQueryable<DateTimeOffset> dates, CancellationToken ct) =>
        await dates.OrderBy(d => d).Select(d => (DateTimeOffset?)d).FirstOrDefaultAsync(ct);

    // ---- doing it -----------------------------------------------------------------------------------------------

    private async Task<(int, DateTimeOffset?)> ApplyAsync(RetentionKind kind, RetentionAction action, DateTimeOffset cutoff, AuditActor actor,
        DateTimeOffset now, CancellationToken ct) => kind switch
        {
            RetentionKind.UnlinkedReports or RetentionKind.ContactForm => await BatchesAsync(
                () => DismissedReports(kind == RetentionKind.ContactForm, action, cutoff).OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id), r => r.ReceivedAt,
                action == RetentionAction.Delete ? DeleteReportsAsync : (batch, c) => PseudonymiseReportsAsync(batch, now, c), O.BatchSize, ct),
            RetentionKind.ClosedIncidents => await BatchesAsync(
                () => ClosedIncidents(cutoff).OrderBy(i => i.UpdatedAt).ThenBy(i => i.Id), i => i.UpdatedAt,
                (batch, c) => PseudonymiseIncidentsAsync(batch, now, c), Math.Min(O.BatchSize, 20), ct),
            RetentionKind.Evidence => await BatchesAsync(
                () => DueEvidence(cutoff).OrderBy(e => e.AddedAt).ThenBy(e => e.Id), e => e.AddedAt, DeleteEvidenceAsync, O.BatchSize, ct),
            RetentionKind.RawMail => await BatchesAsync(
                () => RawMail(cutoff).OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id), r => r.ReceivedAt,
                (batch, c) => ForgetRawAsync(batch, now, c), O.BatchSize, ct),
            RetentionKind.Outbound => await BatchesAsync(
                () => SentMail(cutoff).OrderBy(m => m.SentAt).ThenBy(m => m.Id), m => m.SentAt!.Value, DeleteOutboundAsync, O.BatchSize, ct),
            RetentionKind.DisabledUserSessions => await DeleteSessionsAsync(cutoff, ct),
            _ => await PurgeAuditAsync(cutoff, actor, ct),
        };

    /// <summary>
    /// Takes the first <paramref name="size"/> due records, acts on them in one transaction, deletes their files once it
    /// commits, and again until none is due. Each step makes its records stop being due (deleted or marked), so it ends.
    /// </summary>
    private async Task<(int, DateTimeOffset?)> BatchesAsync<T>(Func<IQueryable<T>> due, Func<T, DateTimeOffset> dateOf,
        Func<List<T>, CancellationToken, Task<List<string>>> act, int size, CancellationToken ct) where T : class
    {
        var total = 0;
        DateTimeOffset? oldest = null;
        while (true)
        {
            db.ChangeTracker.Clear();
            List<string> files;
            int count;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var batch = await due().Take(size).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }
                oldest ??= batch.Min(dateOf);
                files = await act(batch, ct);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                count = batch.Count;
            }
            total += count;
            await DeleteUnusedBlobsAsync(files, ct);
            if (count < size)
            {
                break;
            }
        }
        db.ChangeTracker.Clear();
        return (total, oldest);
    }

    /// <summary>Content-addressed: a file may also be another report's, an attachment of a kept report, or evidence.</summary>
    private async Task DeleteUnusedBlobsAsync(IEnumerable<string> shas, CancellationToken ct)
    {
        foreach (var sha in shas.Where(s => !string.IsNullOrEmpty(s)).Distinct())
        {
            var used = await db.Reports.AnyAsync(r => r.Sha256 == sha && r.RawDeletedAt == null, ct)
                || await db.ReportAttachments.AnyAsync(a => a.Sha256 == sha && db.Reports.Any(r => r.Id == a.ReportId && r.RawDeletedAt == null), ct)
                || await db.EvidenceItems.AnyAsync(e => e.Sha256 == sha, ct);
            if (!used)
            {
                blobs.Delete(sha);
            }
        }
    }

    private async Task<List<string>> DeleteReportsAsync(List<Report> batch, CancellationToken ct)
    {
        var ids = batch.Select(r => r.Id).ToList();
        var files = batch.Select(r => r.Sha256).ToList();
        files.AddRange(await db.ReportAttachments.Where(a => ids.Contains(a.ReportId) && a.Sha256 != null).Select(a => a.Sha256!).ToListAsync(ct));
        // Observables and attachments go with their report (ON DELETE CASCADE); answers and messages keep their row without the link.
        await db.Reports.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(ct);
        return files;
    }

    private async Task<List<string>> ForgetRawAsync(List<Report> batch, DateTimeOffset now, CancellationToken ct)
    {
        var ids = batch.Select(r => r.Id).ToList();
        var files = batch.Select(r => r.Sha256).ToList();
        files.AddRange(await db.ReportAttachments.Where(a => ids.Contains(a.ReportId) && a.Sha256 != null).Select(a => a.Sha256!).ToListAsync(ct));
        foreach (var report in batch)
        {
            report.MarkRawDeleted(now);
        }
        return files;
    }

    private async Task<List<string>> PseudonymiseReportsAsync(List<Report> batch, DateTimeOffset now, CancellationToken ct)
    {
        var files = new List<string>();
        foreach (var report in batch)
        {
            files.AddRange(await ScrubReportAsync(report, NamesOf(report), now, ct));
        }
        return files;
    }

    private static List<string> NamesOf(Report report) => Pseudonyms.DisplayName(report.From) is { } name ? [name] : [];

    /// <summary>The sender's data in a report replaced by pseudonyms; its raw message and extracted files deleted (they hold the same data).</summary>
    private async Task<List<string>> ScrubReportAsync(Report report, IReadOnlyCollection<string> names, DateTimeOffset now, CancellationToken ct)
    {
        var entry = db.Entry(report);
        var from = Pseudonyms.Addresses(report.From).FirstOrDefault();
        entry.Property(r => r.From).CurrentValue = from is null ? P.Scrub(report.From, names) : P.Email(from);
        entry.Property(r => r.SignerEmail).CurrentValue = report.SignerEmail is null ? null : P.Email(report.SignerEmail);
        if (report.SubmittedBy.StartsWith("form:", StringComparison.Ordinal))
        {
            entry.Property(r => r.SubmittedBy).CurrentValue = "form:" + P.Email(report.SubmittedBy["form:".Length..]);
        }
        entry.Property(r => r.Subject).CurrentValue = P.Scrub(report.Subject, names);
        entry.Property(r => r.Text).CurrentValue = P.Scrub(report.Text, names);
        entry.Property(r => r.Html).CurrentValue = P.Scrub(report.Html, names);
        entry.Property(r => r.ConstituentReason).CurrentValue = P.Scrub(report.ConstituentReason, names);
        entry.Property(r => r.AnswerNote).CurrentValue = P.Scrub(report.AnswerNote, names);
        entry.Property(r => r.DecryptionError).CurrentValue = P.Scrub(report.DecryptionError, names);
        entry.Property(r => r.FailureReason).CurrentValue = P.Scrub(report.FailureReason, names);
        entry.Property(r => r.Problems).CurrentValue = report.Problems.Select(p => P.Scrub(p, names)!).ToList();
        foreach (var o in await db.ReportObservables.Where(o => o.ReportId == report.Id).ToListAsync(ct))
        {
            var value = o.Kind == ObservableKind.Email ? P.Email(o.Value) : P.Scrub(o.Value, [])!;
            if (value != o.Value)
            {
                db.Entry(o).Property(x => x.Value).CurrentValue = value;
            }
        }
        var files = new List<string>();
        foreach (var a in await db.ReportAttachments.Where(a => a.ReportId == report.Id).ToListAsync(ct))
        {
            db.Entry(a).Property(x => x.FileName).CurrentValue = P.Scrub(a.FileName, names);
            if (a.Sha256 is { } sha)
            {
                files.Add(sha);
            }
        }
        if (report.RawDeletedAt is null)
        {
            files.Add(report.Sha256);
            report.MarkRawDeleted(now);
        }
        report.MarkPseudonymised(now);
        return files;
    }

    /// <summary>
    /// A closed incident keeps its number, classification, dates, SLA facts and timeline; the reporters' and contacts'
    /// addresses, names and phone numbers in it, its reports, its correspondence, its queued mail and consents become
    /// pseudonyms, and the raw mail (ours and theirs) is deleted.
    /// </summary>
    private async Task<List<string>> PseudonymiseIncidentsAsync(List<Incident> batch, DateTimeOffset now, CancellationToken ct)
    {
        var files = new List<string>();
        // Staff act on incidents under their own accounts and stay attributable; anyone else (a constituent's contact
        // acting through the portal, a form submitter) is a person whose address the incident must lose.
        var staff = (await db.Users.AsNoTracking().Where(u => u.Role != UserRole.Constituent).Select(u => u.Email).ToListAsync(ct))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        string Actor(string actor) => actor.StartsWith("form:", StringComparison.Ordinal) ? "form:" + P.Email(actor["form:".Length..])
            : actor.Contains('@', StringComparison.Ordinal) && !staff.Contains(actor) && !Pseudonyms.IsPseudonym(actor) ? P.Email(actor)
            : actor;
        foreach (var incident in batch)
        {
            var id = incident.Id;
            var parties = await db.CorrespondenceParties.Where(p => p.IncidentId == id).ToListAsync(ct);
            var reports = await db.Reports.Where(r => r.IncidentId == id).ToListAsync(ct);
            var names = parties.Select(p => p.Name).Concat(reports.SelectMany(NamesOf)).Where(n => !string.IsNullOrWhiteSpace(n)).Distinct().ToList();

            var entry = db.Entry(incident);
            entry.Property(i => i.Title).CurrentValue = P.Scrub(incident.Title, names)!;
            entry.Property(i => i.Description).CurrentValue = P.Scrub(incident.Description, names);
            foreach (var o in await db.IncidentObservables.Where(o => o.IncidentId == id).ToListAsync(ct))
            {
                var value = o.Kind == ObservableKind.Email ? P.Email(o.Value) : P.Scrub(o.Value, [])!;
                if (value != o.Value)
                {
                    db.Entry(o).Property(x => x.Value).CurrentValue = value;
                }
                db.Entry(o).Property(x => x.Note).CurrentValue = P.Scrub(o.Note, names);
            }
            foreach (var e in await db.TimelineEvents.Where(e => e.IncidentId == id).ToListAsync(ct))
            {
                db.Entry(e).Property(x => x.Actor).CurrentValue = Actor(e.Actor);
                db.Entry(e).Property(x => x.Reason).CurrentValue = P.Scrub(e.Reason, names);
                db.Entry(e).Property(x => x.Data).CurrentValue = P.Scrub(e.Data, names);
            }
            foreach (var t in await db.IncidentTasks.Where(t => t.IncidentId == id).ToListAsync(ct))
            {
                db.Entry(t).Property(x => x.Title).CurrentValue = P.Scrub(t.Title, names)!;
            }
            foreach (var party in parties)
            {
                party.Email = P.Email(party.Email);
                party.Name = P.Name(party.Name);
            }
            foreach (var m in await db.CorrespondenceMessages.Where(m => m.IncidentId == id).ToListAsync(ct))
            {
                m.Subject = P.Scrub(m.Subject, names)!;
                m.Text = P.Scrub(m.Text, names)!;
                m.NeedToKnow = P.Scrub(m.NeedToKnow, names);
                m.CreatedBy = Actor(m.CreatedBy);
            }
            foreach (var c in await db.Consents.Where(c => c.IncidentId == id).ToListAsync(ct))
            {
                c.GivenBy = c.GivenBy.Contains('@', StringComparison.Ordinal) ? P.Scrub(c.GivenBy, names)! : P.Name(c.GivenBy);
                c.Value = P.Scrub(c.Value, names)!;
                c.Note = P.Scrub(c.Note, names);
            }
            var reportIds = reports.Select(r => r.Id).ToList();
            foreach (var m in await db.OutboundMessages.Where(m => m.IncidentId == id || (m.ReportId != null && reportIds.Contains(m.ReportId.Value))).ToListAsync(ct))
            {
                m.Recipients = P.Scrub(m.Recipients, names)!;
                m.Subject = P.Scrub(m.Subject, names)!;
                m.LastError = P.Scrub(m.LastError, names);
                files.Add(m.Sha256);
            }
            foreach (var e in await db.EvidenceItems.Where(e => e.IncidentId == id).ToListAsync(ct))
            {
                db.Entry(e).Property(x => x.Description).CurrentValue = P.Scrub(e.Description, names);
            }
            foreach (var report in reports)
            {
                files.AddRange(await ScrubReportAsync(report, names, now, ct));
            }
            incident.MarkPseudonymised(now);
        }
        return files;
    }

    private async Task<List<string>> DeleteEvidenceAsync(List<Evidence.EvidenceItem> batch, CancellationToken ct)
    {
        var ids = batch.Select(e => e.Id).ToList();
        // Custody entries go with their item (ON DELETE CASCADE); the timeline keeps "evidence added".
        await db.EvidenceItems.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(ct);
        return batch.Select(e => e.Sha256).ToList();
    }

    private async Task<List<string>> DeleteOutboundAsync(List<OutboundMessage> batch, CancellationToken ct)
    {
        var ids = batch.Select(m => m.Id).ToList();
        // Correspondence messages keep their row (ON DELETE SET NULL): the thread shows what was said, not the queue row.
        await db.OutboundMessages.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(ct);
        return batch.Select(m => m.Sha256).ToList();
    }

    private async Task<(int, DateTimeOffset?)> DeleteSessionsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var total = 0;
        var oldest = await OldestAsync(OldSessions(cutoff).Select(s => s.LastSeenAt), ct);
        foreach (var due in new Func<Task<int>>[]
        {
            async () => await DeleteSomeAsync(OldSessions(cutoff).OrderBy(s => s.LastSeenAt).Select(s => s.Id), ids => db.Set<UserSession>().Where(s => ids.Contains(s.Id)), ct),
            async () => await DeleteSomeAsync(OldCodes(cutoff).OrderBy(c => c.Id).Select(c => c.Id), ids => db.Set<RecoveryCode>().Where(c => ids.Contains(c.Id)), ct),
        })
        {
            total += await due();
        }
        return (total, oldest);
    }

    private async Task<int> DeleteSomeAsync<T>(IQueryable<Guid> due, Func<List<Guid>, IQueryable<T>> rows, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = await due.Take(O.BatchSize).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return total;
            }
            total += await rows(ids).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            if (ids.Count < O.BatchSize)
            {
                return total;
            }
        }
    }

    // ---- the audit log ------------------------------------------------------------------------------------------

    /// <summary>The prefix of the chain older than the cutoff: its first and last sequence numbers, and the first entry's date.</summary>
    private async Task<(long First, long? Through, DateTimeOffset? Oldest)> AuditPrefixAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var entries = db.Set<AuditEntry>().AsNoTracking();
        var first = await entries.OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.At }).FirstOrDefaultAsync(ct);
        if (first is null || first.At >= cutoff)
        {
            return (0, null, null);
        }
        // A prefix only: up to the entry before the first one that is recent enough (clocks of several nodes may disagree a little).
        var firstKept = await entries.Where(e => e.At >= cutoff).OrderBy(e => e.Sequence).Select(e => (long?)e.Sequence).FirstOrDefaultAsync(ct);
        var through = firstKept is { } k ? k - 1 : await entries.MaxAsync(e => e.Sequence, ct);
        return through < first.Sequence ? (0, null, null) : (first.Sequence, through, first.At);
    }

    /// <summary>
    /// Deletes the old prefix of the chain by batches. Before each batch, a <c>purge</c> entry naming <c>through</c>
    /// is appended (no transaction open), then the batch goes in its own transaction, with the append-only guard
    /// lifted inside it only (docs/audit.md). At every instant <c>vigie audit verify</c> finds the chain whole:
    /// either the entries are still there, or a purge entry says where the chain now starts.
    /// </summary>
    private async Task<(int, DateTimeOffset?)> PurgeAuditAsync(DateTimeOffset cutoff, AuditActor actor, CancellationToken ct)
    {
        var (first, through, oldest) = await AuditPrefixAsync(cutoff, ct);
        if (through is not { } last)
        {
            return (0, null);
        }
        var size = O.BatchSize * 25L;
        var total = 0;
        for (var start = first; start <= last; start += size)
        {
            var end = Math.Min(start + size - 1, last);
            var lastHash = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Sequence == end).Select(e => e.Hash).SingleAsync(ct);
            await audit.RecordAsync(actor, new AuditEvent(AuditActions.Purge, "audit", null, AuditOutcomes.Success, new Dictionary<string, string?>
            {
                ["through"] = end.ToString(CultureInfo.InvariantCulture),
                ["lastHash"] = lastHash,
                ["count"] = (end - start + 1).ToString(CultureInfo.InvariantCulture),
                ["reason"] = "retention",
            }));
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sqlite = !db.Database.IsNpgsql();
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("DROP TRIGGER IF EXISTS audit_entries_no_delete;", ct);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync($"SET LOCAL {AuditSchema.PurgeSetting} = 'on';", ct);
            }
            total += await db.Set<AuditEntry>().Where(e => e.Sequence <= end).ExecuteDeleteAsync(ct);
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync(AuditSchema.SqliteUp[1], ct);
            }
            await transaction.CommitAsync(ct);
        }
        return (total, oldest);
    }
}

/// <summary>
/// On PostgreSQL, one node runs the purge at a time: a session advisory lock on the context's own connection, kept
/// open for the whole run (every batch uses it). SQLite has a single node.
/// </summary>
internal sealed class RunLock(VigieDb? db) : IAsyncDisposable
{
    public static async Task<RunLock?> TryTakeAsync(VigieDb db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            return new RunLock(null);
        }
        await db.Database.OpenConnectionAsync(ct);
        var taken = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_lock({RetentionService.RunLockKey}) AS \"Value\"").SingleAsync(ct);
        if (taken)
        {
            return new RunLock(db);
        }
        await db.Database.CloseConnectionAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (db is not null)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({RetentionService.RunLockKey})");
            await db.Database.CloseConnectionAsync();
        }
    }
}
