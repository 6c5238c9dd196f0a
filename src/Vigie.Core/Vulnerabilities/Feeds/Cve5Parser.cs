using System.Text.Json;

namespace Vigie.Core.Vulnerabilities.Feeds;

/// <summary>
/// Reads a CVE JSON 5.0–5.2 record (cvelistV5) into one <see cref="VulnerabilityRecord"/> per container: the CNA's,
/// and each ADP's that states something (CISA's "vulnrichment" ADP adds SSVC, KEV, CWE, CVSS and its own
/// <c>affected</c> list with CPEs — since 2024 NVD no longer enriches most CVEs with CPEs, this is often the only
/// machine-readable product data). A rejected record gives one record in state Rejected.
/// </summary>
public static class Cve5Parser
{
    /// <summary>Parses one record; throws <see cref="FeedFormatException"/> with the reason when it is not a CVE 5 record.</summary>
    public static IReadOnlyList<VulnerabilityRecord> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FeedFormatException("not a JSON object");
        }
        if (root.Str("dataType") is { } type && type != "CVE_RECORD")
        {
            throw new FeedFormatException($"dataType is \"{FeedJson.Cut(type, 40)}\", not CVE_RECORD");
        }
        var meta = root.Obj("cveMetadata") ?? throw new FeedFormatException("no cveMetadata");
        var id = FeedJson.CveId(meta.Str("cveId")) ?? throw new FeedFormatException("cveMetadata.cveId is missing or not a CVE id");
        var updated = meta.Str("dateUpdated", 64) ?? meta.Str("datePublished", 64) ?? meta.Str("dateReserved", 64) ?? "";
        var published = meta.Date("datePublished");
        var modified = meta.Date("dateUpdated");
        var containers = root.Obj("containers") ?? throw new FeedFormatException("no containers");
        var cna = containers.Obj("cna") ?? throw new FeedFormatException("no containers.cna");
        var cnaName = cna.Obj("providerMetadata")?.Str("shortName", 64) ?? meta.Str("assignerShortName", 64) ?? "unknown";

        if (string.Equals(meta.Str("state"), "REJECTED", StringComparison.OrdinalIgnoreCase))
        {
            var reasons = cna.Arr("rejectedReasons").Select(r => new LocalizedText(r.Str("lang", 16) ?? "en", r.Str("value") ?? "")).ToList();
            return [new VulnerabilityRecord(id, $"cve5:cna/{cnaName}", updated, VulnerabilityState.Rejected, null, reasons,
                published, modified, [], [], [], [], null)];
        }

        var records = new List<VulnerabilityRecord> { Container(id, cna, $"cve5:cna/{cnaName}", updated, published, modified, "cna") };
        var i = 0;
        foreach (var adp in containers.Arr("adp"))
        {
            var name = adp.Obj("providerMetadata")?.Str("shortName", 64) ?? $"adp{i}";
            var source = $"cve5:adp/{name}";
            var record = Container(id, adp, source, adp.Obj("providerMetadata")?.Str("dateUpdated", 64) ?? updated, published, modified, $"adp {name}");
            if (record.Affected.Count > 0 || record.Metrics.Count > 0 || record.Weaknesses.Count > 0 || record.Exploitation is not null
                || record.Descriptions.Count > 0)
            {
                records.Add(record);
            }
            i++;
        }
        return records;
    }

    private static VulnerabilityRecord Container(string id, JsonElement c, string source, string version, DateTimeOffset? published,
        DateTimeOffset? modified, string where)
    {
        var descriptions = c.Arr("descriptions")
            .Select(d => new LocalizedText(d.Str("lang", 16) ?? "en", d.Str("value") ?? ""))
            .Where(d => d.Text.Length > 0).ToList();
        var cwes = c.Arr("problemTypes").SelectMany(p => p.Arr("descriptions"))
            .Select(d => d.Str("cweId", 16)).OfType<string>()
            .Where(w => w.StartsWith("CWE-", StringComparison.Ordinal)).Distinct().ToList();
        var references = c.Arr("references").Select(r => r.Str("url", 2048)).OfType<string>().Distinct().ToList();
        var (metrics, exploitation) = Metrics(c, source);
        var affected = new List<AffectedRule>();
        var n = 0;
        foreach (var a in c.Arr("affected"))
        {
            affected.Add(Affected(a, $"{where} affected[{n++}]"));
        }
        n = 0;
        foreach (var applicability in c.Arr("cpeApplicability"))
        {
            foreach (var node in applicability.Arr("nodes"))
            {
                affected.AddRange(NvdParser.CpeMatches(node, $"{where} cpeApplicability[{n}]"));
            }
            n++;
        }
        return new VulnerabilityRecord(id, source, version, VulnerabilityState.Published, c.Str("title", 512), descriptions,
            c.Date("datePublic") ?? published, modified, metrics, cwes, references, affected, exploitation);
    }

    private static AffectedRule Affected(JsonElement a, string evidence)
    {
        var cpes = a.Arr("cpes").Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)
            .Where(x => x.Length <= 1024).ToList();
        var versions = a.Arr("versions").Select(v => new VersionRange(
            FeedJson.Status(v.Str("status", 16)),
            v.Str("version", 256) ?? "",
            v.Str("lessThan", 256),
            v.Str("lessThanOrEqual", 256),
            v.Str("versionType", 32),
            v.Arr("changes").Select(ch => new VersionChange(ch.Str("at", 256) ?? "", FeedJson.Status(ch.Str("status", 16))))
                .Where(ch => ch.At.Length > 0).ToList()))
            .Where(v => v.Version.Length > 0).ToList();
        var product = new ProductSelector(
            a.Str("vendor", 256), a.Str("product", 256), cpes, a.Str("packageURL", 1024), a.Str("packageName", 256),
            a.Str("collectionURL", 1024),
            [.. a.Arr("platforms").Where(x => x.ValueKind == JsonValueKind.String).Select(x => FeedJson.Cut(x.GetString(), 128)!)]);
        return new AffectedRule(product, versions, FeedJson.Status(a.Str("defaultStatus", 16)), evidence);
    }

    private static (List<CvssScore> Metrics, ExploitationFacts? Exploitation) Metrics(JsonElement c, string source)
    {
        var scores = new List<CvssScore>();
        SsvcExploitation? exploitation = null;
        bool? automatable = null;
        SsvcTechnicalImpact? impact = null;
        DateOnly? kev = null;
        foreach (var m in c.Arr("metrics"))
        {
            foreach (var (key, version) in new[] { ("cvssV4_0", "4.0"), ("cvssV3_1", "3.1"), ("cvssV3_0", "3.0"), ("cvssV2_0", "2.0") })
            {
                if (m.Obj(key) is { } cvss && cvss.Num("baseScore") is { } score and >= 0 and <= 10 && cvss.Str("vectorString", 256) is { } vector)
                {
                    var severity = cvss.Str("baseSeverity", 16)?.ToUpperInvariant() ?? FeedJson.V2Severity(score);
                    scores.Add(new CvssScore(version, score, vector, severity, source));
                }
            }
            if (m.Obj("other") is { } other)
            {
                var type = other.Str("type", 32);
                var content = other.Obj("content");
                if (type == "ssvc" && content is { } ssvc)
                {
                    foreach (var option in ssvc.Arr("options"))
                    {
                        switch (option.Str("Exploitation", 16)?.ToLowerInvariant())
                        {
                            case "none": exploitation = SsvcExploitation.None; break;
                            case "poc": exploitation = SsvcExploitation.Poc; break;
                            case "active": exploitation = SsvcExploitation.Active; break;
                        }
                        if (option.Str("Automatable", 8) is { } auto)
                        {
                            automatable = auto.Equals("yes", StringComparison.OrdinalIgnoreCase);
                        }
                        switch (option.Str("Technical Impact", 16)?.ToLowerInvariant())
                        {
                            case "partial": impact = SsvcTechnicalImpact.Partial; break;
                            case "total": impact = SsvcTechnicalImpact.Total; break;
                        }
                    }
                }
                else if (type == "kev" && content is { } k)
                {
                    kev = FeedJson.Day(k.Str("dateAdded", 32));
                }
            }
        }
        var facts = exploitation is null && automatable is null && impact is null && kev is null
            ? null : new ExploitationFacts(exploitation, automatable, impact, kev);
        return (scores, facts);
    }
}
