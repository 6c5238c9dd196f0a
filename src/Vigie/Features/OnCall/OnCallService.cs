using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;
using NodaTime.Extensions;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.OnCall;
using Vigie.Core.Reports;
using Vigie.Core.Sla;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Mail;

namespace Vigie.Features.OnCall;

/// <summary>A page waiting for acknowledgement, as listed on /oncall.</summary>
public sealed record PendingPage(Guid Id, string Subject, string Priority, int Level, string Recipient, DateTimeOffset CreatedAt, Guid? IncidentId);

/// <summary>
/// On-call (docs/oncall.md): the rota as stored, and the work of the on-call job — page the primary
/// for a critical incident or report outside business hours, escalate to the secondary when nobody
/// acknowledges, record everything on the incident's timeline, and tell the leads about rota holes.
/// Each page is claimed by a unique row (incident or report, level), so two nodes never page twice.
/// </summary>
public sealed partial class OnCallService(
    VigieDb db,
    BusinessCalendar calendar,
    MailOutbox outbox,
    TeamAddresses team,
    IHttpClientFactory http,
    IOptions<OnCallOptions> options,
    SecretValues secrets,
    TimeProvider time,
    ILogger<OnCallService> log)
{
    /// <summary>The name of the webhook's HttpClient.</summary>
    public const string WebhookClient = "oncall-webhook";

    /// <summary>Incidents and reports older than this are never paged (a node back after an outage does not page the past).</summary>
    private static readonly TimeSpan Lookback = TimeSpan.FromHours(12);

    private static readonly IncidentState[] Finished = [IncidentState.Resolved, IncidentState.Closed, IncidentState.Rejected];

    public OnCallOptions Options => options.Value;

    public BusinessCalendar Calendar => calendar;

    public DateTimeOffset Now => MailOutbox.Instant(time.GetUtcNow());

    // ---------------------------------------------------------------- rota

    /// <summary>The stored rota, checked (errors name the faulty entry; an empty rota is an error when paging is on).</summary>
    public async Task<Result<OnCallRota>> LoadRotaAsync(CancellationToken ct) => Build(await db.OnCallEntries.AsNoTracking().ToListAsync(ct), await StaffAsync(ct));

    /// <summary>The rota as it stands, even when incoherent (for display and paging: a bad entry must not stop paging).</summary>
    public async Task<OnCallRota> CurrentRotaAsync(CancellationToken ct)
    {
        var entries = await db.OnCallEntries.AsNoTracking().ToListAsync(ct);
        var built = Build(entries, await StaffAsync(ct), paging: false);
        return built.IsSuccess ? built.Value! : Build(entries, null, paging: false, lenient: true).Value!;
    }

    public Task<List<OnCallEntry>> EntriesAsync(CancellationToken ct) =>
        db.OnCallEntries.AsNoTracking().OrderBy(e => e.Source).ThenBy(e => e.Position).ThenBy(e => e.Start).ToListAsync(ct);

    /// <summary>Adds a shift, an override or a rotation slot after checking the whole rota with it.</summary>
    public async Task<Result<OnCallEntry>> AddAsync(RotaSource source, DateTimeOffset? start, DateTimeOffset? end, string? primary, string? secondary,
        string? reason, string actor, CancellationToken ct)
    {
        var entries = await db.OnCallEntries.AsNoTracking().ToListAsync(ct);
        if (source != RotaSource.Rotation && (start is null || end is null))
        {
            return Error.Validation("start", "A shift or an override needs a start and an end.");
        }
        var entry = new OnCallEntry
        {
            Id = Guid.CreateVersion7(Now),
            Source = source,
            Position = source == RotaSource.Rotation ? entries.Where(e => e.Source == RotaSource.Rotation).Select(e => e.Position ?? 0).DefaultIfEmpty(-1).Max() + 1 : null,
            Start = source == RotaSource.Rotation ? null : MailOutbox.Instant(start!.Value),
            End = source == RotaSource.Rotation ? null : MailOutbox.Instant(end!.Value),
            Primary = Normalize(primary),
            Secondary = Normalize(secondary),
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            CreatedBy = actor,
            CreatedAt = Now,
        };
        var check = Build([.. entries, entry], await StaffAsync(ct), paging: false);
        if (!check.IsSuccess)
        {
            return Only(check.Error!, entry);
        }
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    /// <summary>Removes an entry; refused when it would leave paging with an empty rota.</summary>
    public async Task<Error?> RemoveAsync(Guid id, CancellationToken ct)
    {
        var entry = await db.OnCallEntries.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null)
        {
            return Error.NotFound("The rota entry");
        }
        if (Options.Enabled)
        {
            var rest = await db.OnCallEntries.AsNoTracking().Where(e => e.Id != id).ToListAsync(ct);
            var check = Build(rest, null, paging: true, lenient: true);
            if (check.Error?.Fields?.ContainsKey("rota") == true)
            {
                return Error.Validation("rota", check.Error.Fields["rota"][0]);
            }
        }
        db.Remove(entry);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private Result<OnCallRota> Build(List<OnCallEntry> entries, HashSet<string>? staff, bool? paging = null, bool lenient = false)
    {
        var r = Options.Rotation;
        var slots = entries.Where(e => e.Source == RotaSource.Rotation).OrderBy(e => e.Position).Select(e => new OnCallPair(e.Primary, e.Secondary)).ToList();
        var rotation = slots.Count == 0 ? null : new WeeklyRotation(r.AnchorDate, r.Time, r.Days, slots);
        var dated = entries.Where(e => e.Source != RotaSource.Rotation && e.Start is not null && e.End is not null)
            .Select(e => new RotaEntry(e.Id, e.Source, e.Start!.Value.ToInstant(), e.End!.Value.ToInstant(), new OnCallPair(e.Primary, e.Secondary), e.Reason));
        if (lenient)
        {
            // Keep the coherent part: drop entries that end before they start, later overlapping ones win nothing.
            dated = dated.Where(e => e.End > e.Start);
        }
        var result = OnCallRota.Create(calendar.Zone, rotation, dated, e => lenient || (staff?.Contains(e.Trim()) ?? true), paging ?? Options.Enabled);
        if (!result.IsSuccess && lenient && result.Error!.Fields!.Keys.All(k => k != "rota"))
        {
            // Overlaps in stored data (written before a rule existed): the first entry of each overlap wins.
            var kept = new List<RotaEntry>();
            foreach (var e in dated.OrderBy(e => e.Start))
            {
                if (!kept.Any(k => k.Source == e.Source && k.Start < e.End && e.Start < k.End))
                {
                    kept.Add(e);
                }
            }
            result = OnCallRota.Create(calendar.Zone, rotation, kept, _ => true, paging ?? Options.Enabled);
        }
        return result;
    }

    private async Task<HashSet<string>> StaffAsync(CancellationToken ct) =>
        (await db.Users.AsNoTracking().Where(u => !u.Disabled && u.Role != UserRole.Constituent && u.Role != UserRole.Auditor)
            .Select(u => u.Email).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static Error Only(Error error, OnCallEntry entry)
    {
        // Report the new entry's faults under plain field names; faults of other entries stay under theirs.
        var fields = new FieldErrors();
        foreach (var (field, messages) in error.Fields ?? new Dictionary<string, string[]>())
        {
            foreach (var m in messages)
            {
                fields.Add(field.EndsWith(entry.Id.ToString(), StringComparison.Ordinal) || field.StartsWith("rotation", StringComparison.Ordinal) ? "entry" : field, m);
            }
        }
        return fields.ToError()!;
    }

    private static string Normalize(string? email) =>
        EmailAddress.TryNormalize(email?.Trim() ?? "", out var n, out _) ? n : email?.Trim() ?? "";

    // ---------------------------------------------------------------- the job

    /// <summary>
    /// One run of the on-call job, at the TimeProvider's now: pages new critical incidents and reports
    /// (only while the team is closed), escalates unacknowledged pages, records mail failures, and
    /// alerts the leads about rota holes in the next 7 days. Returns how many pages were sent.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (!Options.Enabled)
        {
            return 0;
        }
        var now = Now;
        var rota = await CurrentRotaAsync(ct);
        var sent = 0;
        if (!calendar.IsOpen(now.ToInstant()))
        {
            sent += await PageIncidentsAsync(rota, now, ct);
            sent += await PageReportsAsync(rota, now, ct);
            sent += await EscalateAsync(rota, now, ct);
        }
        await RecordMailFailuresAsync(ct);
        await AlertHolesAsync(rota, now, ct);
        return sent;
    }

    private async Task<int> PageIncidentsAsync(OnCallRota rota, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Lookback;
        var candidates = await db.Incidents.AsNoTracking()
            .Where(i => (i.Priority == Priority.P1 || i.Priority == Priority.P2) && !Finished.Contains(i.State) && i.UpdatedAt >= since
                && !db.OnCallPages.Any(p => p.IncidentId == i.Id))
            .OrderBy(i => i.Id).Select(i => i.Id).Take(100).ToListAsync(ct);
        var sent = 0;
        foreach (var id in candidates)
        {
            var becameCritical = await BecameCriticalAtAsync(id, ct);
            if (becameCritical is not { } at || at < since || calendar.IsOpen(at.ToInstant()))
            {
                continue; // raised during business hours: the team was there
            }
            // Paged already for the critical report this incident came from: that page covers it.
            if (await db.OnCallPages.AnyAsync(p => p.ReportId != null && db.Reports.Any(r => r.Id == p.ReportId && r.IncidentId == id), ct))
            {
                continue;
            }
            var incident = await db.Incidents.FirstAsync(i => i.Id == id, ct);
            if (await PageAsync(incident, null, 1, rota, now, ct))
            {
                sent++;
            }
        }
        return sent;
    }

    /// <summary>When the incident last became P1/P2 (creation or qualification), from its timeline.</summary>
    private async Task<DateTimeOffset?> BecameCriticalAtAsync(Guid incidentId, CancellationToken ct)
    {
        var events = await db.TimelineEvents.AsNoTracking()
            .Where(e => e.IncidentId == incidentId && (e.Kind == TimelineKind.Created || e.Kind == TimelineKind.Qualified))
            .OrderBy(e => e.At).ToListAsync(ct);
        DateTimeOffset? at = null;
        var high = false;
        foreach (var e in events)
        {
            var data = e.ReadData();
            var priority = e.Kind == TimelineKind.Created ? data.GetValueOrDefault("priority") : data.GetValueOrDefault("priority.to");
            if (priority is null)
            {
                continue;
            }
            var nowHigh = priority is "P1" or "P2";
            if (nowHigh && !high)
            {
                at = e.At;
            }
            high = nowHigh;
        }
        return high ? at : null;
    }

    private async Task<int> PageReportsAsync(OnCallRota rota, DateTimeOffset now, CancellationToken ct)
    {
        var critical = Options.EffectiveCriticalClasses.ToList();
        if (critical.Count == 0)
        {
            return 0;
        }
        var since = now - Lookback;
        var candidates = await db.Reports.AsNoTracking()
            .Where(r => r.Triage == TriageStatus.Pending && r.IncidentId == null && r.ReceivedAt >= since
                && r.SuggestedClass != null && critical.Contains(r.SuggestedClass)
                && db.Constituents.Any(c => c.Id == r.SuggestedConstituentId && c.Contract != null)
                && !db.OnCallPages.Any(p => p.ReportId == r.Id))
            .OrderBy(r => r.ReceivedAt).Select(r => new { r.Id, r.ReceivedAt }).Take(100).ToListAsync(ct);
        var sent = 0;
        foreach (var r in candidates.Where(r => !calendar.IsOpen(r.ReceivedAt.ToInstant())))
        {
            var report = await db.Reports.AsNoTracking().FirstAsync(x => x.Id == r.Id, ct);
            if (await PageAsync(null, report, 1, rota, now, ct))
            {
                sent++;
            }
        }
        return sent;
    }

    private async Task<int> EscalateAsync(OnCallRota rota, DateTimeOffset now, CancellationToken ct)
    {
        var due = now - TimeSpan.FromMinutes(Options.EscalateAfterMinutes);
        var since = now - Lookback; // a page left unanswered for days is not escalated out of the blue
        var pages = await db.OnCallPages.AsNoTracking()
            .Where(p => p.Level == 1 && p.AcknowledgedAt == null && p.CreatedAt <= due && p.CreatedAt >= since
                && !db.OnCallPages.Any(q => q.Level == 2 && ((q.IncidentId != null && q.IncidentId == p.IncidentId) || (q.ReportId != null && q.ReportId == p.ReportId))))
            .OrderBy(p => p.CreatedAt).Take(100).ToListAsync(ct);
        var sent = 0;
        foreach (var page in pages)
        {
            if (page.IncidentId is { } incidentId)
            {
                var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
                if (incident is not null && !Finished.Contains(incident.State) && await PageAsync(incident, null, 2, rota, now, ct))
                {
                    sent++;
                }
            }
            else if (page.ReportId is { } reportId)
            {
                var report = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reportId, ct);
                if (report is { Triage: TriageStatus.Pending } && await PageAsync(null, report, 2, rota, now, ct))
                {
                    sent++;
                }
            }
        }
        return sent;
    }

    /// <summary>
    /// Sends one page: the row (the claim), the mail and the timeline event are saved together; the
    /// node whose insert loses to the unique index sends nothing. The webhook is called after the save.
    /// </summary>
    private async Task<bool> PageAsync(Incident? incident, Report? report, int level, OnCallRota rota, DateTimeOffset now, CancellationToken ct)
    {
        var pair = rota.At(now.ToInstant())?.Pair;
        var recipient = level == 1 ? pair?.Primary : pair?.Secondary;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var constituent = report?.SuggestedConstituentId is { } cid
            ? await db.Constituents.AsNoTracking().Where(c => c.Id == cid).Select(c => c.Name).FirstOrDefaultAsync(ct) : null;
        var content = new PageContent(incident?.Number, incident?.Priority.ToString() ?? "P1", incident?.Tlp,
            incident is { Tlp: not Tlp.Red } ? incident.Title : null, report?.SuggestedClass, constituent, level, recipient ?? "", AckUrl(token), now);
        var page = new OnCallPage
        {
            Id = Guid.CreateVersion7(now),
            IncidentId = incident?.Id,
            ReportId = report?.Id,
            Level = level,
            Recipient = recipient ?? "",
            Subject = incident?.Number ?? "report",
            Priority = content.Priority,
            TokenHash = Hash(token),
            CreatedAt = now,
        };
        db.Add(page);
        var kind = level == 1 ? TimelineKind.Paged : TimelineKind.PageEscalated;
        var data = new Dictionary<string, string?> { ["level"] = level.ToString(System.Globalization.CultureInfo.InvariantCulture), ["to"] = recipient, ["page"] = page.Id.ToString() };
        string? failure = null;
        if (recipient is null)
        {
            failure = level == 1 ? "nobody is on call (rota hole)" : "no secondary on call";
        }
        else
        {
            try
            {
                var queued = await outbox.EnqueueAsync(Compose(content), OutboundKind.AutoReply, report?.Id, incident?.Id, null, ct);
                page.OutboundMessageId = queued.Id;
            }
            catch (ArgumentException e)
            {
                failure = "mail: " + e.Message;
            }
        }
        incident?.RecordOnCall(kind, Incident.SystemActor, data, now);
        if (failure is not null)
        {
            incident?.RecordOnCall(TimelineKind.PageFailed, Incident.SystemActor, new Dictionary<string, string?>(data) { ["error"] = failure }, now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node claimed this page first (unique incident/report + level): it sends it.
            db.ChangeTracker.Clear();
            return false;
        }
        LogPaged(log, page.Subject, level, recipient ?? "(nobody)");
        if (recipient is not null && await CallWebhookAsync(content, ct) is { } webhookError && incident is not null)
        {
            incident.RecordOnCall(TimelineKind.PageFailed, Incident.SystemActor, new Dictionary<string, string?>(data) { ["error"] = webhookError }, Now);
            await db.SaveChangesAsync(ct);
        }
        return recipient is not null;
    }

    private async Task<string?> CallWebhookAsync(PageContent content, CancellationToken ct)
    {
        var hook = Options.Webhook;
        if (string.IsNullOrWhiteSpace(hook.Url))
        {
            return null;
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = JsonContent.Create(content.ToWebhook()) };
            if (!string.IsNullOrEmpty(hook.Secret))
            {
                request.Headers.TryAddWithoutValidation(hook.SecretHeader, secrets.Reveal(hook.Secret, $"{OnCallOptions.Section}:Webhook:Secret"));
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(hook.TimeoutSeconds));
            using var response = await http.CreateClient(WebhookClient).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"webhook: HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            LogWebhookFailed(log, e.GetType().Name);
            return "webhook: " + (e is TaskCanceledException ? "timeout" : e.Message);
        }
    }

    private async Task RecordMailFailuresAsync(CancellationToken ct)
    {
        var failed = await db.OnCallPages.AsNoTracking()
            .Where(p => !p.FailureRecorded && p.IncidentId != null && db.OutboundMessages.Any(o => o.Id == p.OutboundMessageId && o.Status == OutboundStatus.Failed))
            .Take(100).ToListAsync(ct);
        foreach (var page in failed)
        {
            var claimed = await db.OnCallPages.Where(p => p.Id == page.Id && !p.FailureRecorded)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.FailureRecorded, true), ct);
            if (claimed == 1 && await db.Incidents.FirstOrDefaultAsync(i => i.Id == page.IncidentId, ct) is { } incident)
            {
                var error = await db.OutboundMessages.AsNoTracking().Where(o => o.Id == page.OutboundMessageId).Select(o => o.LastError).FirstOrDefaultAsync(ct);
                incident.RecordOnCall(TimelineKind.PageFailed, Incident.SystemActor, new Dictionary<string, string?>
                {
                    ["level"] = page.Level.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["to"] = page.Recipient,
                    ["page"] = page.Id.ToString(),
                    ["error"] = "mail: " + (error ?? "delivery failed"),
                }, Now);
                await db.SaveChangesAsync(ct);
            }
        }
    }

    // ---------------------------------------------------------------- holes

    /// <summary>The holes outside business hours in the next 7 days (shown on the dashboard while paging is on).</summary>
    public async Task<IReadOnlyList<RotaHole>> UpcomingHolesAsync(CancellationToken ct)
    {
        if (!Options.Enabled)
        {
            return [];
        }
        var rota = await CurrentRotaAsync(ct);
        return Holes(rota, Now);
    }

    private IReadOnlyList<RotaHole> Holes(OnCallRota rota, DateTimeOffset now)
    {
        // From a week back, so a hole under way keeps its real start (its key) instead of "now".
        var n = now.ToInstant();
        return rota.Holes(calendar, n - Duration.FromDays(7), n + Duration.FromDays(7)).Where(h => h.End > n).ToList();
    }

    private async Task AlertHolesAsync(OnCallRota rota, DateTimeOffset now, CancellationToken ct)
    {
        var holes = Holes(rota, now);
        if (holes.Count == 0)
        {
            return;
        }
        var starts = holes.Select(h => h.Start.ToDateTimeOffset()).ToList();
        var known = (await db.OnCallHoleAlerts.AsNoTracking().Where(a => starts.Contains(a.Start)).Select(a => a.Start).ToListAsync(ct)).ToHashSet();
        var leads = await db.Users.AsNoTracking().Where(u => u.Role == UserRole.Lead && !u.Disabled).Select(u => u.Email).ToListAsync(ct);
        foreach (var hole in holes.Where(h => !known.Contains(h.Start.ToDateTimeOffset())))
        {
            db.Add(new OnCallHoleAlert { Id = Guid.CreateVersion7(now), Start = hole.Start.ToDateTimeOffset(), End = hole.End.ToDateTimeOffset(), AlertedAt = now });
            if (leads.Count > 0)
            {
                await outbox.EnqueueAsync(ComposeHole(hole, leads), OutboundKind.AutoReply, null, null, null, ct);
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another node alerted first
            }
        }
    }

    // ---------------------------------------------------------------- acknowledgement

    /// <summary>The page a link's token belongs to (for the confirmation page), or null.</summary>
    public Task<OnCallPage?> FindByTokenAsync(string token, CancellationToken ct)
    {
        var hash = Hash(token);
        return db.OnCallPages.AsNoTracking().FirstOrDefaultAsync(p => p.TokenHash == hash, ct);
    }

    /// <summary>Acknowledges by the link's token (single use: a second use finds it acknowledged).</summary>
    public async Task<Result<OnCallPage>> AcknowledgeByTokenAsync(string token, CancellationToken ct)
    {
        var page = await FindByTokenAsync(token, ct);
        return page is null ? Error.NotFound("The page") : await AcknowledgeAsync(page, page.Recipient, "link", ct);
    }

    /// <summary>Acknowledges from the workspace (any analyst may take the alert).</summary>
    public async Task<Result<OnCallPage>> AcknowledgeByIdAsync(Guid pageId, string actor, CancellationToken ct)
    {
        var page = await db.OnCallPages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pageId, ct);
        return page is null ? Error.NotFound("The page") : await AcknowledgeAsync(page, actor, "workspace", ct);
    }

    private async Task<Result<OnCallPage>> AcknowledgeAsync(OnCallPage page, string actor, string how, CancellationToken ct)
    {
        var now = Now;
        // One acknowledgement stops the alert at every level; the conditional update is the claim.
        var claimed = await db.OnCallPages
            .Where(p => p.AcknowledgedAt == null && ((page.IncidentId != null && p.IncidentId == page.IncidentId) || (page.ReportId != null && p.ReportId == page.ReportId)))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.AcknowledgedAt, now).SetProperty(p => p.AcknowledgedBy, actor), ct);
        if (claimed == 0)
        {
            return Error.Conflict("already-acknowledged", "This page was already acknowledged.");
        }
        if (page.IncidentId is { } id && await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct) is { } incident)
        {
            incident.RecordOnCall(TimelineKind.PageAcknowledged, actor, new Dictionary<string, string?>
            {
                ["level"] = page.Level.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["page"] = page.Id.ToString(),
                ["via"] = how,
            }, now);
            await db.SaveChangesAsync(ct);
        }
        page.AcknowledgedAt = now;
        page.AcknowledgedBy = actor;
        return page;
    }

    /// <summary>Pages not acknowledged yet, newest first.</summary>
    public Task<List<PendingPage>> PendingAsync(CancellationToken ct) =>
        db.OnCallPages.AsNoTracking().Where(p => p.AcknowledgedAt == null).OrderByDescending(p => p.CreatedAt).Take(50)
            .Select(p => new PendingPage(p.Id, p.Subject, p.Priority, p.Level, p.Recipient, p.CreatedAt, p.IncidentId)).ToListAsync(ct);

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private string AckUrl(string token) =>
        (string.IsNullOrWhiteSpace(Options.PublicUrl) ? "" : Options.PublicUrl.TrimEnd('/')) + "/oncall/ack/" + token;

    // ---------------------------------------------------------------- messages

    private MailboxAddress Sender() => new("Vigie", team.Incident ?? team.General ?? $"vigie@{team.Domain}");

    private MimeMessage Compose(PageContent c)
    {
        var message = new MimeMessage();
        message.From.Add(Sender());
        message.To.Add(MailboxAddress.Parse(c.Recipient));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Subject = c.Subject();
        message.Body = new TextPart("plain") { Text = c.Body() };
        return message;
    }

    private MimeMessage ComposeHole(RotaHole hole, IEnumerable<string> leads)
    {
        var zone = calendar.Zone;
        string Local(Instant i) => i.InZone(zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var message = new MimeMessage();
        message.From.Add(Sender());
        foreach (var lead in leads)
        {
            message.To.Add(MailboxAddress.Parse(lead));
        }
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Subject = $"[Vigie] Trou dans l'astreinte / On-call rota hole: {Local(hole.Start)} – {Local(hole.End)}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Personne n'est d'astreinte du {Local(hole.Start)} au {Local(hole.End)} ({zone.Id}), hors heures ouvrées.
                Complétez le planning : /oncall

                Nobody is on call from {Local(hole.Start)} to {Local(hole.End)} ({zone.Id}), outside business hours.
                Fill the rota: /oncall
                """,
        };
        return message;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-call page for {Subject} (level {Level}) sent to {Recipient}.")]
    private static partial void LogPaged(ILogger logger, string subject, int level, string recipient);

    [LoggerMessage(Level = LogLevel.Warning, Message = "On-call webhook failed ({Kind}).")]
    private static partial void LogWebhookFailed(ILogger logger, string kind);
}

/// <summary>
/// What a page says, TLP-safe: never the description; for TLP:RED only the number and the priority;
/// for a report only its class and the constituent (the report itself is unqualified input).
/// </summary>
internal sealed record PageContent(string? Number, string Priority, Tlp? Tlp, string? Title, string? ReportClass, string? Constituent,
    int Level, string Recipient, string AckUrl, DateTimeOffset At)
{
    public string Subject() => Number is not null
        ? $"[Vigie] {(Level == 2 ? "ESCALADE / ESCALATION " : "")}Astreinte / On-call: {Priority} {Number}"
        : $"[Vigie] {(Level == 2 ? "ESCALADE / ESCALATION " : "")}Astreinte / On-call: signalement critique / critical report";

    public string Body()
    {
        var what = Number is not null
            ? (Fr: $"Incident {Number} ({Priority}{(Tlp is { } t ? ", " + t.ToLabel() : "")}){(Title is null ? "" : " : " + Title)}",
               En: $"Incident {Number} ({Priority}{(Tlp is { } t2 ? ", " + t2.ToLabel() : "")}){(Title is null ? "" : ": " + Title)}")
            : (Fr: $"Signalement critique ({ReportClass}) de {Constituent}, en attente de tri",
               En: $"Critical report ({ReportClass}) from {Constituent}, waiting for triage");
        var escalated = Level == 2;
        return $"""
            {(escalated ? "ESCALADE : le premier appel n'a pas été acquitté.\n" : "")}{what.Fr}
            Accuser réception : {AckUrl}

            {(escalated ? "ESCALATION: the first page was not acknowledged.\n" : "")}{what.En}
            Acknowledge: {AckUrl}
            """;
    }

    public object ToWebhook() => new
    {
        @event = Level == 1 ? "page" : "escalation",
        level = Level,
        recipient = Recipient,
        kind = Number is not null ? "incident" : "report",
        number = Number,
        priority = Priority,
        tlp = Tlp?.ToLabel(),
        title = Title,
        rsitClass = ReportClass,
        constituent = Constituent,
        acknowledgeUrl = AckUrl,
        at = At,
        text = Subject(),
    };
}
