using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Incidents;
using Vigie.Data;

namespace Vigie.Features.Evidence;

/// <summary>
/// Evidence of an incident: stored content-addressed, every handling written to the item's chain
/// of custody and to the incident's timeline in the same SaveChanges.
/// </summary>
public sealed class EvidenceService(VigieDb db, BlobStore blobs, TimeProvider time, IOptions<EvidenceOptions> options)
{
    public const int MaxDescriptionLength = 2000;

    /// <summary>The error code of a file over <see cref="EvidenceOptions.MaxBytes"/> (answered 413).</summary>
    public const string TooLargeCode = "evidence-too-large";

    public long MaxBytes => options.Value.MaxBytes;

    /// <summary>The incident's evidence, oldest first, each with its custody log (oldest first).</summary>
    public async Task<List<(EvidenceItem Item, List<CustodyEntry> Custody)>> ListAsync(Guid incidentId, CancellationToken ct)
    {
        var items = await db.EvidenceItems.AsNoTracking().Where(e => e.IncidentId == incidentId)
            .OrderBy(e => e.AddedAt).ThenBy(e => e.Id).ToListAsync(ct);
        var custody = (await db.CustodyEntries.AsNoTracking().Where(c => c.IncidentId == incidentId)
            .OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync(ct)).ToLookup(c => c.EvidenceId);
        return [.. items.Select(i => (i, custody[i.Id].ToList()))];
    }

    /// <summary>Stores the content and records who handed it in; the caller has checked the user may change the incident.</summary>
    public async Task<Result<EvidenceItem>> AddAsync(Incident incident, Stream content, string? fileName, string? declaredContentType,
        string? description, string actor, IPAddress? client, CancellationToken ct)
    {
        var text = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (text is { Length: > MaxDescriptionLength })
        {
            return Error.Validation("description", $"The description is longer than {MaxDescriptionLength:N0} characters.");
        }
        string sha;
        long size;
        try
        {
            (sha, size) = await blobs.PutAsync(content, MaxBytes, ct);
        }
        catch (BlobTooLargeException)
        {
            return TooLarge(null);
        }
        if (size == 0)
        {
            return Error.Validation("file", "The file is empty.");
        }
        var now = await TimelineInstants.NextAsync(db, time, incident.Id, ct);
        var item = new EvidenceItem(incident.Id, sha, size, EvidenceNames.Sanitize(fileName),
            EvidenceNames.ContentType(declaredContentType), text, actor, now);
        db.EvidenceItems.Add(item);
        db.CustodyEntries.Add(new CustodyEntry(item.Id, incident.Id, CustodyAction.Added, actor, now, Address(client), null));
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.EvidenceAdded, actor, now, new Dictionary<string, string?>
        {
            ["evidence"] = item.Id.ToString(),
            ["name"] = item.FileName,
            ["sha256"] = sha,
            ["size"] = size.ToString(CultureInfo.InvariantCulture),
        }));
        await db.SaveChangesAsync(ct);
        return item;
    }

    /// <summary>
    /// Opens an item's content for download and writes the custody line and the timeline entry
    /// first: a download that is not on record does not happen.
    /// </summary>
    public async Task<Result<(EvidenceItem Item, Stream Content)>> OpenForDownloadAsync(Incident incident, Guid evidenceId, string actor,
        IPAddress? client, CancellationToken ct)
    {
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(e => e.Id == evidenceId && e.IncidentId == incident.Id, ct);
        if (item is null)
        {
            return Error.NotFound($"Evidence {evidenceId} of incident {incident.Number}");
        }
        if (!blobs.Exists(item.Sha256))
        {
            return Error.NotFound($"The content of evidence {evidenceId} (blob {item.Sha256} is missing from the store)");
        }
        var now = await TimelineInstants.NextAsync(db, time, incident.Id, ct);
        db.CustodyEntries.Add(new CustodyEntry(item.Id, incident.Id, CustodyAction.Downloaded, actor, now, Address(client), null));
        db.TimelineEvents.Add(new TimelineEvent(incident.Id, TimelineKind.EvidenceAccessed, actor, now, new Dictionary<string, string?>
        {
            ["evidence"] = item.Id.ToString(),
            ["name"] = item.FileName,
            ["sha256"] = item.Sha256,
            ["action"] = "downloaded",
        }));
        await db.SaveChangesAsync(ct);
        return (item, blobs.OpenRead(item.Sha256));
    }

    /// <summary>
    /// Adds an "exported" custody line to each item listed in an export (its name and hash left the
    /// platform in a document). The caller saves, together with its own timeline entry.
    /// </summary>
    public void RecordExport(IEnumerable<EvidenceItem> items, string note, string actor, IPAddress? client, DateTimeOffset at)
    {
        foreach (var item in items)
        {
            db.CustodyEntries.Add(new CustodyEntry(item.Id, item.IncidentId, CustodyAction.Exported, actor, at, Address(client), note));
        }
    }

    /// <summary>The error for a file over the limit, with the limit in words and in bytes.</summary>
    public Error TooLarge(long? actual) => new(ErrorKind.Validation, TooLargeCode,
        (actual is { } a ? $"The file is {EvidenceNames.FormatSize(a, CultureInfo.InvariantCulture)}; e" : "E")
        + $"vidence files are limited to {EvidenceNames.FormatSize(MaxBytes, CultureInfo.InvariantCulture)} ({MaxBytes.ToString(CultureInfo.InvariantCulture)} bytes, setting Vigie:Evidence:MaxBytes).",
        new Dictionary<string, string[]> { ["file"] = ["The file is over the size limit."] })
    {
        Extensions = new Dictionary<string, object?> { ["maxBytes"] = MaxBytes },
    };

    internal static string? Address(IPAddress? ip) =>
        ip is null ? null : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}
