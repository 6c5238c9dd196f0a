using Vigie.Core;
using Vigie.Core.Incidents;

namespace Vigie.Features.Incidents;

/// <summary>An incident as the API shows it. Enumerations are lower-case words, TLP/PAP their labels.</summary>
public sealed record IncidentDto(
    Guid Id,
    string Number,
    string Title,
    string? Description,
    string State,
    string[] AllowedMoves,
    string? RsitClass,
    string? RsitType,
    string Severity,
    string Impact,
    string Priority,
    string Tlp,
    string Pap,
    Guid? ConstituentId,
    string? Assignee,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IncidentSla Sla);

/// <summary>A page of incidents, newest first; pass <c>nextCursor</c> as <c>cursor</c> for the next one.</summary>
public sealed record IncidentPage(IReadOnlyList<IncidentDto> Items, string? NextCursor);

/// <summary>
/// A new incident. Defaults: severity and impact medium (priority P3), TLP:AMBER and PAP:AMBER,
/// because the profile keeps information confidential unless agreed otherwise (RFC 2350 §4.2).
/// </summary>
public sealed record CreateIncidentRequest(
    string? Title,
    string? Description,
    string? RsitClass,
    string? RsitType,
    string? Severity,
    string? Impact,
    string? Tlp,
    string? Pap,
    Guid? ConstituentId,
    Guid[]? ReportIds);

/// <summary>
/// Partial update: absent (null) fields are unchanged; an empty string clears an optional text
/// (rsitClass, rsitType, description, assignee). <c>reason</c> goes on the timeline.
/// </summary>
public sealed record PatchIncidentRequest(
    string? Title,
    string? Description,
    string? RsitClass,
    string? RsitType,
    string? Severity,
    string? Impact,
    string? Tlp,
    string? Pap,
    Guid? ConstituentId,
    bool? ClearConstituent,
    string? Assignee,
    string? Reason);

/// <summary>Moves an incident to <c>to</c> (new, triage, open, contained, resolved, closed, rejected).</summary>
public sealed record TransitionRequest(string? To, string? Reason);

public sealed record TimelineEventDto(
    Guid Id,
    DateTimeOffset At,
    string Actor,
    string Kind,
    string? Reason,
    IReadOnlyDictionary<string, string?> Data);

/// <summary>An indicator to attach; <c>kind</c> is detected when absent. Defanged forms are accepted.</summary>
public sealed record AddObservableRequest(string? Value, string? Kind, string? Note);

/// <summary>An attached indicator, with the number of other incidents that have it too.</summary>
public sealed record ObservableDto(
    Guid Id,
    string Kind,
    string Value,
    bool IsPrivateOrReserved,
    string? Note,
    string AddedBy,
    DateTimeOffset AddedAt,
    IReadOnlyList<string> AlsoIn);

public sealed record CreateTaskRequest(string? Title, string? Kind, string? Owner, DateTimeOffset? DueAt);

public sealed record FinishTaskRequest(string? Status);

public sealed record TaskDto(
    Guid Id,
    string Title,
    string Kind,
    string Status,
    string? Owner,
    DateTimeOffset? DueAt,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt);

internal static class IncidentMapping
{
    public static IncidentDto ToDto(this Incident i) => new(
        i.Id, i.Number, i.Title, i.Description, i.State.ToWire(),
        [.. IncidentStateMachine.AllowedMoves(i.State).Select(s => s.ToWire())],
        i.RsitClass, i.RsitType, EnumWords.ToWord(i.Severity), EnumWords.ToWord(i.Impact), i.Priority.ToString(),
        i.Tlp.ToLabel(), i.Pap.ToLabel(), i.ConstituentId, i.Assignee, i.CreatedBy, i.CreatedAt, i.UpdatedAt, i.Sla);

    public static TimelineEventDto ToDto(this TimelineEvent e) =>
        new(e.Id, e.At, e.Actor, EnumWords.ToWord(e.Kind), e.Reason, e.ReadData());

    public static TaskDto ToDto(this IncidentTask t) =>
        new(t.Id, t.Title, EnumWords.ToWord(t.Kind), EnumWords.ToWord(t.Status), t.Owner, t.DueAt, t.CreatedBy, t.CreatedAt, t.CompletedAt);

    public static ObservableDto ToDto(this IncidentObservable o, IReadOnlyList<string> alsoIn) =>
        new(o.Id, o.Kind.ToString().ToLowerInvariant(), o.Value, o.IsPrivateOrReserved, o.Note, o.AddedBy, o.AddedAt, alsoIn);
}
