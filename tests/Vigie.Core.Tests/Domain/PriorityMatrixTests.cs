using CsCheck;
using Vigie.Core.Incidents;

namespace Vigie.Core.Tests.Domain;

public class PriorityMatrixTests
{
    private static readonly Gen<Severity> AnySeverity = Gen.OneOf(Enum.GetValues<Severity>());
    private static readonly Gen<Impact> AnyImpact = Gen.OneOf(Enum.GetValues<Impact>());

    /// <summary>All 16 cells of the table documented on <see cref="PriorityMatrix"/> in Priority.cs.</summary>
    [Theory]
    [InlineData(Severity.Critical, Impact.Low, Priority.P2)]
    [InlineData(Severity.Critical, Impact.Medium, Priority.P2)]
    [InlineData(Severity.Critical, Impact.High, Priority.P1)]
    [InlineData(Severity.Critical, Impact.Critical, Priority.P1)]
    [InlineData(Severity.High, Impact.Low, Priority.P3)]
    [InlineData(Severity.High, Impact.Medium, Priority.P2)]
    [InlineData(Severity.High, Impact.High, Priority.P2)]
    [InlineData(Severity.High, Impact.Critical, Priority.P1)]
    [InlineData(Severity.Medium, Impact.Low, Priority.P4)]
    [InlineData(Severity.Medium, Impact.Medium, Priority.P3)]
    [InlineData(Severity.Medium, Impact.High, Priority.P2)]
    [InlineData(Severity.Medium, Impact.Critical, Priority.P2)]
    [InlineData(Severity.Low, Impact.Low, Priority.P4)]
    [InlineData(Severity.Low, Impact.Medium, Priority.P4)]
    [InlineData(Severity.Low, Impact.High, Priority.P3)]
    [InlineData(Severity.Low, Impact.Critical, Priority.P2)]
    public void Derive_matches_the_documented_matrix(Severity severity, Impact impact, Priority expected) =>
        Assert.Equal(expected, PriorityMatrix.Derive(severity, impact));

    [Fact]
    public void Raising_severity_or_impact_never_lowers_priority() =>
        Gen.Select(AnySeverity, AnySeverity, AnyImpact, AnyImpact).Sample((s1, s2, i1, i2) =>
        {
            var (sLo, sHi) = s1 <= s2 ? (s1, s2) : (s2, s1);
            var (iLo, iHi) = i1 <= i2 ? (i1, i2) : (i2, i1);
            // P1 < P4 numerically, and P1 is the most urgent: "not lower" means numerically <=.
            Assert.True(PriorityMatrix.Derive(sHi, iHi) <= PriorityMatrix.Derive(sLo, iLo), $"{sLo}/{iLo} -> {sHi}/{iHi}");
            Assert.True(PriorityMatrix.Derive(sHi, iLo) <= PriorityMatrix.Derive(sLo, iLo));
            Assert.True(PriorityMatrix.Derive(sLo, iHi) <= PriorityMatrix.Derive(sLo, iLo));
        });

    [Fact]
    public void Documented_guarantees_hold() =>
        Gen.Select(AnySeverity, AnyImpact).Sample((s, i) =>
        {
            var p = PriorityMatrix.Derive(s, i);
            Assert.True(Enum.IsDefined(p));
            if (s == Severity.Critical || i == Impact.Critical)
            {
                Assert.True(p <= Priority.P2, $"{s}/{i} gave {p}; a single critical gives at least P2");
            }
            if (s >= Severity.High && i >= Impact.High)
            {
                Assert.True(p <= Priority.P2, $"{s}/{i} gave {p}; both high or above give P1 or P2");
            }
            if (s == Severity.Low && i == Impact.Low)
            {
                Assert.Equal(Priority.P4, p);
            }
        });

    [Fact]
    public void Matrix_is_symmetric() =>
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 4]).Sample((a, b) =>
            Assert.Equal(PriorityMatrix.Derive((Severity)a, (Impact)b), PriorityMatrix.Derive((Severity)b, (Impact)a)));
}
