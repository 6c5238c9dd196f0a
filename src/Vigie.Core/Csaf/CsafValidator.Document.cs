using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vigie.Core.Csaf;

/// <summary>The mandatory tests on /document: languages, publisher, category, version and revision history.</summary>
public static partial class CsafValidator
{
    // ------------------------------------------------------------------ languages

    /// <summary>
    /// ISO 639-1 (two-letter) language codes, with the deprecated ones the IANA subtag registry still lists (in, iw,
    /// ji, jw, mo): a two-letter primary language subtag must be one of them. Three-letter (ISO 639-2/3) subtags are
    /// only checked for form, the full IANA registry not being embedded.
    /// </summary>
    private static readonly HashSet<string> Iso639_1 = new(
        ("aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu "
        + "fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk "
        + "kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny oc "
        + "oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn "
        + "to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu").Split(' '), StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<CsafFinding> Language(JsonNode doc)
    {
        foreach (var field in new[] { "lang", "source_lang" })
        {
            if (Str(doc["document"]?[field]) is not { } tag)
            {
                continue;
            }
            var primary = tag.Split('-')[0];
            // Private use (x-…) and grandfathered (i-…) tags have no primary language to look up.
            var known = primary.Length != 2 || Iso639_1.Contains(primary) || primary.Equals("x", StringComparison.OrdinalIgnoreCase)
                || primary.Equals("i", StringComparison.OrdinalIgnoreCase);
            if (!known || !Bcp47().IsMatch(tag))
            {
                yield return new CsafFinding("6.1.12", $"/document/{field}", $"{tag} is not a valid language tag");
            }
        }
    }

    /// <summary>BCP 47 (RFC 5646) langtag / private use / grandfathered "i-" forms, case-insensitive.</summary>
    [GeneratedRegex(@"^(([a-z]{2,3}(-[a-z]{3}){0,3}|[a-z]{4,8})(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(-[0-9a-wy-z](-[a-z0-9]{2,8})+)*(-x(-[a-z0-9]{1,8})+)?|x(-[a-z0-9]{1,8})+|i(-[a-z0-9]{2,8})+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Bcp47();

    private static IEnumerable<CsafFinding> Translator(JsonNode doc)
    {
        if (Str(doc["document"]?["publisher"]?["category"]) == "translator" && doc["document"]?["source_lang"] is null)
        {
            yield return new CsafFinding("6.1.15", "/document/source_lang", "a translator's document must give its source language");
        }
    }

    private static IEnumerable<CsafFinding> Translation(JsonNode doc)
    {
        if (Str(doc["document"]?["lang"]) is { } lang && Str(doc["document"]?["source_lang"]) is { } source
            && lang.Equals(source, StringComparison.OrdinalIgnoreCase))
        {
            yield return new CsafFinding("6.1.28", "/document/lang", $"the document language {lang} is also its source language");
        }
    }

    // ------------------------------------------------------------------ category

    private static readonly string[] ProfileCategories =
        ["csaf_base", "csaf_security_incident_response", "csaf_informational_advisory", "csaf_security_advisory", "csaf_vex"];

    /// <summary>Names and values of the profiles other than CSAF Base, without dashes, underscores and white space, in lower case.</summary>
    private static readonly string[] ProhibitedCategories =
        ["securityincidentresponse", "informationaladvisory", "securityadvisory", "vex",
         "csafsecurityincidentresponse", "csafinformationaladvisory", "csafsecurityadvisory", "csafvex"];

    private static IEnumerable<CsafFinding> ProhibitedCategoryName(JsonNode doc)
    {
        if (Str(doc["document"]?["category"]) is not { } category || ProfileCategories.Contains(category, StringComparer.Ordinal))
        {
            yield break;
        }
        var squashed = new string([.. category.Where(c => c is not ('-' or '_') && !char.IsWhiteSpace(c))]).ToLowerInvariant();
        if (category.StartsWith("csaf_", StringComparison.OrdinalIgnoreCase) || ProhibitedCategories.Contains(squashed, StringComparer.Ordinal))
        {
            yield return new CsafFinding("6.1.26", "/document/category", $"the category {category} is reserved for a profile");
        }
    }

    // ------------------------------------------------------------------ version and revision history

    private static string? Status(JsonNode doc) => Str(doc["document"]?["tracking"]?["status"]);

    private static string? DocumentVersion(JsonNode doc) => Str(doc["document"]?["tracking"]?["version"]);

    private static bool IsInteger(string v) => v.Length > 0 && v.All(char.IsAsciiDigit);

    private static string WithoutBuild(string v) => v.Split('+')[0];

    /// <summary>The pre-release part of a semantic version ("rc.1" of "1.0.0-rc.1+b5"), or null.</summary>
    private static string? PreRelease(string v)
    {
        var dash = WithoutBuild(v).IndexOf('-', StringComparison.Ordinal);
        return IsInteger(v) || dash < 0 ? null : WithoutBuild(v)[(dash + 1)..];
    }

    /// <summary>The integer version, or the major part of a semantic version.</summary>
    private static long? Major(string v) => long.TryParse(IsInteger(v) ? v : v.Split('.')[0], out var n) ? n : null;

    private static IEnumerable<CsafFinding> LatestDocumentVersion(JsonNode doc)
    {
        var revisions = Revisions(doc).Select(r => (Number: Str(r.Item?["number"]), Date: Date(Str(r.Item?["date"])))).ToList();
        if (DocumentVersion(doc) is not { } version || revisions.Count == 0 || revisions.Any(r => r.Number is null || r.Date is null))
        {
            yield break;
        }
        // The last item sorted by date, revisions of the same instant by number.
        var latest = revisions.OrderBy(r => r.Date).ThenBy(r => r.Number!, VersionOrder).Last().Number!;
        string Comparable(string v) => Status(doc) == "draft" && PreRelease(v) is { } pre ? WithoutBuild(v)[..^(pre.Length + 1)] : WithoutBuild(v);
        if (Comparable(version) != Comparable(latest))
        {
            yield return new CsafFinding("6.1.16", "/document/tracking/version", $"the version {version} is not the latest revision {latest}");
        }
    }

    private static IEnumerable<CsafFinding> DocumentStatusDraft(JsonNode doc)
    {
        if (DocumentVersion(doc) is { } version && Status(doc) is { } status and not "draft" && (Major(version) == 0 || PreRelease(version) is not null))
        {
            yield return new CsafFinding("6.1.17", "/document/tracking/status", $"version {version} is a draft version but the status is {status}");
        }
    }

    private static IEnumerable<CsafFinding> ReleasedRevisionHistory(JsonNode doc)
    {
        if (Status(doc) is not ("final" or "interim"))
        {
            yield break;
        }
        foreach (var (r, i) in Revisions(doc))
        {
            if (Str(r?["number"]) is { } number && Major(number) == 0)
            {
                yield return new CsafFinding("6.1.18", $"/document/tracking/revision_history/{i}/number", $"a {Status(doc)} document has the draft revision {number}");
            }
        }
    }

    private static IEnumerable<CsafFinding> PreReleaseRevisions(JsonNode doc)
    {
        foreach (var (r, i) in Revisions(doc))
        {
            if (Str(r?["number"]) is { } number && PreRelease(number) is not null)
            {
                yield return new CsafFinding("6.1.19", $"/document/tracking/revision_history/{i}/number", $"the revision {number} is a pre-release");
            }
        }
    }

    private static IEnumerable<CsafFinding> NonDraftDocumentVersion(JsonNode doc)
    {
        if (Status(doc) is "final" or "interim" && DocumentVersion(doc) is { } version && PreRelease(version) is not null)
        {
            yield return new CsafFinding("6.1.20", "/document/tracking/version", $"a {Status(doc)} document has the pre-release version {version}");
        }
    }

    private static IEnumerable<CsafFinding> MissingRevision(JsonNode doc)
    {
        var numbers = Revisions(doc).Select(r => Str(r.Item?["number"])).ToList();
        if (numbers.Count == 0 || numbers.Any(n => n is null) || numbers.Any(n => IsInteger(n!)) != numbers.All(n => IsInteger(n!)))
        {
            yield break; // mixed versioning is 6.1.30's
        }
        // Integer versions, or the major parts of semantic versions, from 0 or 1 without a gap.
        var majors = numbers.Select(n => Major(n!)).OfType<long>().Distinct().Order().ToList();
        if (majors.Count == 0)
        {
            yield break;
        }
        if (majors[0] > 1)
        {
            yield return new CsafFinding("6.1.21", "/document/tracking/revision_history", $"the revision history starts at {majors[0]}, not at 0 or 1");
        }
        foreach (var (a, b) in majors.Zip(majors.Skip(1)).Where(p => p.Second != p.First + 1))
        {
            yield return new CsafFinding("6.1.21", "/document/tracking/revision_history", $"the revision history goes from {a} to {b}");
        }
    }

    private static IEnumerable<CsafFinding> MixedVersioning(JsonNode doc)
    {
        var numbers = Revisions(doc).Select(r => (Number: Str(r.Item?["number"]), Path: $"/document/tracking/revision_history/{r.Index}/number"))
            .Prepend((Number: DocumentVersion(doc), Path: "/document/tracking/version")).Where(n => n.Number is not null).ToList();
        var integers = numbers.Count(n => IsInteger(n.Number!));
        if (integers > 0 && integers < numbers.Count)
        {
            var minority = integers * 2 <= numbers.Count;
            foreach (var n in numbers.Where(n => IsInteger(n.Number!) == minority))
            {
                yield return new CsafFinding("6.1.30", n.Path, $"{n.Number} mixes integer and semantic versioning");
            }
        }
    }
}
