using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Correspondence;
using Vigie.Features.Identity;

namespace Vigie.Features.Incidents;

/// <summary>The operations the incident handler decides (DESIGN.md: resource-based authorization).</summary>
public static class IncidentOperations
{
    /// <summary>See the incident (staff: the workspace; a contact: the portal's view of it).</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = nameof(Read) };

    /// <summary>Change the incident (state, fields, tasks, correspondence, evidence): staff who write.</summary>
    public static readonly OperationAuthorizationRequirement Change = new() { Name = nameof(Change) };

    /// <summary>Reply to the team about the incident from the portal: a contact who sees it, with a write scope.</summary>
    public static readonly OperationAuthorizationRequirement Reply = new() { Name = nameof(Reply) };

    /// <summary>Hand in an evidence file: staff who write, or a contact who sees the incident, with a write scope.</summary>
    public static readonly OperationAuthorizationRequirement AddEvidence = new() { Name = nameof(AddEvidence) };
}

/// <summary>The operations the report handler decides.</summary>
public static class ReportOperations
{
    public static readonly OperationAuthorizationRequirement Read = new() { Name = nameof(Read) };
}

/// <summary>
/// Who may see which incident, in one place for pages, API and search (DESIGN.md: resource-based
/// authorization). <see cref="IncidentAuthorizationHandler"/> decides one incident; <see cref="VisibleTo"/>
/// is the same rule as a query filter, for lists and look-ups.
/// <list type="bullet">
/// <item>Staff see the team's incidents, except TLP:RED ones: RED information is for named recipients only
/// (TLP 2.0), so a RED incident is seen by admins and leads, its creator and its assignee.</item>
/// <item>A constituent contact (role constituent, with an organisation) sees the incidents of their own
/// organisation only; a TLP:RED one only when they are a named recipient of it (a correspondence party of
/// the incident with their address, marked named: the list the sharing gate allows RED to go to).</item>
/// </list>
/// Everyone else gets "not found", never "forbidden", so an id reveals nothing.
/// </summary>
public static class IncidentAccess
{
    /// <summary>
    /// The incidents <paramref name="user"/> may see. For contacts, <paramref name="parties"/> (the
    /// correspondence parties) lets the named-recipient rule of TLP:RED apply; without it no RED incident is shown to a contact.
    /// </summary>
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, ClaimsPrincipal user,
        IQueryable<CorrespondenceParty>? parties = null)
    {
        if (IsContact(user))
        {
            if (ContactOrganisation(user) is not { } org)
            {
                return incidents.Where(_ => false);
            }
            var me = user.Actor();
            return parties is null
                ? incidents.Where(i => i.ConstituentId == org && i.Tlp != Tlp.Red)
                : incidents.Where(i => i.ConstituentId == org
                    && (i.Tlp != Tlp.Red || parties.Any(p => p.IncidentId == i.Id && p.NamedRecipient && p.Email == me)));
        }
        if (!IsStaff(user))
        {
            return incidents.Where(_ => false);
        }
        if (SeesAllRed(user))
        {
            return incidents;
        }
        var actor = user.Actor();
        return incidents.Where(i => i.Tlp != Tlp.Red || i.Assignee == actor || i.CreatedBy == actor);
    }

    /// <summary>The staff rule for one incident (a contact's needs the named recipients: use the handler).</summary>
    public static bool CanSee(this ClaimsPrincipal user, Incident incident) =>
        IsStaff(user) && (incident.Tlp != Tlp.Red || SeesAllRed(user) || incident.Assignee == user.Actor() || incident.CreatedBy == user.Actor());

    /// <summary>Change the incident: analysts, leads and admins who can see it.</summary>
    public static bool CanChange(this ClaimsPrincipal user, Incident incident) => user.CanWrite() && user.CanSee(incident);

    /// <summary>A constituent contact: the portal's people.</summary>
    public static bool IsContact(ClaimsPrincipal user) => user.HasRole(UserRole.Constituent);

    /// <summary>The organisation of a contact, from their principal (VigiePrincipal); null when none.</summary>
    public static Guid? ContactOrganisation(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(VigieClaims.ConstituentId), out var id) ? id : null;

    /// <summary>The principal holds a write (or admin) scope: a read token of a contact can only look.</summary>
    public static bool HasWriteScope(ClaimsPrincipal user) =>
        user.HasClaim(VigieClaims.Scope, "write") || user.HasClaim(VigieClaims.Scope, "admin");

    internal static bool IsStaff(ClaimsPrincipal user) =>
        user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead) || user.HasRole(UserRole.Analyst) || user.HasRole(UserRole.Auditor);

    private static bool SeesAllRed(ClaimsPrincipal user) => user.HasRole(UserRole.Admin) || user.HasRole(UserRole.Lead);
}

/// <summary>
/// The one handler for incidents (<see cref="IncidentOperations"/>): staff by role and TLP, contacts by
/// organisation, TLP:RED named recipients and token scope. Scoped: it asks the database about named recipients.
/// </summary>
public sealed class IncidentAuthorizationHandler(VigieDb db) : AuthorizationHandler<OperationAuthorizationRequirement, Incident>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement,
        Incident incident)
    {
        var user = context.User;
        bool allowed;
        if (IncidentAccess.IsContact(user))
        {
            var sees = await ContactSeesAsync(user, incident);
            allowed = requirement.Name switch
            {
                nameof(IncidentOperations.Read) => sees,
                nameof(IncidentOperations.Reply) or nameof(IncidentOperations.AddEvidence) => sees && IncidentAccess.HasWriteScope(user),
                _ => false,
            };
        }
        else
        {
            allowed = requirement.Name switch
            {
                nameof(IncidentOperations.Read) => user.CanSee(incident),
                nameof(IncidentOperations.Change) or nameof(IncidentOperations.AddEvidence) => user.CanChange(incident),
                _ => false,
            };
        }
        if (allowed)
        {
            context.Succeed(requirement);
        }
    }

    private async Task<bool> ContactSeesAsync(ClaimsPrincipal user, Incident incident)
    {
        if (IncidentAccess.ContactOrganisation(user) is not { } org || incident.ConstituentId != org)
        {
            return false;
        }
        if (incident.Tlp != Tlp.Red)
        {
            return true;
        }
        var me = user.Actor();
        return await db.CorrespondenceParties.AsNoTracking().AnyAsync(p => p.IncidentId == incident.Id && p.NamedRecipient && p.Email == me);
    }
}

/// <summary>
/// Reports (<see cref="ReportOperations"/>): staff see every report except those attached to an incident
/// they may not see; a contact sees the reports they filed through the portal, nothing else.
/// </summary>
public sealed class ReportAuthorizationHandler(VigieDb db) : AuthorizationHandler<OperationAuthorizationRequirement, Report>
{
    /// <summary>The prefix of <see cref="Report.SubmittedBy"/> for portal reports, followed by the contact's address.</summary>
    public const string PortalPrefix = "portal:";

    public static string SubmittedByContact(ClaimsPrincipal user) => PortalPrefix + user.Actor();

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement,
        Report report)
    {
        if (requirement.Name != nameof(ReportOperations.Read))
        {
            return;
        }
        var user = context.User;
        var allowed = IncidentAccess.IsContact(user)
            ? IncidentAccess.ContactOrganisation(user) is not null && report.SubmittedBy == SubmittedByContact(user)
            : IncidentAccess.IsStaff(user)
              && (report.IncidentId is not { } incident || await db.Incidents.AsNoTracking().VisibleTo(user).AnyAsync(i => i.Id == incident));
        if (allowed)
        {
            context.Succeed(requirement);
        }
    }
}
