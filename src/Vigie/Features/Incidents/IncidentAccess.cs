using System.Security.Claims;
using Vigie.Core.Incidents;
using Vigie.Features.Identity;

namespace Vigie.Features.Incidents;

/// <summary>
/// Who may see which incident, in one place for pages, API and search (DESIGN.md: resource-based
/// authorization). Staff see the team's incidents, except TLP:RED ones: RED information is for
/// named recipients only (TLP 2.0), so a RED incident is seen by admins and leads, its creator and
/// its assignee. Everyone else gets "not found", never "forbidden", so an id reveals nothing.
/// Constituent contacts see nothing here (their portal comes with the identity issue).
/// </summary>
public static class IncidentAccess
{
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, ClaimsPrincipal user)
    {
        if (!IsStaff(user))
        {
            return incidents.Where(_ => false);
        }
        if (SeesAllRed(user))
        {
            return incidents;
        }
        var me = user.Actor();
        return incidents.Where(i => i.Tlp != Tlp.Red || i.Assignee == me || i.CreatedBy == me);
    }

    public static bool CanSee(this ClaimsPrincipal user, Incident incident) =>
        IsStaff(user) && (incident.Tlp != Tlp.Red || SeesAllRed(user) || incident.Assignee == user.Actor() || incident.CreatedBy == user.Actor());

    /// <summary>Change the incident: analysts, leads and admins who can see it.</summary>
    public static bool CanChange(this ClaimsPrincipal user, Incident incident) => user.CanWrite() && user.CanSee(incident);

    private static bool IsStaff(ClaimsPrincipal user) =>
        user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead) || user.HasRole(UserRole.Analyst) || user.HasRole(UserRole.Auditor);

    private static bool SeesAllRed(ClaimsPrincipal user) => user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead);
}
