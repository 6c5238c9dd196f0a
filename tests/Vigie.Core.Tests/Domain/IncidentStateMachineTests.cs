using Vigie.Core.Incidents;
using static Vigie.Core.Incidents.IncidentState;

namespace Vigie.Core.Tests.Domain;

public class IncidentStateMachineTests
{
    /// <summary>The life cycle of DESIGN.md, written out independently of the production table.</summary>
    internal static readonly Dictionary<IncidentState, IncidentState[]> Expected = new()
    {
        [New] = [Triage, Rejected],
        [Triage] = [Open, Rejected],
        [Open] = [Contained, Resolved, Rejected],
        [Contained] = [Resolved, Open],
        [Resolved] = [Closed, Open],
        [Closed] = [Open],
        [Rejected] = [Triage],
    };

    [Fact]
    public void The_seven_states_are_the_documented_ones()
    {
        Assert.Equal([New, Triage, Open, Contained, Resolved, Closed, Rejected], Enum.GetValues<IncidentState>());
        Assert.Equal(["new", "triage", "open", "contained", "resolved", "closed", "rejected"],
            Enum.GetValues<IncidentState>().Select(s => s.ToWire()));
    }

    [Fact]
    public void Full_seven_by_seven_table_matches()
    {
        var mismatches = new List<string>();
        foreach (var from in Enum.GetValues<IncidentState>())
        {
            foreach (var to in Enum.GetValues<IncidentState>())
            {
                var expected = Expected[from].Contains(to);
                if (IncidentStateMachine.IsAllowed(from, to) != expected)
                {
                    mismatches.Add($"{from}->{to} expected {expected}");
                }
            }
            Assert.Equal(Expected[from].Order(), IncidentStateMachine.AllowedMoves(from).Order());
        }
        Assert.Empty(mismatches);
    }

    [Fact]
    public void No_state_moves_to_itself()
    {
        foreach (var s in Enum.GetValues<IncidentState>())
        {
            Assert.False(IncidentStateMachine.IsAllowed(s, s));
        }
    }

    [Theory]
    [InlineData(New, Rejected)]
    [InlineData(Triage, Rejected)]
    [InlineData(Open, Rejected)]
    [InlineData(Rejected, Triage)]
    [InlineData(Contained, Open)]
    [InlineData(Resolved, Open)]
    [InlineData(Closed, Open)]
    public void Rejecting_unrejecting_and_going_back_need_a_reason(IncidentState from, IncidentState to) =>
        Assert.True(IncidentStateMachine.RequiresReason(from, to));

    [Theory]
    [InlineData(New, Triage)]
    [InlineData(Triage, Open)]
    [InlineData(Open, Contained)]
    [InlineData(Open, Resolved)]
    [InlineData(Contained, Resolved)]
    [InlineData(Resolved, Closed)]
    public void Forward_moves_need_no_reason(IncidentState from, IncidentState to) =>
        Assert.False(IncidentStateMachine.RequiresReason(from, to));

    [Fact]
    public void Every_allowed_move_is_either_forward_or_needs_a_reason()
    {
        var forward = new HashSet<(IncidentState, IncidentState)>
        {
            (New, Triage), (Triage, Open), (Open, Contained), (Open, Resolved), (Contained, Resolved), (Resolved, Closed),
        };
        foreach (var (from, moves) in Expected)
        {
            foreach (var to in moves)
            {
                Assert.Equal(!forward.Contains((from, to)), IncidentStateMachine.RequiresReason(from, to));
            }
        }
    }

    [Theory]
    [InlineData("Open", Open)]
    [InlineData(" contained ", Contained)]
    [InlineData("new", New)]
    [InlineData("REJECTED", Rejected)]
    [InlineData("Triage", Triage)]
    [InlineData("closed", Closed)]
    [InlineData("Resolved\t", Resolved)]
    public void TryParse_accepts_names_in_any_case(string text, IncidentState expected)
    {
        Assert.True(IncidentStateMachine.TryParse(text, out var state));
        Assert.Equal(expected, state);
    }

    [Theory]
    [InlineData("5")]
    [InlineData(" 5 ")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("7")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("bogus")]
    [InlineData("opened")]
    public void TryParse_rejects_numbers_and_unknown_names(string? text) =>
        Assert.False(IncidentStateMachine.TryParse(text, out _));

    [Theory]
    [InlineData("triage,open")]
    [InlineData("Triage, Open")]
    [InlineData("new,closed")]
    [InlineData("new, rejected")]
    public void TryParse_rejects_comma_separated_lists(string text) =>
        Assert.False(IncidentStateMachine.TryParse(text, out _));

    [Fact]
    public void Every_wire_name_round_trips()
    {
        foreach (var s in Enum.GetValues<IncidentState>())
        {
            Assert.True(IncidentStateMachine.TryParse(s.ToWire(), out var back));
            Assert.Equal(s, back);
        }
    }
}
