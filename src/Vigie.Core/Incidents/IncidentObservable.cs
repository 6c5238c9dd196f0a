using Vigie.Core.Observables;

namespace Vigie.Core.Incidents;

/// <summary>
/// An indicator attached to an incident, stored in its normalised form so that the same indicator,
/// however it was typed (defanged, upper-case, IDN…), correlates across incidents.
/// </summary>
public sealed class IncidentObservable
{
    private IncidentObservable()
    {
    }

    internal IncidentObservable(Guid incidentId, ObservableValue value, string? note, string actor, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        IncidentId = incidentId;
        Kind = value.Kind;
        Value = value.Value;
        IsPrivateOrReserved = ObservableValue.IsPrivateOrReserved(value);
        Note = note;
        AddedBy = actor;
        AddedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid IncidentId { get; private set; }

    public ObservableKind Kind { get; private set; }

    /// <summary>The normalised value (<see cref="ObservableValue.TryNormalize"/>).</summary>
    public string Value { get; private set; } = "";

    /// <summary>RFC 6890 special-purpose address: usually a reporter's internal view, not an attacker.</summary>
    public bool IsPrivateOrReserved { get; private set; }

    public string? Note { get; private set; }

    public string AddedBy { get; private set; } = "";

    public DateTimeOffset AddedAt { get; private set; }
}
