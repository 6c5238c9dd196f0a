using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Intake;
using Vigie.Core.Reports;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Constituents;
using Vigie.Features.Correspondence;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Intake.Answers;
using Vigie.Features.Mail;
using Vigie.Features.Reports;
using Vigie.Features.TeamProfile;
using Vigie.Features.Triage;

namespace Vigie.Features.Portal;

/// <summary>
/// What a constituent contact sees and does in the portal (docs/portal.md). Every look-up goes through
/// <see cref="IncidentAccess.VisibleTo"/> (with the named recipients) and the incident/report handlers, so
/// another organisation's incident, report, message or evidence is "not found", whatever id is tried.
/// </summary>
public sealed class PortalService(
    VigieDb db,
    IAuthorizationService authorization,
    ReportIntake intake,
    ConstituentService constituents,
    TeamAddresses addresses,
    IOptions<TeamProfileOptions> team,
    IOptions<AnswerOptions> answers,
    TimeProvider time)
{
    public const int MaxSubjectLength = 200;
    public const int MaxTextLength = 100_000;

    // Mail on the wire has CRLF line ends (RFC 5322 §2.1), whatever the platform.
    private static readonly FormatOptions s_crlf = new() { NewLineFormat = NewLineFormat.Dos };

    /// <summary>The incidents the contact may see, newest first.</summary>
    public IQueryable<Incident> Incidents(ClaimsPrincipal user) =>
        db.Incidents.AsNoTracking().VisibleTo(user, db.CorrespondenceParties);

    public async Task<List<PortalIncidentSummary>> ListIncidentsAsync(ClaimsPrincipal user, CancellationToken ct) =>
        [.. (await Incidents(user).OrderByDescending(i => i.Ordinal).Take(500).ToListAsync(ct)).Select(PortalDtos.Summary)];

    /// <summary>The incident by number or id, if the contact may do <paramref name="operation"/> on it; null (= not found) otherwise.</summary>
    public async Task<(Incident? Incident, bool Forbidden)> FindAsync(ClaimsPrincipal user, string key, OperationAuthorizationRequirement operation,
        CancellationToken ct)
    {
        if (await Incidents(user).FindByKeyAsync(key, ct) is not { } incident
            || !(await authorization.AuthorizeAsync(user, incident, IncidentOperations.Read)).Succeeded)
        {
            return (null, false);
        }
        // Seen but not allowed (a read-only token replying): the incident is theirs, so saying "forbidden" reveals nothing.
        return operation == IncidentOperations.Read || (await authorization.AuthorizeAsync(user, incident, operation)).Succeeded
            ? (incident, false)
            : (null, true);
    }

    public async Task<PortalIncidentDto> DetailAsync(ClaimsPrincipal user, Incident incident, CancellationToken ct)
    {
        var me = user.Actor();
        var messages = await MessagesQuery(me, incident.Id).ToListAsync(ct);
        var evidence = await db.EvidenceItems.AsNoTracking().Where(e => e.IncidentId == incident.Id && e.AddedBy == me)
            .OrderBy(e => e.AddedAt).ToListAsync(ct);
        var mine = ReportAuthorizationHandler.SubmittedByContact(user);
        var reports = await db.Reports.AsNoTracking().Where(r => r.IncidentId == incident.Id && r.SubmittedBy == mine)
            .OrderBy(r => r.ReceivedAt).Select(r => new PortalReportSummary(r.Id, r.Subject, r.ReceivedAt)).ToListAsync(ct);
        return new PortalIncidentDto(PortalDtos.Summary(incident), [.. messages.Select(PortalDtos.Message)],
            [.. evidence.Select(e => new PortalEvidenceDto(e.Id, e.FileName, e.Size, e.Sha256, e.AddedAt))], reports);
    }

    /// <summary>
    /// The correspondence addressed to the contact on one incident: the thread of the party with their
    /// address, sent or received (never a message the sharing gate refused, never another party's).
    /// </summary>
    private IQueryable<PortalMessageRow> MessagesQuery(string me, Guid incidentId, Guid? only = null) =>
        from m in db.CorrespondenceMessages.AsNoTracking().Where(m => only == null || m.Id == only)
        join p in db.CorrespondenceParties.AsNoTracking() on m.PartyId equals p.Id
        join r in db.Reports.AsNoTracking() on m.ReportId equals r.Id into ins
        from r in ins.DefaultIfEmpty()
        where m.IncidentId == incidentId && p.IncidentId == incidentId && p.Email == me && m.Status != MessageStatus.Refused
        orderby m.CreatedAt
        select new PortalMessageRow(m.Id, m.Direction, m.Subject, m.Direction == MessageDirection.In ? (r == null ? "" : r.Text ?? "") : m.Text,
            m.CreatedAt);

    public Task<PortalMessageRow?> FindMessageAsync(ClaimsPrincipal user, Incident incident, Guid id, CancellationToken ct) =>
        MessagesQuery(user.Actor(), incident.Id, id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// A reply from the portal goes in like a mail from the contact: a message with the incident's subject
    /// tag through the intake (durable before the answer), which threads it to the incident and records it in
    /// the contact's correspondence thread (the contact becomes a party of the incident if not yet one).
    /// </summary>
    public async Task<Result<Report>> ReplyAsync(ClaimsPrincipal user, Incident incident, string? text, CancellationToken ct)
    {
        var body = text?.Trim() ?? "";
        if (body.Length is 0 or > MaxTextLength)
        {
            return Error.Validation("text", $"A reply of 1 to {MaxTextLength:N0} characters is required.");
        }
        await EnsurePartyAsync(user, incident, ct);
        var tag = SubjectTag.Format(answers.Value.GetSubjectTag(team.Value), incident.Year, incident.Sequence);
        return await AcceptAsync(user, $"Re: {tag} {incident.Title}", body, ct);
    }

    /// <summary>A new report, through the same pipeline as a mail or the web form.</summary>
    public async Task<Result<Report>> SubmitReportAsync(ClaimsPrincipal user, string? subject, string? text, CancellationToken ct)
    {
        var s = subject?.Trim() ?? "";
        var body = text?.Trim() ?? "";
        var errors = new FieldErrors();
        if (s.Length is 0 or > MaxSubjectLength || s.Any(char.IsControl))
        {
            errors.Add("subject", $"A subject of 1 to {MaxSubjectLength} characters, on one line, is required.");
        }
        if (body.Length is 0 or > MaxTextLength)
        {
            errors.Add("text", $"A description of 1 to {MaxTextLength:N0} characters is required.");
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        return await AcceptAsync(user, s, body, ct);
    }

    private async Task<Result<Report>> AcceptAsync(ClaimsPrincipal user, string subject, string body, CancellationToken ct)
    {
        var to = addresses.Incident ?? team.Value.IncidentEmail.Trim();
        var now = time.GetUtcNow();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(user.FullName(), user.Actor()));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = now;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(to.Split('@')[^1]);
        message.Headers.Add("X-Vigie-Portal", "constituent portal");
        message.Body = new TextPart("plain") { Text = body.ReplaceLineEndings("\r\n") };
        using var raw = new MemoryStream();
        await message.WriteToAsync(s_crlf, raw, ct);
        raw.Position = 0;
        var (report, _) = await intake.AcceptAsync(raw, ReportSource.WebForm, ReportAuthorizationHandler.SubmittedByContact(user), to, ct);
        return report;
    }

    private async Task EnsurePartyAsync(ClaimsPrincipal user, Incident incident, CancellationToken ct)
    {
        var me = user.Actor();
        if (await db.CorrespondenceParties.AnyAsync(p => p.IncidentId == incident.Id && p.Email == me, ct))
        {
            return;
        }
        var org = IncidentAccess.ContactOrganisation(user);
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.ConstituentId == org && c.Email == me, ct);
        db.CorrespondenceParties.Add(new CorrespondenceParty
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            IncidentId = incident.Id,
            Kind = PartyKind.ConstituentContact,
            Name = contact?.Name ?? user.FullName(),
            Email = me,
            ContactId = contact?.Id,
            ConstituentId = org,
            NamedRecipient = false,
            AddedBy = me,
            AddedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    public Task<List<PortalReportSummary>> ListReportsAsync(ClaimsPrincipal user, CancellationToken ct) =>
        db.Reports.AsNoTracking().VisibleTo(db, user).OrderByDescending(r => r.ReceivedAt).Take(500)
            .Select(r => new PortalReportSummary(r.Id, r.Subject, r.ReceivedAt)).ToListAsync(ct);

    public async Task<PortalReportDto?> FindReportAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        if (await db.Reports.AsNoTracking().VisibleTo(db, user).FirstOrDefaultAsync(r => r.Id == id, ct) is not { } report
            || !(await authorization.AuthorizeAsync(user, report, ReportOperations.Read)).Succeeded)
        {
            return null;
        }
        // The incident's number only when the contact may see that incident too.
        var number = report.IncidentId is { } incidentId
            ? await Incidents(user).Where(i => i.Id == incidentId).Select(i => i.Number).FirstOrDefaultAsync(ct)
            : null;
        return new PortalReportDto(report.Id, report.Subject, report.ReceivedAt,
            report.Status is ReportStatus.Processed ? "processed" : "received", number, report.Text);
    }

    /// <summary>Whether the signed-in person has enrolled a second factor (the portal offers it when not).</summary>
    public Task<bool> HasSecondFactorAsync(ClaimsPrincipal user, CancellationToken ct) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? db.Users.AnyAsync(u => u.Id == id && u.TotpEnabledAt != null, ct)
            : Task.FromResult(true);

    /// <summary>The contact record of the signed-in contact (their organisation, their address), which holds their OpenPGP key.</summary>
    public Task<Vigie.Core.Constituents.Contact?> ContactAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var org = IncidentAccess.ContactOrganisation(user);
        var me = user.Actor();
        return db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => org != null && c.ConstituentId == org && c.Email == me, ct);
    }

    /// <summary>Sets (or, with null, removes) the contact's OpenPGP public key: checked and imported as when the team edits the contact.</summary>
    public async Task<Result<Vigie.Core.Constituents.Contact>> SetKeyAsync(ClaimsPrincipal user, string? armored, CancellationToken ct)
    {
        if (await ContactAsync(user, ct) is not { } contact)
        {
            return Error.NotFound("Your contact record");
        }
        var key = string.IsNullOrWhiteSpace(armored) ? null : armored.Trim();
        if (key is not null && ConstituentService.CheckKey(key) is { } keyError)
        {
            return keyError;
        }
        return await constituents.UpdateContactAsync(contact.ConstituentId, contact.Id,
            new ContactRequest(contact.Name, contact.Email, null, contact.Phone, key), ct);
    }
}

/// <summary>One message of the contact's thread, as read from the database.</summary>
public sealed record PortalMessageRow(Guid Id, MessageDirection Direction, string Subject, string Text, DateTimeOffset At);
