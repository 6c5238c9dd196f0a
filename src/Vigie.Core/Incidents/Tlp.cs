namespace Vigie.Core.Incidents;

/// <summary>
/// Traffic Light Protocol 2.0 (FIRST, https://www.first.org/tlp/), ordered from least to most restrictive.
/// TLP 1.0 WHITE is read as CLEAR, as FIRST's transition guidance says.
/// </summary>
public enum Tlp
{
    Clear = 0,
    Green = 1,
    Amber = 2,
    AmberStrict = 3,
    Red = 4,
}

/// <summary>Permissible Actions Protocol (FIRST PAP): what a recipient may do with the information.</summary>
public enum Pap
{
    Clear = 0,
    Green = 1,
    Amber = 2,
    Red = 3,
}

/// <summary>Parses and prints TLP and PAP labels in their canonical form ("TLP:AMBER+STRICT").</summary>
public static class TrafficLabels
{
    public static string ToLabel(this Tlp tlp) => tlp switch
    {
        Tlp.Clear => "TLP:CLEAR",
        Tlp.Green => "TLP:GREEN",
        Tlp.Amber => "TLP:AMBER",
        Tlp.AmberStrict => "TLP:AMBER+STRICT",
        Tlp.Red => "TLP:RED",
        _ => throw new ArgumentOutOfRangeException(nameof(tlp)),
    };

    public static string ToLabel(this Pap pap) => "PAP:" + pap.ToString().ToUpperInvariant();

    /// <summary>Accepts "TLP:AMBER+STRICT", "amber+strict", "AMBER_STRICT", "white" (→ CLEAR)…</summary>
    public static bool TryParseTlp(string? text, out Tlp tlp)
    {
        tlp = default;
        var v = Strip(text, "TLP:");
        switch (v)
        {
            case "CLEAR" or "WHITE": tlp = Tlp.Clear; return true;
            case "GREEN": tlp = Tlp.Green; return true;
            case "AMBER": tlp = Tlp.Amber; return true;
            case "AMBER+STRICT" or "AMBER_STRICT" or "AMBERSTRICT" or "AMBER-STRICT": tlp = Tlp.AmberStrict; return true;
            case "RED": tlp = Tlp.Red; return true;
            default: return false;
        }
    }

    public static bool TryParsePap(string? text, out Pap pap)
    {
        pap = default;
        var v = Strip(text, "PAP:");
        switch (v)
        {
            case "CLEAR" or "WHITE": pap = Pap.Clear; return true;
            case "GREEN": pap = Pap.Green; return true;
            case "AMBER": pap = Pap.Amber; return true;
            case "RED": pap = Pap.Red; return true;
            default: return false;
        }
    }

    public const string AllowedTlp = "TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED";
    public const string AllowedPap = "PAP:CLEAR, PAP:GREEN, PAP:AMBER, PAP:RED";

    private static string Strip(string? text, string prefix)
    {
        var v = (text ?? "").Trim().ToUpperInvariant();
        return v.StartsWith(prefix, StringComparison.Ordinal) ? v[prefix.Length..] : v;
    }
}
