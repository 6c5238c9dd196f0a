using Vigie.Core.Incidents;
using Vigie.Core.Sharing;

namespace Vigie.Features.Portal;

/// <summary>An incident as a contact sees it: its public summary fields, never notes, tasks, assignee or internal description.</summary>
public sealed record PortalIncidentSummary(string Number, string Title, string State, string Tlp, string? RsitClass, string? RsitType,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record PortalMessageDto(Guid Id, string Direction, string Subject, string Text, DateTimeOffset At);

public sealed record PortalEvidenceDto(Guid Id, string FileName, long Size, string Sha256, DateTimeOffset AddedAt);

public sealed record PortalReportSummary(Guid Id, string? Subject, DateTimeOffset ReceivedAt);

/// <summary>An incident with what is addressed to the contact: their thread, the evidence they handed in, the reports they filed.</summary>
public sealed record PortalIncidentDto(PortalIncidentSummary Incident, IReadOnlyList<PortalMessageDto> Messages,
    IReadOnlyList<PortalEvidenceDto> Evidence, IReadOnlyList<PortalReportSummary> Reports);

/// <summary>A report the contact filed; <paramref name="Incident"/> is the number of its incident when they may see it.</summary>
public sealed record PortalReportDto(Guid Id, string? Subject, DateTimeOffset ReceivedAt, string Status, string? Incident, string? Text);

public sealed record PortalReplyRequest(string? Text);

public sealed record PortalReportRequest(string? Subject, string? Text);

/// <summary>Where a submitted reply or report went: the report id to quote.</summary>
public sealed record PortalAccepted(Guid Report);

public sealed record PortalKeyRequest(string? PgpPublicKey);

public sealed record PortalKeyDto(string? PgpPublicKey, IReadOnlyList<string> Fingerprints);

public static class PortalDtos
{
    public static PortalIncidentSummary Summary(Incident i) =>
        new(i.Number, i.Title, i.State.ToWire(), i.Tlp.ToLabel(), i.RsitClass, i.RsitType, i.CreatedAt, i.UpdatedAt);

    public static PortalMessageDto Message(PortalMessageRow m) =>
        new(m.Id, m.Direction == MessageDirection.In ? "in" : "out", m.Subject, m.Text, m.At);
}
