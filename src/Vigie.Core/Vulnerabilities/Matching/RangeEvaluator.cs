namespace Vigie.Core.Vulnerabilities.Matching;

/// <summary>How a version's status was decided.</summary>
public enum Decision
{
    /// <summary>The version is listed as such.</summary>
    Listed,

    /// <summary>The version falls in a range.</summary>
    InRange,

    /// <summary>No entry covers it (each was compared): the rule's default status applies.</summary>
    Default,

    /// <summary>The rule lists no versions: its default status covers all of them.</summary>
    AllVersions,

    /// <summary>Entries exist but could not be compared (git hashes, sentinels, no version known).</summary>
    Undecidable,
}

/// <summary>The status of one version under one rule and why.</summary>
public sealed record VersionVerdict(AffectedStatus Status, Decision Decision, string Why);

/// <summary>
/// Evaluates one version against a rule's versions, following the CVE JSON 5 schema's description of
/// <c>versions[]</c>: an entry without <c>lessThan</c>/<c>lessThanOrEqual</c> names one version; with one, a range
/// from <c>version</c> (inclusive) to the end ("*" = unbounded) whose status may switch at each <c>changes[].at</c>;
/// a version no entry covers has the <c>defaultStatus</c>. NVD ranges use the same shape (start exclusive when
/// <see cref="VersionRange.StartExcluding"/>). An explicit "unaffected" beats "affected" when entries overlap,
/// because CNAs list fixed builds inside broad affected ranges.
/// </summary>
public static class RangeEvaluator
{
    public static VersionVerdict Evaluate(AffectedRule rule, string? version)
    {
        if (rule.Versions.Count == 0)
        {
            return new VersionVerdict(rule.DefaultStatus, Decision.AllVersions, "no versions listed");
        }
        if (string.IsNullOrWhiteSpace(version))
        {
            var anyAffected = rule.DefaultStatus == AffectedStatus.Affected || rule.Versions.Any(v => v.Status == AffectedStatus.Affected);
            return new VersionVerdict(anyAffected ? AffectedStatus.Affected : AffectedStatus.Unknown, Decision.Undecidable, "version not known");
        }
        VersionVerdict? affected = null;
        var undecidable = false;
        foreach (var entry in rule.Versions)
        {
            var verdict = EvaluateEntry(entry, version);
            if (verdict is null)
            {
                undecidable = true;
                continue;
            }
            if (verdict.Status == AffectedStatus.Unaffected)
            {
                return verdict;
            }
            if (verdict.Status == AffectedStatus.Affected)
            {
                affected ??= verdict;
            }
        }
        if (affected is not null)
        {
            return affected;
        }
        if (undecidable)
        {
            return new VersionVerdict(rule.DefaultStatus == AffectedStatus.Affected ? AffectedStatus.Affected : AffectedStatus.Unknown,
                Decision.Undecidable, $"{version} cannot be compared with the listed versions");
        }
        return new VersionVerdict(rule.DefaultStatus, Decision.Default, $"{version} is in no listed range (default {rule.DefaultStatus.ToString().ToLowerInvariant()})");
    }

    /// <summary>The entry's verdict when it covers the version; status Unknown when it does not cover it; null when it cannot be compared.</summary>
    private static VersionVerdict? EvaluateEntry(VersionRange entry, string version)
    {
        var type = entry.VersionType;
        var end = entry.LessThan ?? entry.LessThanOrEqual;
        if (end is null)
        {
            if (entry.Version is "*")
            {
                return new VersionVerdict(entry.Status, Decision.InRange, "all versions");
            }
            var c = VersionComparer.Compare(version, entry.Version, type);
            return c switch
            {
                null => null,
                0 => new VersionVerdict(entry.Status, Decision.Listed, $"{version} is listed ({Describe(entry.Status)})"),
                _ => NotCovered,
            };
        }
        // Start: "0" and "*" (and an empty string) mean "from the first version".
        if (entry.Version is not ("0" or "*" or ""))
        {
            var start = VersionComparer.Compare(version, entry.Version, type);
            if (start is null)
            {
                return null;
            }
            if (start < 0 || (start == 0 && entry.StartExcluding))
            {
                return NotCovered;
            }
        }
        // A few CNAs write a word where the end belongs ("publication", "log4j-core*"): the range then has no
        // usable end. Its changes[] may still decide (Log4j); otherwise the verdict is only a presumption.
        var endUnknown = end != "*" && !VersionComparer.IsVersionLike(end) && !(end.EndsWith(".*", StringComparison.Ordinal) && VersionComparer.IsVersionLike(end[..^2]));
        // The Linux kernel CNA ends a branch with "6.6.*": up to and including every 6.6.x.
        if (entry.LessThanOrEqual is { } last && last.EndsWith(".*", StringComparison.Ordinal) && VersionComparer.IsVersionLike(last[..^2]))
        {
            var branch = last[..^2];
            var c = VersionComparer.Compare(version, branch, type);
            if (c is null)
            {
                return null;
            }
            if (c > 0 && !version.StartsWith(branch + ".", StringComparison.Ordinal))
            {
                return NotCovered;
            }
        }
        else if (end != "*" && !endUnknown)
        {
            var c = VersionComparer.Compare(version, end, type);
            if (c is null)
            {
                return null;
            }
            if (entry.LessThan is not null ? c >= 0 : c > 0)
            {
                return NotCovered;
            }
        }
        var status = entry.Status;
        var why = $"{version} in [{entry.Version}, {end}{(entry.LessThan is not null ? ")" : "]")}";
        foreach (var change in entry.Changes ?? [])
        {
            var c = VersionComparer.Compare(version, change.At, type);
            if (c is null)
            {
                return null;
            }
            if (c >= 0)
            {
                status = change.Status;
                why = $"{version} in [{entry.Version}, {end}{(entry.LessThan is not null ? ")" : "]")}, {Describe(change.Status)} from {change.At}";
            }
        }
        var decision = endUnknown && (entry.Changes ?? []).Count == 0 ? Decision.Undecidable : Decision.InRange;
        return new VersionVerdict(status, decision, $"{why} ({Describe(status)})");
    }

    private static readonly VersionVerdict NotCovered = new(AffectedStatus.Unknown, Decision.Default, "");

    private static string Describe(AffectedStatus s) => s.ToString().ToLowerInvariant();
}
