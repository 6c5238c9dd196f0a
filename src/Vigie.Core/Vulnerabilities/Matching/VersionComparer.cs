using System.Globalization;

namespace Vigie.Core.Vulnerabilities.Matching;

/// <summary>
/// Compares two versions under a CVE 5 <c>versionType</c>. Returns null when the comparison cannot be
/// decided (git commit ids, sentinels such as "publication", empty strings): a caller then says "unknown",
/// never a guessed "affected" or "unaffected".
/// </summary>
public static class VersionComparer
{
    /// <summary>Labels that make a version a pre-release of the version before it ("2.0-beta9" &lt; "2.0").</summary>
    private static readonly HashSet<string> PreRelease = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "alpha", "b", "beta", "c", "rc", "cr", "pre", "preview", "dev", "snapshot", "m", "milestone", "ea",
    };

    public static int? Compare(string? left, string? right, string? versionType)
    {
        if (!IsVersionLike(left) || !IsVersionLike(right))
        {
            return null;
        }
        var a = left!.Trim();
        var b = right!.Trim();
        return (versionType ?? "").ToLowerInvariant() switch
        {
            "git" => string.Equals(a, b, StringComparison.OrdinalIgnoreCase) ? 0 : null,
            "rpm" => Rpm(a, b),
            "semver" => Semver(a, b) ?? Generic(a, b),
            _ => Generic(a, b),
        };
    }

    /// <summary>
    /// A version has a digit and no spaces; anything else ("publication", "log4j-core*", "All versions") is
    /// a placeholder some CNAs write where a version belongs.
    /// </summary>
    public static bool IsVersionLike(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 128 && value.Any(char.IsAsciiDigit)
        && !value.Any(c => char.IsWhiteSpace(c) || c is '*' or '<' or '>' or '=' or ',');

    // ------------------------------------------------------------------ generic ("custom", NVD, maven-like)

    /// <summary>
    /// Segments of digits or letters, separators ignored. Numbers compare as numbers, words case-insensitively;
    /// a word segment that is a pre-release label sorts before the end of the other version ("2.0-rc1" &lt; "2.0"),
    /// any other word sorts after it ("8.5p1" &gt; "8.5", "1.0-sp2" &gt; "1.0").
    /// </summary>
    private static int Generic(string a, string b)
    {
        var x = Segments(a);
        var y = Segments(b);
        for (var i = 0; ; i++)
        {
            if (i >= x.Count && i >= y.Count)
            {
                return 0;
            }
            if (i >= x.Count)
            {
                return IsPreRelease(y[i]) ? 1 : -1;
            }
            if (i >= y.Count)
            {
                return IsPreRelease(x[i]) ? -1 : 1;
            }
            var c = CompareSegment(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }
    }

    private static bool IsPreRelease(string segment) => !char.IsAsciiDigit(segment[0]) && PreRelease.Contains(segment);

    private static int CompareSegment(string x, string y)
    {
        var xNum = char.IsAsciiDigit(x[0]);
        var yNum = char.IsAsciiDigit(y[0]);
        if (xNum && yNum)
        {
            return CompareNumbers(x, y);
        }
        if (xNum != yNum)
        {
            // "1.0.1" vs "1.0.beta": a pre-release word sorts below a number, any other word above it.
            var word = xNum ? y : x;
            var wordFirst = PreRelease.Contains(word) ? -1 : 1;
            return xNum ? -wordFirst : wordFirst;
        }
        var xPre = PreRelease.Contains(x);
        var yPre = PreRelease.Contains(y);
        if (xPre != yPre)
        {
            return xPre ? -1 : 1;
        }
        return string.Compare(x, y, StringComparison.OrdinalIgnoreCase);
    }

    private static int CompareNumbers(string x, string y)
    {
        x = x.TrimStart('0');
        y = y.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }

    private static List<string> Segments(string version)
    {
        var v = version.StartsWith('v') || version.StartsWith('V') ? version[1..] : version;
        var result = new List<string>();
        var i = 0;
        while (i < v.Length)
        {
            if (!char.IsAsciiLetterOrDigit(v[i]))
            {
                i++;
                continue;
            }
            var digit = char.IsAsciiDigit(v[i]);
            var start = i;
            while (i < v.Length && char.IsAsciiLetterOrDigit(v[i]) && char.IsAsciiDigit(v[i]) == digit)
            {
                i++;
            }
            result.Add(v[start..i]);
        }
        return result;
    }

    // ------------------------------------------------------------------ semver 2.0.0 §11

    private static int? Semver(string a, string b)
    {
        if (!TryParseSemver(a, out var x) || !TryParseSemver(b, out var y))
        {
            return null;
        }
        for (var i = 0; i < 3; i++)
        {
            var c = x.Core[i].CompareTo(y.Core[i]);
            if (c != 0)
            {
                return c;
            }
        }
        if (x.Pre.Length == 0 || y.Pre.Length == 0)
        {
            return y.Pre.Length.CompareTo(x.Pre.Length) switch { 0 => 0, var s => s };
        }
        for (var i = 0; i < Math.Min(x.Pre.Length, y.Pre.Length); i++)
        {
            var xn = long.TryParse(x.Pre[i], NumberStyles.None, CultureInfo.InvariantCulture, out var xi);
            var yn = long.TryParse(y.Pre[i], NumberStyles.None, CultureInfo.InvariantCulture, out var yi);
            var c = (xn, yn) switch
            {
                (true, true) => xi.CompareTo(yi),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x.Pre[i], y.Pre[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }
        return x.Pre.Length.CompareTo(y.Pre.Length);
    }

    private readonly record struct SemverParts(long[] Core, string[] Pre);

    private static bool TryParseSemver(string value, out SemverParts parts)
    {
        parts = default;
        var v = value.StartsWith('v') || value.StartsWith('V') ? value[1..] : value;
        var plus = v.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            v = v[..plus]; // build metadata does not take part in precedence
        }
        var dash = v.IndexOf('-', StringComparison.Ordinal);
        var core = dash >= 0 ? v[..dash] : v;
        var pre = dash >= 0 ? v[(dash + 1)..].Split('.') : [];
        var numbers = core.Split('.');
        if (numbers.Length is < 1 or > 3)
        {
            return false;
        }
        var parsed = new long[3];
        for (var i = 0; i < numbers.Length; i++)
        {
            if (!long.TryParse(numbers[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
            {
                return false;
            }
        }
        parts = new SemverParts(parsed, pre);
        return true;
    }

    // ------------------------------------------------------------------ rpm (rpmvercmp, epoch:version-release)

    private static int Rpm(string a, string b)
    {
        var (ea, va, ra) = SplitEvr(a);
        var (eb, vb, rb) = SplitEvr(b);
        var c = CompareNumbers(ea, eb);
        if (c != 0)
        {
            return c;
        }
        c = RpmVerCmp(va, vb);
        if (c != 0 || ra is null || rb is null)
        {
            return c; // a version without a release matches every release of it, as rpm does
        }
        return RpmVerCmp(ra, rb);
    }

    private static (string Epoch, string Version, string? Release) SplitEvr(string evr)
    {
        var colon = evr.IndexOf(':', StringComparison.Ordinal);
        var epoch = colon > 0 && evr[..colon].All(char.IsAsciiDigit) ? evr[..colon] : "0";
        var rest = colon > 0 ? evr[(colon + 1)..] : evr;
        var dash = rest.LastIndexOf('-');
        return dash > 0 ? (epoch, rest[..dash], rest[(dash + 1)..]) : (epoch, rest, null);
    }

    /// <summary>rpm's rpmvercmp: alphanumeric runs, numbers above letters, "~" below everything, "^" below the end only.</summary>
    private static int RpmVerCmp(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !char.IsAsciiLetterOrDigit(a[i]) && a[i] is not '~' and not '^')
            {
                i++;
            }
            while (j < b.Length && !char.IsAsciiLetterOrDigit(b[j]) && b[j] is not '~' and not '^')
            {
                j++;
            }
            if ((i < a.Length && a[i] == '~') || (j < b.Length && b[j] == '~'))
            {
                if (i >= a.Length || a[i] != '~')
                {
                    return 1;
                }
                if (j >= b.Length || b[j] != '~')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if ((i < a.Length && a[i] == '^') || (j < b.Length && b[j] == '^'))
            {
                if (i >= a.Length)
                {
                    return -1;
                }
                if (j >= b.Length)
                {
                    return 1;
                }
                if (a[i] != '^')
                {
                    return 1;
                }
                if (b[j] != '^')
                {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (i >= a.Length || j >= b.Length)
            {
                break;
            }
            var numeric = char.IsAsciiDigit(a[i]);
            int si = i, sj = j;
            while (i < a.Length && (numeric ? char.IsAsciiDigit(a[i]) : char.IsAsciiLetter(a[i])))
            {
                i++;
            }
            while (j < b.Length && (numeric ? char.IsAsciiDigit(b[j]) : char.IsAsciiLetter(b[j])))
            {
                j++;
            }
            if (sj == j)
            {
                return numeric ? 1 : -1; // a number is newer than letters
            }
            var c = numeric ? CompareNumbers(a[si..i], b[sj..j]) : string.CompareOrdinal(a[si..i], b[sj..j]);
            if (c != 0)
            {
                return c;
            }
        }
        var aLeft = i < a.Length;
        var bLeft = j < b.Length;
        return aLeft == bLeft ? 0 : aLeft ? 1 : -1;
    }
}
