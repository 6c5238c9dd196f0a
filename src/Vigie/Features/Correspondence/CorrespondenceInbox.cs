using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Mail;

namespace Vigie.Features.Correspondence;

/// <summary>
/// Called by the intake when a reply or a bounce has been threaded to an incident, before it saves:
/// a bounce of our correspondence marks that message bounced; a reply from a party of the incident
/// becomes an incoming message of its thread and marks the messages it answers. Each report is
/// recorded once, so reprocessing changes nothing.
/// </summary>
public sealed class CorrespondenceInbox(VigieDb db)
{
    public const string Actor = "intake";

    public async Task RecordAsync(Report report, Incident incident, string? sender, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(incident);
        if (report.Kind is not (ReportKind.Reply or ReportKind.Bounce)
            || await db.CorrespondenceMessages.AnyAsync(m => m.ReportId == report.Id || m.AnswerReportId == report.Id, ct))
        {
            return;
        }
        var at = MailOutbox.Instant(now);
        var ours = report.RelatedOutboundId is { } outbound
            ? await db.CorrespondenceMessages.FirstOrDefaultAsync(m => m.OutboundMessageId == outbound && m.IncidentId == incident.Id, ct)
            : null;

        if (report.Kind == ReportKind.Bounce)
        {
            if (ours is null)
            {
                return; // a bounce of an automatic answer: the reports tab shows it
            }
            var to = await db.CorrespondenceParties.Where(p => p.Id == ours.PartyId).Select(p => p.Email).FirstAsync(ct);
            ours.Status = MessageStatus.Bounced;
            ours.AnswerReportId = report.Id;
            db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.MessageReceived, Actor, at, new Dictionary<string, string?>
            {
                ["report"] = report.Id.ToString(),
                ["message"] = ours.Id.ToString(),
                ["bounce"] = "true",
                ["to"] = to,
            }));
            return;
        }

        var from = EmailAddress.TryNormalize(sender, out var normalized, out _) ? normalized : null;
        var party = ours is not null
            ? await db.CorrespondenceParties.FirstOrDefaultAsync(p => p.Id == ours.PartyId, ct)
            : from is null ? null : await db.CorrespondenceParties.FirstOrDefaultAsync(p => p.IncidentId == incident.Id && p.Email == from, ct);
        if (party is null)
        {
            return; // not from a party of the incident: a linked report, nothing more
        }

        var message = new CorrespondenceMessage
        {
            Id = Guid.CreateVersion7(at),
            IncidentId = incident.Id,
            PartyId = party.Id,
            Direction = MessageDirection.In,
            Subject = Clip(report.Subject ?? "", 998),
            Text = "",
            Language = LanguageGuess.Guess(report.Text) ?? "",
            Tlp = incident.Tlp,
            Encrypted = report.Decryption != DecryptionStatus.NotEncrypted,
            Status = MessageStatus.Received,
            ReportId = report.Id,
            CreatedBy = from ?? party.Email,
            CreatedAt = at,
        };
        db.CorrespondenceMessages.Add(message);
        // A reply answers everything still waiting in that thread (sent before it came).
        var waiting = await db.CorrespondenceMessages
            .Where(m => m.PartyId == party.Id && m.Direction == MessageDirection.Out && m.Status == MessageStatus.Queued && m.CreatedAt <= at)
            .ToListAsync(ct);
        foreach (var answered in waiting)
        {
            answered.Status = MessageStatus.Answered;
            answered.AnsweredAt = at;
            answered.AnswerReportId = report.Id;
        }
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.MessageReceived, Actor, at, new Dictionary<string, string?>
        {
            ["report"] = report.Id.ToString(),
            ["message"] = message.Id.ToString(),
            ["from"] = party.Email,
            ["party"] = EnumWords.ToWord(party.Kind),
            ["answers"] = waiting.Count > 0 ? string.Join(",", waiting.Select(w => w.Id)) : null,
        }));
    }

    private static string Clip(string value, int max) => value.Length > max ? value[..max] : value;
}
