namespace Vigie.Core.Vulnerabilities.Ssvc;

/// <summary>CISA's coordinator outcomes (SSVC "CISA Levels").</summary>
public enum CisaDecision
{
    Track,
    TrackStar,
    Attend,
    Act,
}

/// <summary>CERT/CC's deployer outcomes (patch application priority).</summary>
public enum DeployerDecision
{
    Defer,
    Scheduled,
    OutOfCycle,
    Immediate,
}

/// <summary>SSVC "System Exposure" (deployer tree).</summary>
public enum SystemExposure
{
    Small,
    Controlled,
    Open,
}

/// <summary>SSVC "Mission and Well-Being Impact" (CISA tree).</summary>
public enum MissionImpact
{
    Low,
    Medium,
    High,
}

/// <summary>SSVC "Human Impact" (deployer tree).</summary>
public enum HumanImpact
{
    Low,
    Medium,
    High,
    VeryHigh,
}

/// <summary>
/// The two SSVC decision tables Vigie uses, exactly as CERT/CC publishes them (github.com/CERTCC/SSVC,
/// data/csv/cisa/cisa_coordinator_2_0_3.csv and data/csv/ssvc/deployer_patch_application_priority_1_0_0.csv):
/// CISA's coordinator tree tells the team how much attention a vulnerability deserves; the deployer tree tells a
/// constituent how soon to patch one exposed system. Tables, not nested ifs, so they can be compared line by line.
/// </summary>
public static class SsvcTrees
{
    // Rows in the CSV's order: exploitation (none, public poc, active) × automatable (no, yes) × technical impact
    // (partial, total) × mission and well-being (low, medium, high). T = track, * = track*, A = attend, X = act.
    private const string Cisa = "TTTTT*TTATTA" + "TT*T*ATTAT*A" + "TTATAXAAXAXX";

    // Rows: exploitation (none, public poc, active) × exposure (small, controlled, open) × automatable (no, yes) ×
    // human impact (low, medium, high, very high). D = defer, S = scheduled, O = out-of-cycle, I = immediate.
    private const string Deployer =
        "DDSS" + "DSSS" + "DSSS" + "SSSS" + "DSSS" + "SSSO" +
        "DSSS" + "SSSS" + "DSSS" + "SSSO" + "SSSO" + "SSOO" +
        "SSOO" + "SOOO" + "SSOO" + "OOOO" + "SOOI" + "OOII";

    public static CisaDecision Coordinator(SsvcExploitation exploitation, bool automatable, SsvcTechnicalImpact impact, MissionImpact mission) =>
        Cisa[((int)exploitation * 12) + ((automatable ? 1 : 0) * 6) + ((int)impact * 3) + (int)mission] switch
        {
            'T' => CisaDecision.Track,
            '*' => CisaDecision.TrackStar,
            'A' => CisaDecision.Attend,
            _ => CisaDecision.Act,
        };

    public static DeployerDecision Deploy(SsvcExploitation exploitation, SystemExposure exposure, bool automatable, HumanImpact human) =>
        Deployer[((int)exploitation * 24) + ((int)exposure * 8) + ((automatable ? 1 : 0) * 4) + (int)human] switch
        {
            'D' => DeployerDecision.Defer,
            'S' => DeployerDecision.Scheduled,
            'O' => DeployerDecision.OutOfCycle,
            _ => DeployerDecision.Immediate,
        };
}
