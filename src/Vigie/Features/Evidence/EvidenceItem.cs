namespace Vigie.Features.Evidence;

/// <summary>
/// A file kept as evidence of an incident. The bytes live in the content-addressed blob store
/// (<see cref="Data.BlobStore"/>) under their SHA-256, so the hash shown is the name of what is stored:
/// whoever downloads the file can check it is the one that was handed in.
/// </summary>
public sealed class EvidenceItem
{
    private EvidenceItem()
    {
    }

    internal EvidenceItem(Guid incidentId, string sha256, long size, string fileName, string declaredContentType,
        string? description, string actor, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        IncidentId = incidentId;
        Sha256 = sha256;
        Size = size;
        FileName = fileName;
        DeclaredContentType = declaredContentType;
        Description = description;
        AddedBy = actor;
        AddedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the content: the blob's address.</summary>
    public string Sha256 { get; private set; } = "";

    public long Size { get; private set; }

    /// <summary>The uploader's file name, made safe for a header and a file system (<see cref="EvidenceNames.Sanitize"/>).</summary>
    public string FileName { get; private set; } = "";

    /// <summary>
    /// The content type the uploader's client declared. Shown as text, never used to serve the file:
    /// downloads are always application/octet-stream, so a browser renders nothing it contains.
    /// </summary>
    public string DeclaredContentType { get; private set; } = "";

    public string? Description { get; private set; }

    public string AddedBy { get; private set; } = "";

    public DateTimeOffset AddedAt { get; private set; }
}

/// <summary>What was done with a piece of evidence.</summary>
public enum CustodyAction
{
    Added,
    Downloaded,
    Exported,
}

/// <summary>
/// One line of an evidence item's chain of custody: who handled it, when, from where. Append-only:
/// nothing in Vigie updates or deletes these rows (ISO/IEC 27037 §5.4.2: every handling documented).
/// </summary>
public sealed class CustodyEntry
{
    private CustodyEntry()
    {
    }

    internal CustodyEntry(Guid evidenceId, Guid incidentId, CustodyAction action, string actor, DateTimeOffset at, string? clientIp, string? note)
    {
        Id = Guid.CreateVersion7(at);
        EvidenceId = evidenceId;
        IncidentId = incidentId;
        Action = action;
        Actor = actor;
        At = at;
        ClientIp = clientIp;
        Note = note;
    }

    public Guid Id { get; private set; }

    public Guid EvidenceId { get; private set; }

    public Guid IncidentId { get; private set; }

    public CustodyAction Action { get; private set; }

    public string Actor { get; private set; } = "";

    public DateTimeOffset At { get; private set; }

    /// <summary>The client's address as the host saw it (behind a proxy: the proxy's, unless forwarded headers are configured).</summary>
    public string? ClientIp { get; private set; }

    /// <summary>A short fact, e.g. the export's format and language.</summary>
    public string? Note { get; private set; }
}
