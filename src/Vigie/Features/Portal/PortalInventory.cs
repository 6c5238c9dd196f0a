using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Inventory;
using Vigie.Features.Watch;

namespace Vigie.Features.Portal;

/// <summary>
/// A contact's own organisation's inventory in the portal (docs/portal.md): the same <see cref="InventoryService"/>
/// as the team's pages, always with the constituent of the contact's claims, never one the request names; an item of
/// another organisation is "not found". Each change is written to the audit log and asks for the watch's rematch,
/// as a change by the team does.
/// </summary>
public sealed class PortalInventory(VigieDb db, InventoryService inventory, WatchSignal signal, AuditLog audit)
{
    public const string ObjectKind = "inventory-item";

    /// <summary>The contact's organisation's items, by vendor, product, version; empty for a principal without one.</summary>
    public async Task<List<InventoryItem>> ListAsync(ClaimsPrincipal user, CancellationToken ct) =>
        IncidentAccess.ContactOrganisation(user) is { } org
            ? await Items(org).OrderBy(i => i.Vendor).ThenBy(i => i.Product).ThenBy(i => i.Version).Take(5000).ToListAsync(ct)
            : [];

    /// <summary>One item of the contact's organisation; null (= not found) for another's, or none.</summary>
    public async Task<InventoryItem?> FindAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        IncidentAccess.ContactOrganisation(user) is { } org ? await Items(org).FirstOrDefaultAsync(i => i.Id == id, ct) : null;

    private IQueryable<InventoryItem> Items(Guid org) => db.Set<InventoryItem>().AsNoTracking().Where(i => i.ConstituentId == org);

    public async Task<Result<InventoryItem>> AddAsync(ClaimsPrincipal user, InventoryInput input, CancellationToken ct)
    {
        if (IncidentAccess.ContactOrganisation(user) is not { } org)
        {
            return Error.NotFound("Your organisation");
        }
        var added = await inventory.AddAsync(org, input, user.Actor(), ct);
        if (added.IsSuccess)
        {
            await ChangedAsync(user, AuditActions.Create, added.Value!, "add");
        }
        return added;
    }

    public async Task<Result<InventoryItem>> UpdateAsync(ClaimsPrincipal user, Guid id, InventoryInput input, CancellationToken ct)
    {
        if (IncidentAccess.ContactOrganisation(user) is not { } org)
        {
            return Error.NotFound("The inventory item");
        }
        var updated = await inventory.UpdateAsync(org, id, input, user.Actor(), ct);
        if (updated.IsSuccess)
        {
            await ChangedAsync(user, AuditActions.Change, updated.Value!, "change");
        }
        return updated;
    }

    /// <summary>Removes an item of the contact's organisation; false (= not found) for another's, or one that is gone.</summary>
    public async Task<bool> DeleteAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        if (await FindAsync(user, id, ct) is not { } item || !await inventory.DeleteAsync(item.ConstituentId, id, ct))
        {
            return false;
        }
        await ChangedAsync(user, AuditActions.Change, item, "remove");
        return true;
    }

    public async Task<Result<InventoryImportResult>> ImportAsync(ClaimsPrincipal user, string fileName, Stream content, bool dryRun, CancellationToken ct)
    {
        if (IncidentAccess.ContactOrganisation(user) is not { } org)
        {
            return Error.NotFound("Your organisation");
        }
        var result = await inventory.ImportAsync(org, fileName, content, null, user.Actor(), dryRun, ct);
        if (result.IsSuccess && !dryRun)
        {
            var r = result.Value!;
            await audit.RecordAsync(user, new AuditEvent(AuditActions.Change, "inventory", org.ToString(), Detail: new Dictionary<string, string?>
            {
                ["via"] = "portal",
                ["operation"] = "import",
                ["file"] = Path.GetFileName(fileName),
                ["added"] = r.Added.ToString(CultureInfo.InvariantCulture),
                ["updated"] = r.Updated.ToString(CultureInfo.InvariantCulture),
                ["refused"] = r.Errors.Count.ToString(CultureInfo.InvariantCulture),
            }));
            if (r.Added + r.Updated > 0)
            {
                signal.RematchAll();
            }
        }
        return result;
    }

    private async Task ChangedAsync(ClaimsPrincipal user, string action, InventoryItem item, string operation)
    {
        await audit.RecordAsync(user, new AuditEvent(action, ObjectKind, item.Id.ToString(), Detail: new Dictionary<string, string?>
        {
            ["via"] = "portal",
            ["operation"] = operation,
            ["constituent"] = item.ConstituentId.ToString(),
            ["product"] = Describe(item),
        }));
        signal.RematchAll();
    }

    /// <summary>"vendor product version", or the CPE or purl: what the audit entry names.</summary>
    internal static string Describe(InventoryItem i)
    {
        var name = string.Join(' ', new[] { i.Vendor, i.Product, i.Version }.Where(s => !string.IsNullOrEmpty(s)));
        var text = name.Length > 0 ? name : i.Cpe ?? i.Purl ?? "";
        return text.Length <= 300 ? text : text[..300];
    }
}
