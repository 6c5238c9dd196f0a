using System.Security.Claims;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Incidents;

namespace Vigie.Features.Triage;

/// <summary>
/// Who may see which report: staff see every report, except those attached to an incident they may not
/// see (TLP:RED, <see cref="IncidentAccess"/>): such a report is "not found", like its incident. A
/// constituent contact sees the reports they filed through the portal only (the same rule as
/// <see cref="ReportAuthorizationHandler"/>).
/// </summary>
public static class ReportAccess
{
    public static IQueryable<Report> VisibleTo(this IQueryable<Report> reports, VigieDb db, ClaimsPrincipal user)
    {
        if (IncidentAccess.IsContact(user))
        {
            var mine = ReportAuthorizationHandler.SubmittedByContact(user);
            return IncidentAccess.ContactOrganisation(user) is null ? reports.Where(_ => false) : reports.Where(r => r.SubmittedBy == mine);
        }
        var incidents = db.Incidents.VisibleTo(user);
        return reports.Where(r => r.IncidentId == null || incidents.Any(i => i.Id == r.IncidentId));
    }
}
