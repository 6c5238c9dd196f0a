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

    /// <summary>v3.1 Appendix A Roundup (exact with floating point); v3.0 rounds up to one decimal.</summary>
    private static double Roundup(double value, string version)
    {
        if (version == "3.0")
        {
            return Math.Ceiling(value * 10) / 10;
        }
        var integer = (long)Math.Round(value * 100000);
        return integer % 10000 == 0 ? integer / 100000.0 : (Math.Floor(integer / 10000.0) + 1) / 10.0;
    }
}
