namespace Vigie.Core.Vulnerabilities;

/// <summary>
/// CVSS v3.0/v3.1 base score from a vector (FIRST CVSS v3.1 specification §7.1 and Appendix A's Roundup). Feeds
/// sometimes publish a vector with temporal metrics and the temporal score as "base": documents Vigie writes carry
/// the base vector and the base score computed from it, so that they agree (CSAF mandatory test 6.1.9).
/// </summary>
public static class Cvss3
{
    /// <summary>The base part of a v3 vector ("CVSS:3.1/AV:N/…/A:H") and its base score, or false when it is not a complete v3 base vector.</summary>
    public static bool TryBase(string? vector, out string baseVector, out double score)
    {
        baseVector = "";
        score = 0;
        if (vector is null || !(vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) || vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal)))
        {
            return false;
        }
        var version = vector[5..8];
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in vector[9..].Split('/'))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !metrics.TryAdd(part[..colon], part[(colon + 1)..]))
            {
                return false;
            }
        }
        string[] names = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
        if (!names.All(metrics.ContainsKey))
        {
            return false;
        }
        var changed = metrics["S"] == "C";
        double? av = metrics["AV"] switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, "P" => 0.2, _ => null };
        double? ac = metrics["AC"] switch { "L" => 0.77, "H" => 0.44, _ => null };
        double? pr = metrics["PR"] switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, "H" => changed ? 0.5 : 0.27, _ => null };
        double? ui = metrics["UI"] switch { "N" => 0.85, "R" => 0.62, _ => null };
        static double? Cia(string v) => v switch { "H" => 0.56, "L" => 0.22, "N" => 0, _ => null };
        var (c, i, a) = (Cia(metrics["C"]), Cia(metrics["I"]), Cia(metrics["A"]));
        if (av is null || ac is null || pr is null || ui is null || c is null || i is null || a is null || metrics["S"] is not ("U" or "C"))
        {
            return false;
        }
        var iss = 1 - ((1 - c.Value) * (1 - i.Value) * (1 - a.Value));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av.Value * ac.Value * pr.Value * ui.Value;
        score = impact <= 0 ? 0
            : Roundup(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10), version);
        baseVector = $"CVSS:{version}/" + string.Join('/', names.Select(n => $"{n}:{metrics[n]}"));
        return true;
    }

    private static readonly Dictionary<string, double> AttackVector = new() { ["N"] = 0.85, ["A"] = 0.62, ["L"] = 0.55, ["P"] = 0.2 };
    private static readonly Dictionary<string, double> AttackComplexity = new() { ["L"] = 0.77, ["H"] = 0.44 };
    private static readonly Dictionary<string, double> UserInteraction = new() { ["N"] = 0.85, ["R"] = 0.62 };
    private static readonly Dictionary<string, double> Impact = new() { ["H"] = 0.56, ["L"] = 0.22, ["N"] = 0 };
    private static readonly Dictionary<string, double> Scope = new() { ["U"] = 0, ["C"] = 1 };
    private static readonly Dictionary<string, double> ExploitCodeMaturity = new() { ["X"] = 1, ["H"] = 1, ["F"] = 0.97, ["P"] = 0.94, ["U"] = 0.91 };
    private static readonly Dictionary<string, double> RemediationLevel = new() { ["X"] = 1, ["U"] = 1, ["W"] = 0.97, ["T"] = 0.96, ["O"] = 0.95 };
    private static readonly Dictionary<string, double> ReportConfidence = new() { ["X"] = 1, ["C"] = 1, ["R"] = 0.96, ["U"] = 0.92 };
    private static readonly Dictionary<string, double> Requirement = new() { ["X"] = 1, ["H"] = 1.5, ["M"] = 1, ["L"] = 0.5 };

    private static Dictionary<string, double> PrivilegesRequired(bool changed) =>
        new() { ["N"] = 0.85, ["L"] = changed ? 0.68 : 0.62, ["H"] = changed ? 0.5 : 0.27 };

    private static readonly string[] BaseMetrics = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

    private static readonly HashSet<string> AllMetrics =
        [.. BaseMetrics, "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"];

    /// <summary>
    /// The base, temporal and environmental scores of a v3.0/v3.1 vector (v3.1 specification §7.1–7.3; v3.0 §8: its
    /// Roundup and its changed-scope modified impact), or false when it is not a complete, known v3 vector.
    /// </summary>
    public static bool TryScores(string? vector, out CvssScores scores)
    {
        scores = null!;
        if (vector is null || !(vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal) || vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal))
            || CvssScores.Parse(vector[9..]) is not { } metrics || !BaseMetrics.All(metrics.ContainsKey) || !metrics.Keys.All(AllMetrics.Contains))
        {
            return false;
        }
        var version = vector[5..8];
        double? W(string metric, Dictionary<string, double> weights) => CvssScores.Weight(metrics, metric, weights, "X");
        // A modified metric left "not defined" takes the base metric's value.
        double? M(string metric, Dictionary<string, double> weights) =>
            metrics.GetValueOrDefault("M" + metric) is { } m and not "X" ? (weights.TryGetValue(m, out var w) ? w : null) : W(metric, weights);
        var changed = W("S", Scope) == 1;
        var modifiedChanged = M("S", Scope) == 1;
        if (new[] { W("S", Scope), M("S", Scope) }.Any(w => w is null))
        {
            return false;
        }
        var weights = new Dictionary<string, double?>(StringComparer.Ordinal)
        {
            ["AV"] = W("AV", AttackVector), ["AC"] = W("AC", AttackComplexity), ["PR"] = W("PR", PrivilegesRequired(changed)), ["UI"] = W("UI", UserInteraction),
            ["C"] = W("C", Impact), ["I"] = W("I", Impact), ["A"] = W("A", Impact),
            ["E"] = W("E", ExploitCodeMaturity), ["RL"] = W("RL", RemediationLevel), ["RC"] = W("RC", ReportConfidence),
            ["CR"] = W("CR", Requirement), ["IR"] = W("IR", Requirement), ["AR"] = W("AR", Requirement),
            ["MAV"] = M("AV", AttackVector), ["MAC"] = M("AC", AttackComplexity), ["MPR"] = M("PR", PrivilegesRequired(modifiedChanged)),
            ["MUI"] = M("UI", UserInteraction), ["MC"] = M("C", Impact), ["MI"] = M("I", Impact), ["MA"] = M("A", Impact),
        };
        if (weights.Values.Any(w => w is null))
        {
            return false;
        }
        double V(string metric) => weights[metric]!.Value;
        var temporal = V("E") * V("RL") * V("RC");

        var iss = 1 - ((1 - V("C")) * (1 - V("I")) * (1 - V("A")));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * V("AV") * V("AC") * V("PR") * V("UI");
        var baseScore = impact <= 0 ? 0 : Roundup(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10), version);

        var miss = Math.Min(1 - ((1 - (V("CR") * V("MC"))) * (1 - (V("IR") * V("MI"))) * (1 - (V("AR") * V("MA")))), 0.915);
        var modifiedImpact = !modifiedChanged ? 6.42 * miss
            : version == "3.0" ? (7.52 * (miss - 0.029)) - (3.25 * Math.Pow(miss - 0.02, 15))
            : (7.52 * (miss - 0.029)) - (3.25 * Math.Pow((miss * 0.9731) - 0.02, 13));
        var modifiedExploitability = 8.22 * V("MAV") * V("MAC") * V("MPR") * V("MUI");
        var environmental = modifiedImpact <= 0 ? 0
            : Roundup(Roundup(Math.Min((modifiedChanged ? 1.08 : 1) * (modifiedImpact + modifiedExploitability), 10), version) * temporal, version);

        scores = new CvssScores(baseScore, Roundup(baseScore * temporal, version), environmental, metrics);
        return true;
    }

    /// <summary>v3.1 Appendix A Roundup (exact with floating point); v3.0 rounds up to one decimal.</summary>
    private static double Roundup(double value, string version)
    {
        if (version == "3.0")
        {
            return (double)(Math.Ceiling((decimal)value * 10) / 10); // through decimal, so that 4.2 is not 4.2000000001 (→ 4.3)
        }
        var integer = (long)Math.Round(value * 100000);
        return integer % 10000 == 0 ? integer / 100000.0 : (Math.Floor(integer / 10000.0) + 1) / 10.0;
    }
}
