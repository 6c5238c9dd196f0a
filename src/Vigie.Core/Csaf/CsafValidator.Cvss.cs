using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Vigie.Core.Vulnerabilities;

namespace Vigie.Core.Csaf;

/// <summary>The mandatory tests on scores: one score per CVSS version and product, CVSS objects valid, computed and consistent with their vector.</summary>
public static partial class CsafValidator
{
    /// <summary>Every CVSS object of the document: its path, the member name (cvss_v2, cvss_v3) and the object.</summary>
    private static IEnumerable<(string Path, string Kind, JsonObject Cvss)> CvssObjects(JsonNode doc)
    {
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            foreach (var (s, j) in Items(v?["scores"]))
            {
                foreach (var kind in new[] { "cvss_v2", "cvss_v3" })
                {
                    if (s?[kind] is JsonObject cvss)
                    {
                        yield return ($"/vulnerabilities/{i}/scores/{j}/{kind}", kind, cvss);
                    }
                }
            }
        }
    }

    private static IEnumerable<CsafFinding> MultipleScoresPerVersion(JsonNode doc)
    {
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            var scored = new HashSet<(string Product, string Version)>();
            foreach (var (s, j) in Items(v?["scores"]))
            {
                var versions = new[] { ("cvss_v2", s?["cvss_v2"]), ("cvss_v3", s?["cvss_v3"]) }.Where(c => c.Item2 is JsonObject)
                    .Select(c => c.Item1 == "cvss_v2" ? "2.0" : Str(c.Item2!["version"]) ?? "3").ToList();
                foreach (var (p, k) in Items(s?["products"]))
                {
                    foreach (var version in versions.Where(version => Str(p) is { } product && !scored.Add((product, version))))
                    {
                        yield return new CsafFinding("6.1.7", $"/vulnerabilities/{i}/scores/{j}/products/{k}", $"product {Str(p)} has more than one CVSS v{version} score");
                    }
                }
            }
        }
    }

    private static IEnumerable<CsafFinding> InvalidCvss(JsonNode doc)
    {
        _ = Schema.Value; // loads the CVSS schemas
        foreach (var (path, kind, cvss) in CvssObjects(doc))
        {
            var version = kind == "cvss_v2" ? "2.0" : Str(cvss["version"]) is "3.0" ? "3.0" : "3.1";
            using var parsed = JsonDocument.Parse(cvss.ToJsonString());
            var result = CvssSchemas[version].Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            foreach (var d in (result.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 }))
            {
                foreach (var e in d.Errors!)
                {
                    yield return new CsafFinding("6.1.8", path + d.InstanceLocation, $"not valid against the CVSS v{version} schema: {e.Key}: {e.Value}");
                }
            }
        }
    }

    private static bool TryScores(string kind, JsonObject cvss, out CvssScores scores) =>
        kind == "cvss_v2" ? Cvss2.TryScores(Str(cvss["vectorString"]), out scores) : Cvss3.TryScores(Str(cvss["vectorString"]), out scores);

    private static IEnumerable<CsafFinding> InvalidCvssComputation(JsonNode doc)
    {
        foreach (var (path, kind, cvss) in CvssObjects(doc))
        {
            if (!TryScores(kind, cvss, out var scores))
            {
                continue; // a vector that does not parse is 6.1.8's (and the schema's)
            }
            foreach (var (name, score) in new[] { ("base", scores.Base), ("temporal", scores.Temporal), ("environmental", scores.Environmental) })
            {
                if (cvss[$"{name}Score"] is JsonValue given && given.TryGetValue<double>(out var value) && Math.Abs(value - score) > 0.001)
                {
                    yield return new CsafFinding("6.1.9", $"{path}/{name}Score", $"the {name} score is {value} but the vector gives {score}");
                }
                if (kind == "cvss_v3" && Str(cvss[$"{name}Severity"]) is { } severity && severity != CvssScores.Severity(score))
                {
                    yield return new CsafFinding("6.1.9", $"{path}/{name}Severity", $"the {name} severity is {severity} but the vector gives {CvssScores.Severity(score)}");
                }
            }
        }
    }

    /// <summary>CVSS v2 JSON property → vector metric, and the property's value for each metric value.</summary>
    private static readonly Dictionary<string, (string Metric, Dictionary<string, string> Values)> Cvss2Properties = new(StringComparer.Ordinal)
    {
        ["accessVector"] = ("AV", new() { ["L"] = "LOCAL", ["A"] = "ADJACENT_NETWORK", ["N"] = "NETWORK" }),
        ["accessComplexity"] = ("AC", new() { ["H"] = "HIGH", ["M"] = "MEDIUM", ["L"] = "LOW" }),
        ["authentication"] = ("Au", new() { ["M"] = "MULTIPLE", ["S"] = "SINGLE", ["N"] = "NONE" }),
        ["confidentialityImpact"] = ("C", Cia2),
        ["integrityImpact"] = ("I", Cia2),
        ["availabilityImpact"] = ("A", Cia2),
        ["exploitability"] = ("E", new() { ["U"] = "UNPROVEN", ["POC"] = "PROOF_OF_CONCEPT", ["F"] = "FUNCTIONAL", ["H"] = "HIGH", ["ND"] = "NOT_DEFINED" }),
        ["remediationLevel"] = ("RL", new() { ["OF"] = "OFFICIAL_FIX", ["TF"] = "TEMPORARY_FIX", ["W"] = "WORKAROUND", ["U"] = "UNAVAILABLE", ["ND"] = "NOT_DEFINED" }),
        ["reportConfidence"] = ("RC", new() { ["UC"] = "UNCONFIRMED", ["UR"] = "UNCORROBORATED", ["C"] = "CONFIRMED", ["ND"] = "NOT_DEFINED" }),
        ["collateralDamagePotential"] = ("CDP", new() { ["N"] = "NONE", ["L"] = "LOW", ["LM"] = "LOW_MEDIUM", ["MH"] = "MEDIUM_HIGH", ["H"] = "HIGH", ["ND"] = "NOT_DEFINED" }),
        ["targetDistribution"] = ("TD", new() { ["N"] = "NONE", ["L"] = "LOW", ["M"] = "MEDIUM", ["H"] = "HIGH", ["ND"] = "NOT_DEFINED" }),
        ["confidentialityRequirement"] = ("CR", Requirement2),
        ["integrityRequirement"] = ("IR", Requirement2),
        ["availabilityRequirement"] = ("AR", Requirement2),
    };

    private static Dictionary<string, string> Cia2 => new() { ["N"] = "NONE", ["P"] = "PARTIAL", ["C"] = "COMPLETE" };

    private static Dictionary<string, string> Requirement2 => new() { ["L"] = "LOW", ["M"] = "MEDIUM", ["H"] = "HIGH", ["ND"] = "NOT_DEFINED" };

    /// <summary>CVSS v3 JSON property → vector metric, and the property's value for each metric value.</summary>
    private static readonly Dictionary<string, (string Metric, Dictionary<string, string> Values)> Cvss3Properties = new(StringComparer.Ordinal)
    {
        ["attackVector"] = ("AV", AttackVector3),
        ["attackComplexity"] = ("AC", AttackComplexity3),
        ["privilegesRequired"] = ("PR", Cia3),
        ["userInteraction"] = ("UI", UserInteraction3),
        ["scope"] = ("S", Scope3),
        ["confidentialityImpact"] = ("C", Cia3),
        ["integrityImpact"] = ("I", Cia3),
        ["availabilityImpact"] = ("A", Cia3),
        ["exploitCodeMaturity"] = ("E", new() { ["X"] = "NOT_DEFINED", ["H"] = "HIGH", ["F"] = "FUNCTIONAL", ["P"] = "PROOF_OF_CONCEPT", ["U"] = "UNPROVEN" }),
        ["remediationLevel"] = ("RL", new() { ["X"] = "NOT_DEFINED", ["U"] = "UNAVAILABLE", ["W"] = "WORKAROUND", ["T"] = "TEMPORARY_FIX", ["O"] = "OFFICIAL_FIX" }),
        ["reportConfidence"] = ("RC", new() { ["X"] = "NOT_DEFINED", ["C"] = "CONFIRMED", ["R"] = "REASONABLE", ["U"] = "UNKNOWN" }),
        ["confidentialityRequirement"] = ("CR", Requirement3),
        ["integrityRequirement"] = ("IR", Requirement3),
        ["availabilityRequirement"] = ("AR", Requirement3),
        ["modifiedAttackVector"] = ("MAV", Modified(AttackVector3)),
        ["modifiedAttackComplexity"] = ("MAC", Modified(AttackComplexity3)),
        ["modifiedPrivilegesRequired"] = ("MPR", Modified(Cia3)),
        ["modifiedUserInteraction"] = ("MUI", Modified(UserInteraction3)),
        ["modifiedScope"] = ("MS", Modified(Scope3)),
        ["modifiedConfidentialityImpact"] = ("MC", Modified(Cia3)),
        ["modifiedIntegrityImpact"] = ("MI", Modified(Cia3)),
        ["modifiedAvailabilityImpact"] = ("MA", Modified(Cia3)),
    };

    private static Dictionary<string, string> AttackVector3 => new() { ["N"] = "NETWORK", ["A"] = "ADJACENT_NETWORK", ["L"] = "LOCAL", ["P"] = "PHYSICAL" };

    private static Dictionary<string, string> AttackComplexity3 => new() { ["L"] = "LOW", ["H"] = "HIGH" };

    private static Dictionary<string, string> UserInteraction3 => new() { ["N"] = "NONE", ["R"] = "REQUIRED" };

    private static Dictionary<string, string> Scope3 => new() { ["U"] = "UNCHANGED", ["C"] = "CHANGED" };

    /// <summary>High, low, none: the impacts and the privileges required.</summary>
    private static Dictionary<string, string> Cia3 => new() { ["H"] = "HIGH", ["L"] = "LOW", ["N"] = "NONE" };

    private static Dictionary<string, string> Requirement3 => new() { ["X"] = "NOT_DEFINED", ["H"] = "HIGH", ["M"] = "MEDIUM", ["L"] = "LOW" };

    private static Dictionary<string, string> Modified(Dictionary<string, string> values) => new(values) { ["X"] = "NOT_DEFINED" };

    private static IEnumerable<CsafFinding> InconsistentCvss(JsonNode doc)
    {
        foreach (var (path, kind, cvss) in CvssObjects(doc))
        {
            if (!TryScores(kind, cvss, out var scores))
            {
                continue;
            }
            var (properties, notDefined) = kind == "cvss_v2" ? (Cvss2Properties, "ND") : (Cvss3Properties, "X");
            foreach (var (property, (metric, values)) in properties)
            {
                // A metric the vector leaves out is "not defined".
                var expected = values.GetValueOrDefault(scores.Metrics.GetValueOrDefault(metric) ?? notDefined);
                if (Str(cvss[property]) is { } given && given != expected)
                {
                    yield return new CsafFinding("6.1.10", $"{path}/{property}", $"{property} is {given} but the vector says {expected ?? "nothing"}");
                }
            }
        }
    }
}
