using Microsoft.EntityFrameworkCore;
using MimeKit;
using Vigie.Data;

namespace Vigie.Features.Reports;

/// <summary>
/// Who reported an incident, as terms to redact (<see cref="Core.Sharing.PersonalData.Redact"/>): the
/// sender addresses and display names of the incident's reports (replies of constituents excluded:
/// they are not reporters). The team's own addresses are never redacted.
/// </summary>
public static class ReporterIdentities
{
    public static async Task<IReadOnlyCollection<string>> ForIncidentAsync(VigieDb db, Guid incidentId, CancellationToken ct)
    {
        var senders = await db.Reports.AsNoTracking()
            .Where(r => r.IncidentId == incidentId && r.Kind != Core.Reports.ReportKind.Reply && r.Kind != Core.Reports.ReportKind.Bounce)
            .Select(r => r.From).Distinct().Take(1000).ToListAsync(ct);
        var terms = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var from in senders.OfType<string>())
        {
            if (!InternetAddressList.TryParse(from, out var list))
            {
                terms.Add(from);
                continue;
            }
            foreach (var mailbox in list.Mailboxes)
            {
                terms.Add(mailbox.Address);
                if (!string.IsNullOrWhiteSpace(mailbox.Name))
                {
                    terms.Add(mailbox.Name.Trim());
                }
            }
        }
        return terms;
    }
}
