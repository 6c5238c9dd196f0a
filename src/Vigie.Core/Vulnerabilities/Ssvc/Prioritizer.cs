using System.Globalization;

namespace Vigie.Core.Vulnerabilities.Ssvc;

/// <summary>How exposed an inventory product is (entered with the inventory).</summary>
public enum Exposure
{
    Internal,
    InternetFacing,
}

/// <summary>How much the constituent depends on the product (entered with the inventory).</summary>
public enum Criticality
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>What is known about one vulnerability, from every source.</summary>
/// <param name="CvssBase">Highest base score published (any version), or null.</param>
/// <param name="CvssVector">Its vector, to read C/I/A when no technical impact is stated.</param>
/// <param name="Epss">EPSS probability (0–1), or null.</param>
/// <param name="Kev">Listed in CISA's KEV catalog.</param>
/// <param name="Stated">Exploitation facts a source stated (CISA ADP), or null.</param>
public sealed record VulnerabilityFacts(double? CvssBase, string? CvssVector, double? Epss, bool Kev, ExploitationFacts? Stated);

/// <summary>Deadlines per outcome (how long the constituent has to act).</summary>
public sealed record DeadlinePolicy(TimeSpan Immediate, TimeSpan OutOfCycle, TimeSpan Scheduled, TimeSpan Defer)
{
    public static DeadlinePolicy Default { get; } = new(TimeSpan.FromDays(2), TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(90));

    public TimeSpan For(DeployerDecision d) => d switch
    {
        DeployerDecision.Immediate => Immediate,
        DeployerDecision.OutOfCycle => OutOfCycle,
        DeployerDecision.Scheduled => Scheduled,
        _ => Defer,
    };
}

/// <summary>The priority of one affected product: SSVC inputs as decided, the outcome, a deadline and a sort rank.</summary>
public sealed record Priority(
    SsvcExploitation Exploitation, SystemExposure Exposure, bool Automatable, HumanImpact Human, SsvcTechnicalImpact TechnicalImpact,
    DeployerDecision Decision, CisaDecision Coordinator, DateTimeOffset Deadline, double Rank, string Why);

/// <summary>
/// Turns what is known (CVSS, EPSS, KEV, CISA's stated SSVC options) and the product's exposure and criticality into
/// SSVC inputs, then both SSVC outcomes, a deadline and a rank for ordering watch lists. The mapping (docs/vulnerability-watch.md):
/// <list type="bullet">
/// <item>Exploitation: KEV-listed or stated "active" → active; stated "poc" or EPSS ≥ 0.1 → public PoC; else none.</item>
/// <item>Exposure: internet-facing → open; internal → controlled (an inventory entry is a reachable system, never "small").</item>
/// <item>Automatable: as stated; else yes when the CVSS vector says network, low complexity, no privileges, no user interaction.</item>
/// <item>Technical impact: as stated; else total when CVSS confidentiality, integrity and availability are all high.</item>
/// <item>Human / mission impact: from criticality (low → low, medium → medium, high → high, critical → very high / high).</item>
/// </list>
/// Rank: the outcome first, KEV next, then EPSS and CVSS, so that KEV-listed items rise to the top of an outcome.
/// </summary>
public static class Prioritizer
{
    public const double EpssPocThreshold = 0.1;

    public static Priority Assess(VulnerabilityFacts facts, Exposure exposure, Criticality criticality, DateTimeOffset now, DeadlinePolicy? policy = null)
    {
        var stated = facts.Stated;
        var exploitation = facts.Kev || stated?.Exploitation == SsvcExploitation.Active || stated?.KevDateAdded is not null ? SsvcExploitation.Active
            : stated?.Exploitation == SsvcExploitation.Poc || facts.Epss >= EpssPocThreshold ? SsvcExploitation.Poc
            : SsvcExploitation.None;
        var vector = Vector(facts.CvssVector);
        var automatable = stated?.Automatable
            ?? (vector.GetValueOrDefault("AV") == "N" && vector.GetValueOrDefault("AC") == "L" && vector.GetValueOrDefault("PR") == "N"
                && vector.GetValueOrDefault("UI") == "N");
        var impact = stated?.TechnicalImpact
            ?? (High(vector, "C", "VC") && High(vector, "I", "VI") && High(vector, "A", "VA") ? SsvcTechnicalImpact.Total : SsvcTechnicalImpact.Partial);
        var systemExposure = exposure == Exposure.InternetFacing ? SystemExposure.Open : SystemExposure.Controlled;
        var human = criticality switch
        {
            Criticality.Low => HumanImpact.Low,
            Criticality.Medium => HumanImpact.Medium,
            Criticality.High => HumanImpact.High,
            _ => HumanImpact.VeryHigh,
        };
        var mission = criticality switch
        {
            Criticality.Low => MissionImpact.Low,
            Criticality.Medium => MissionImpact.Medium,
            _ => MissionImpact.High,
        };
        var decision = SsvcTrees.Deploy(exploitation, systemExposure, automatable, human);
        var coordinator = SsvcTrees.Coordinator(exploitation, automatable, impact, mission);
        var deadline = now + (policy ?? DeadlinePolicy.Default).For(decision);
        // Outcome dominates (×1000), KEV next (×100), then EPSS (0–10) and CVSS (0–10) as tie-breakers.
        var rank = ((int)decision * 1000) + (facts.Kev ? 100 : 0) + ((int)coordinator * 20) + ((facts.Epss ?? 0) * 10) + (facts.CvssBase ?? 0);
        var why = string.Create(CultureInfo.InvariantCulture,
            $"exploitation {Word(exploitation)}{(facts.Kev ? " (KEV)" : facts.Epss is { } e ? $" (EPSS {e:0.###})" : "")}, exposure {Word(systemExposure)}, automatable {(automatable ? "yes" : "no")}, human impact {Word(human)}");
        return new Priority(exploitation, systemExposure, automatable, human, impact, decision, coordinator, deadline, rank, why);
    }

    private static string Word<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static bool High(Dictionary<string, string> vector, string v3, string v4) =>
        vector.GetValueOrDefault(v3) == "H" || vector.GetValueOrDefault(v4) == "H" || vector.GetValueOrDefault(v3) == "C";

    /// <summary>"CVSS:3.1/AV:N/AC:L/…" (or a v2 "AV:N/AC:L/Au:N/C:C/…") as metric → value.</summary>
    private static Dictionary<string, string> Vector(string? vector)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (vector ?? "").Split('/'))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !part.StartsWith("CVSS", StringComparison.Ordinal))
            {
                result[part[..colon]] = part[(colon + 1)..];
            }
        }
        // CVSS v2 says authentication, not privileges, and N/P/C impacts (C = complete = high).
        if (result.TryGetValue("Au", out var au))
        {
            result["PR"] = au;
            result.TryAdd("UI", "N");
        }
        return result;
    }
}
