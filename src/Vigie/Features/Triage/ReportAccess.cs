using System.Security.Claims;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Incidents;

namespace Vigie.Features.Triage;

/// <summary>
/// Who may see which report: staff see every report, except those attached to an incident they may not
/// see (TLP:RED, <see cref="IncidentAccess"/>): such a report is "not found", like its incident.
/// </summary>
public static class ReportAccess
{
    public static IQueryable<Report> VisibleTo(this IQueryable<Report> reports, VigieDb db, ClaimsPrincipal user)
    {
        var incidents = db.Incidents.VisibleTo(user);
        return reports.Where(r => r.IncidentId == null || incidents.Any(i => i.Id == r.IncidentId));
    }
}
