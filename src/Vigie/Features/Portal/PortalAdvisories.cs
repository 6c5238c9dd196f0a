using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigie.Data;
using Vigie.Features.Advisories;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;

namespace Vigie.Features.Portal;

/// <summary>
/// The bulletins a contact reads in the portal (docs/portal.md): published ones the team distributed to the contact's
/// organisation (an <see cref="AdvisoryDelivery"/> to it exists, sent or held back for want of a key), whatever their
/// TLP; a TLP:RED one only when it was addressed to the contact themself. Any other bulletin is "not found".
/// </summary>
public sealed class PortalAdvisories(VigieDb db)
{
    /// <summary>The bulletins the contact may read, newest publication first.</summary>
    public IQueryable<Advisory> Visible(ClaimsPrincipal user)
    {
        var org = IncidentAccess.ContactOrganisation(user);
        var me = user.Actor().ToLowerInvariant();
        var deliveries = db.Set<AdvisoryDelivery>().AsNoTracking();
        return db.Set<Advisory>().AsNoTracking().Where(a => org != null && a.PublishedContent != null
            && deliveries.Any(d => d.AdvisoryId == a.Id && d.ConstituentId == org && (a.PublishedTlp != "RED" || d.Email.ToLower() == me)));
    }

    public Task<List<Advisory>> ListAsync(ClaimsPrincipal user, CancellationToken ct) =>
        Visible(user).OrderByDescending(a => a.PublishedAt).Take(500).ToListAsync(ct);

    /// <summary>One bulletin by its tracking id (any case); null (= not found) when it is not one the contact may read.</summary>
    public Task<Advisory?> FindAsync(ClaimsPrincipal user, string trackingId, CancellationToken ct)
    {
        var wanted = trackingId.Trim().ToUpperInvariant();
        return Visible(user).FirstOrDefaultAsync(a => a.TrackingId == wanted, ct);
    }
}
