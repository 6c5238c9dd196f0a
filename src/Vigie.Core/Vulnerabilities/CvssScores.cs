namespace Vigie.Core.Vulnerabilities;

/// <summary>The scores a CVSS vector defines; the metrics as written in the vector (absent temporal and environmental ones are "not defined").</summary>
public sealed record CvssScores(double Base, double Temporal, double Environmental, IReadOnlyDictionary<string, string> Metrics)
{
    /// <summary>The v3 qualitative severity rating of a score (v3.1 specification §5).</summary>
    public static string Severity(double score) => score switch
    {
        0 => "NONE",
        < 4 => "LOW",
        < 7 => "MEDIUM",
        < 9 => "HIGH",
        _ => "CRITICAL",
    };

    /// <summary>"AV:N/AC:L/…" as metric → value, or null when a part is malformed or a metric is repeated.</summary>
    internal static Dictionary<string, string>? Parse(string metrics)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in metrics.Split('/'))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !parsed.TryAdd(part[..colon], part[(colon + 1)..]))
            {
                return null;
            }
        }
        return parsed;
    }

    /// <summary>The weight of a metric's value, the "not defined" value when the vector omits it; null when unknown.</summary>
    internal static double? Weight(Dictionary<string, string> metrics, string metric, Dictionary<string, double> weights, string notDefined) =>
        weights.TryGetValue(metrics.GetValueOrDefault(metric) ?? notDefined, out var w) ? w : null;
}

/// <summary>CVSS v2 base, temporal and environmental scores (FIRST CVSS v2 guide §3.2).</summary>
public static class Cvss2
{
    private static readonly Dictionary<string, Dictionary<string, double>> Weights = new(StringComparer.Ordinal)
    {
        ["AV"] = new() { ["L"] = 0.395, ["A"] = 0.646, ["N"] = 1.0 },
        ["AC"] = new() { ["H"] = 0.35, ["M"] = 0.61, ["L"] = 0.71 },
        ["Au"] = new() { ["M"] = 0.45, ["S"] = 0.56, ["N"] = 0.704 },
        ["C"] = new() { ["N"] = 0, ["P"] = 0.275, ["C"] = 0.660 },
        ["I"] = new() { ["N"] = 0, ["P"] = 0.275, ["C"] = 0.660 },
        ["A"] = new() { ["N"] = 0, ["P"] = 0.275, ["C"] = 0.660 },
        ["E"] = new() { ["U"] = 0.85, ["POC"] = 0.9, ["F"] = 0.95, ["H"] = 1, ["ND"] = 1 },
        ["RL"] = new() { ["OF"] = 0.87, ["TF"] = 0.90, ["W"] = 0.95, ["U"] = 1, ["ND"] = 1 },
        ["RC"] = new() { ["UC"] = 0.90, ["UR"] = 0.95, ["C"] = 1, ["ND"] = 1 },
        ["CDP"] = new() { ["N"] = 0, ["L"] = 0.1, ["LM"] = 0.3, ["MH"] = 0.4, ["H"] = 0.5, ["ND"] = 0 },
        ["TD"] = new() { ["N"] = 0, ["L"] = 0.25, ["M"] = 0.75, ["H"] = 1, ["ND"] = 1 },
        ["CR"] = new() { ["L"] = 0.5, ["M"] = 1, ["H"] = 1.51, ["ND"] = 1 },
        ["IR"] = new() { ["L"] = 0.5, ["M"] = 1, ["H"] = 1.51, ["ND"] = 1 },
        ["AR"] = new() { ["L"] = 0.5, ["M"] = 1, ["H"] = 1.51, ["ND"] = 1 },
    };

    private static readonly string[] BaseMetrics = ["AV", "AC", "Au", "C", "I", "A"];

    /// <summary>The scores of a v2 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P[/E:…]"), or false when it is not a complete, known v2 vector.</summary>
    public static bool TryScores(string? vector, out CvssScores scores)
    {
        scores = null!;
        var metrics = vector is null ? null : CvssScores.Parse(vector);
        if (metrics is null || !BaseMetrics.All(metrics.ContainsKey) || metrics.Keys.Any(k => !Weights.ContainsKey(k)))
        {
            return false;
        }
        var w = Weights.ToDictionary(m => m.Key, m => CvssScores.Weight(metrics, m.Key, m.Value, "ND"), StringComparer.Ordinal);
        if (w.Values.Any(v => v is null))
        {
            return false;
        }
        double W(string m) => w[m]!.Value;
        var exploitability = 20 * W("AV") * W("AC") * W("Au");
        double BaseOf(double impact) => Round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * (impact == 0 ? 0 : 1.176));
        double TemporalOf(double score) => Round1(score * W("E") * W("RL") * W("RC"));
        var baseScore = BaseOf(10.41 * (1 - ((1 - W("C")) * (1 - W("I")) * (1 - W("A")))));
        var adjustedImpact = Math.Min(10, 10.41 * (1 - ((1 - (W("C") * W("CR"))) * (1 - (W("I") * W("IR"))) * (1 - (W("A") * W("AR"))))));
        var adjustedTemporal = TemporalOf(BaseOf(adjustedImpact));
        var environmental = Round1((adjustedTemporal + ((10 - adjustedTemporal) * W("CDP"))) * W("TD"));
        scores = new CvssScores(baseScore, TemporalOf(baseScore), environmental, metrics);
        return true;
    }

    /// <summary>Rounded to one decimal, half away from zero (through decimal, so that 4.45 is not 4.4499999).</summary>
    private static double Round1(double value) => (double)Math.Round((decimal)value, 1, MidpointRounding.AwayFromZero);
}
