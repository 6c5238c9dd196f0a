using System.Globalization;

namespace Vigie.Core.Vulnerabilities.Feeds;

/// <summary>One FIRST EPSS score: probability of exploitation in the next 30 days, and its percentile.</summary>
public sealed record EpssScore(string CveId, double Score, double Percentile);

/// <summary>
/// Reads FIRST's daily EPSS CSV: a comment line <c>#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z</c>,
/// a header <c>cve,epss,percentile</c>, then one line per CVE. Bad lines are reported, not fatal.
/// </summary>
public static class EpssCsv
{
    public sealed record Header(string? ModelVersion, DateTimeOffset? ScoreDate);

    public static Header ReadHeader(string firstLine)
    {
        string? model = null;
        DateTimeOffset? date = null;
        foreach (var part in firstLine.TrimStart('#').Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }
            var key = part[..colon].Trim();
            var value = part[(colon + 1)..].Trim();
            if (key == "model_version")
            {
                model = FeedJson.Cut(value, 64);
            }
            else if (key == "score_date" && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
            {
                date = d;
            }
        }
        return new Header(model, date);
    }

    /// <summary>Parses the data lines (after the comment and header lines).</summary>
    public static IEnumerable<(EpssScore? Score, string Where, string? Error)> Parse(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("cve,", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var where = $"line {number}";
            if (line.Length > 200)
            {
                yield return (null, where, "line too long");
                continue;
            }
            var f = line.Split(',');
            if (f.Length != 3)
            {
                yield return (null, where, "expected cve,epss,percentile");
                continue;
            }
            var id = FeedJson.CveId(f[0]);
            if (id is null || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var percentile)
                || score is < 0 or > 1 || percentile is < 0 or > 1)
            {
                yield return (null, where, "not a CVE id with two probabilities between 0 and 1");
                continue;
            }
            yield return (new EpssScore(id, score, percentile), id, null);
        }
    }
}
