using System.Globalization;
using Vigie.Core.Vulnerabilities;

namespace Vigie.Core.Tests.Vulnerabilities;

/// <summary>
/// The v2 and v3 calculators (CSAF mandatory test 6.1.9 relies on them): the worked examples of the CVSS v2 guide, and
/// 300 random vectors with temporal and environmental metrics scored by an independent implementation (TestData/cvss).
/// </summary>
public sealed class CvssScoresTests
{
    [Theory]
    // CVSS v2 guide §3.3: CVE-2002-0392, CVE-2003-0818, CVE-2003-0062.
    [InlineData("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H", 7.8, 6.4, 9.2)]
    [InlineData("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:L", 10.0, 8.3, 9.0)]
    [InlineData("AV:L/AC:H/Au:N/C:C/I:C/A:C/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:M", 6.2, 4.9, 7.5)]
    public void Cvss2_follows_the_guide_examples(string vector, double baseScore, double temporal, double environmental)
    {
        Assert.True(Cvss2.TryScores(vector, out var scores));
        Assert.Equal((baseScore, temporal, environmental), (scores.Base, scores.Temporal, scores.Environmental));
    }

    [Fact]
    public void Scores_agree_with_an_independent_implementation()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "cvss", "scores.tsv")).Where(l => !l.StartsWith('#')).ToList();
        Assert.True(lines.Count >= 300, $"only {lines.Count} vectors");
        var disagreements = new List<string>();
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            var expected = (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture));
            var ok = f[0].StartsWith("CVSS:", StringComparison.Ordinal) ? Cvss3.TryScores(f[0], out var scores) : Cvss2.TryScores(f[0], out scores);
            if (!ok || (scores.Base, scores.Temporal, scores.Environmental) != expected)
            {
                disagreements.Add($"{f[0]}: expected {expected}, got {(ok ? (scores.Base, scores.Temporal, scores.Environmental) : "no scores")}");
            }
        }
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n{string.Join("\n", disagreements.Take(20))}");
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")] // a base metric missing
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Q")] // unknown value
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:H")] // unknown metric
    [InlineData("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")] // repeated metric
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P")] // a v2 vector
    public void Cvss3_refuses_what_is_not_a_v3_vector(string vector) => Assert.False(Cvss3.TryScores(vector, out _));

    [Theory]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P")]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:X")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    public void Cvss2_refuses_what_is_not_a_v2_vector(string vector) => Assert.False(Cvss2.TryScores(vector, out _));

    [Theory]
    [InlineData(0.0, "NONE")]
    [InlineData(3.9, "LOW")]
    [InlineData(4.0, "MEDIUM")]
    [InlineData(7.0, "HIGH")]
    [InlineData(9.0, "CRITICAL")]
    public void Severity_follows_the_v3_rating_scale(double score, string severity) => Assert.Equal(severity, CvssScores.Severity(score));
}
