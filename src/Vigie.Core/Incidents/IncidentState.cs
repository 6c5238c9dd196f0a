namespace Vigie.Core.Incidents;

/// <summary>
/// The incident life cycle: new → triage → open → contained → resolved → closed, plus rejected
/// (not an incident, not for us, duplicate). Backward moves exist because reality has them
/// (containment fails, a closed case comes back) and they always need a reason.
/// </summary>
public enum IncidentState
{
    New,
    Triage,
    Open,
    Contained,
    Resolved,
    Closed,
    Rejected,
}

public static class IncidentStateMachine
{
    private static readonly Dictionary<IncidentState, IncidentState[]> s_moves = new()
    {
        [IncidentState.New] = [IncidentState.Triage, IncidentState.Rejected],
        [IncidentState.Triage] = [IncidentState.Open, IncidentState.Rejected],
        [IncidentState.Open] = [IncidentState.Contained, IncidentState.Resolved, IncidentState.Rejected],
        [IncidentState.Contained] = [IncidentState.Resolved, IncidentState.Open],
        [IncidentState.Resolved] = [IncidentState.Closed, IncidentState.Open],
        [IncidentState.Closed] = [IncidentState.Open],
        [IncidentState.Rejected] = [IncidentState.Triage],
    };

    /// <summary>The states reachable in one move from <paramref name="from"/>.</summary>
    public static IReadOnlyList<IncidentState> AllowedMoves(IncidentState from) => s_moves[from];

    public static bool IsAllowed(IncidentState from, IncidentState to) => s_moves[from].Contains(to);

    /// <summary>Rejecting, and any move back to an earlier stage, must be explained.</summary>
    public static bool RequiresReason(IncidentState from, IncidentState to) =>
        to == IncidentState.Rejected || from == IncidentState.Rejected || to < from;

    /// <summary>Lower-case wire name ("contained").</summary>
    public static string ToWire(this IncidentState state) => state.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out IncidentState state) => EnumWords.TryParse(text, out state);
}
