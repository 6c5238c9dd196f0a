using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.PublicSite;
using Vigie.Features.TeamProfile;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Advisories;

/// <summary>
/// Bulletins: a draft from a stored CVE, changes (with the checks the API and the page share), publication (a new
/// revision each time), and the CSAF 2.0 document of a bulletin. Every change is recorded in the audit log (object
/// <c>advisory</c>, the tracking id) once it is saved, whichever way it came (<c>via</c>: api, page, cli).
/// </summary>
public sealed partial class AdvisoryService(VigieDb db, VulnerabilityStore store, TimeProvider time, IOptions<TeamProfileOptions> team,
    IOptions<PublicSiteOptions> site, AuditLog audit, ILogger<AdvisoryService> logger)
{
    public const string Prefix = "VIGIE";

    public const string AuditKind = "advisory";

    public const int MaxProducts = 200;
    public const int MaxReferences = 100;
    public const int MaxCves = 50;

    /// <summary>vers schemes a product's affected versions may be written in.</summary>
    public static readonly string[] Schemes = ["generic", "semver", "deb", "rpm", "maven", "npm", "pypi", "nuget", "gem", "golang"];

    /// <summary>Creates a draft from what the store knows about a CVE (see <see cref="AdvisoryDraft"/>), addressed to the constituents exposed to it.</summary>
    public async Task<Result<Advisory>> DraftFromCveAsync(string cveId, AuditActor actor, string via, CancellationToken ct)
    {
        if (await store.GetAsync(cveId, ct) is not { } detail)
        {
            return Error.NotFound($"Vulnerability {cveId.Trim().ToUpperInvariant()}");
        }
        var now = time.GetUtcNow();
        var year = now.Year;
        // The next number of the year; the unique index on TrackingId settles a race between two drafts.
        var prefix = $"{Prefix}-{year}-";
        var last = await db.Set<Advisory>().Where(a => a.TrackingId.StartsWith(prefix)).OrderByDescending(a => a.TrackingId)
            .Select(a => a.TrackingId).FirstOrDefaultAsync(ct);
        var sequence = last is null ? 1 : int.Parse(last[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture) + 1;
        var document = AdvisoryDraft.From(AdvisoryDraft.TrackingId(Prefix, year, sequence), detail.Facts, now);
        // The constituents exposed to it on the watch list (not dismissed) are pre-selected as its recipients.
        var exposed = await db.Set<Watch.VulnerabilityMatch>().AsNoTracking()
            .Where(m => m.CveId == detail.Summary.Id && m.Active && m.Decision != Watch.MatchDecision.Dismissed)
            .Select(m => m.ConstituentId).Distinct().ToListAsync(ct);
        var advisory = new Advisory { Id = Guid.CreateVersion7(now), CreatedAt = now, CreatedBy = actor.Name, Constituents = JsonSerializer.Serialize(exposed) };
        advisory.Set(document, now);
        db.Add(advisory);
        await db.SaveChangesAsync(ct);
        await RecordAsync(actor, AuditActions.Create, advisory, AuditOutcomes.Success, new() { ["via"] = via, ["operation"] = "draft", ["cve"] = detail.Summary.Id });
        return advisory;
    }

    /// <summary>
    /// Changes the fields given (the others stay): TLP, severity, texts, products, references, CVEs, recipients. New products,
    /// references and CVEs are checked (those already in the bulletin are kept as they are); the first problem refuses the
    /// whole change. A change that changes nothing writes nothing.
    /// </summary>
    public async Task<Result<Advisory>> UpdateAsync(Advisory a, AdvisoryUpdate request, AuditActor actor, string via, CancellationToken ct)
    {
        var d = a.Document;
        var tlp = request.Tlp?.Trim().ToUpperInvariant() ?? d.Tlp;
        var severity = request.Severity?.Trim().ToLowerInvariant() ?? d.Severity;
        if (!AdvisoryDocument.TlpLabels.Contains(tlp))
        {
            return new AdvisoryRefusal("tlp", "tlp").ToError();
        }
        if (!AdvisoryDocument.Severities.Contains(severity))
        {
            return new AdvisoryRefusal("severity", "severity").ToError();
        }
        if (new[] { request.En, request.Fr }.Any(t => t is not null && ((t.Title?.Length ?? 0) > 300 || (t.Summary?.Length ?? 0) > 20_000
            || (t.Recommendations?.Length ?? 0) > 20_000 || (t.Workarounds?.Length ?? 0) > 20_000)))
        {
            return new AdvisoryRefusal("text-length", "text").ToError();
        }
        if (request.Products is { Count: > MaxProducts } || request.References is { Count: > MaxReferences } || request.Cves is { Count: > MaxCves })
        {
            return new AdvisoryRefusal("too-many", "products").ToError();
        }
        var products = request.Products?.Select(Clean).ToList() ?? [.. d.Products];
        foreach (var p in products.Where(p => !d.Products.Contains(p)))
        {
            if (CheckProduct(p) is { } refused)
            {
                return refused.ToError();
            }
        }
        var references = request.References?.Select(r => (r ?? "").Trim()).ToList() ?? [.. d.References];
        foreach (var r in references.Where(r => !d.References.Contains(r)))
        {
            if (CheckReference(r) is { } refused)
            {
                return refused.ToError();
            }
        }
        var cves = d.Cves.ToList();
        if (request.Cves is { } ids)
        {
            var wanted = new List<string>();
            foreach (var raw in ids)
            {
                var id = (raw ?? "").Trim().ToUpperInvariant();
                if (!CveId().IsMatch(id))
                {
                    return new AdvisoryRefusal("cve-id", "cves").ToError();
                }
                if (wanted.Contains(id))
                {
                    return new AdvisoryRefusal("cve-duplicate", "cves", id).ToError();
                }
                wanted.Add(id);
            }
            var kept = d.Cves.Where(c => wanted.Contains(c.Id)).ToDictionary(c => c.Id);
            cves = [];
            foreach (var id in wanted)
            {
                cves.Add(kept.TryGetValue(id, out var known) ? known
                    : AdvisoryDraft.Cve(id, await store.GetAsync(id, ct) is { } stored ? stored.Facts : []));
            }
        }
        List<Guid>? constituents = null;
        if (request.ConstituentIds is { } wantedIds)
        {
            constituents = wantedIds.Distinct().ToList();
            var known = await db.Constituents.CountAsync(c => constituents.Contains(c.Id), ct);
            if (known != constituents.Count)
            {
                return new AdvisoryRefusal("unknown-constituent", "constituentIds").ToError();
            }
        }
        var next = d with
        {
            Tlp = tlp,
            Severity = severity,
            En = request.En is { } en ? Clean(en) : d.En,
            Fr = request.Fr is { } fr ? Clean(fr) : d.Fr,
            Products = products,
            References = references,
            Cves = cves,
        };
        var detail = Changes(d, next);
        if (constituents is not null && !constituents.Order().SequenceEqual(a.ConstituentIds.Order()))
        {
            detail["changed"] = detail.TryGetValue("changed", out var c) ? c + ",constituents" : "constituents";
            detail["constituents"] = constituents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            a.Constituents = JsonSerializer.Serialize(constituents);
        }
        if (detail.Count == 0)
        {
            return a;
        }
        a.Set(next, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        detail["via"] = via;
        detail["operation"] = "edit";
        await RecordAsync(actor, AuditActions.Change, a, AuditOutcomes.Success, detail);
        return a;
    }

    /// <summary>Why a product cannot be added, or null: its name, vers constraints, fixed version, scheme, CPE 2.3 and purl are checked.</summary>
    public static AdvisoryRefusal? CheckProduct(AdvisoryProduct p)
    {
        if (string.IsNullOrWhiteSpace(p.Product) || p.Product.Length > 200 || (p.Vendor?.Length ?? 0) > 200)
        {
            return new("product-name", "product");
        }
        if (!Schemes.Contains(p.Scheme))
        {
            return new("product-scheme", "scheme", string.Join(", ", Schemes));
        }
        if (p.Affected is not null && (p.Affected.Length > 500 || !p.Affected.Split('|').All(IsConstraint)))
        {
            return new("product-affected", "affected");
        }
        if (p.Fixed is not null && !Core.Vulnerabilities.Matching.VersionComparer.IsVersionLike(p.Fixed))
        {
            return new("product-fixed", "fixed");
        }
        if (p.Cpe is not null && !(p.Cpe.StartsWith("cpe:2.3:", StringComparison.Ordinal) && p.Cpe.Length <= 500
            && Core.Vulnerabilities.Matching.CpeName.TryParse(p.Cpe, out _)))
        {
            return new("product-cpe", "cpe");
        }
        if (p.Purl is not null && !(p.Purl.Length <= 1000 && Purl().IsMatch(p.Purl) && Core.Vulnerabilities.Matching.PackageUrl.TryParse(p.Purl, out _)))
        {
            return new("product-purl", "purl");
        }
        return null;
    }

    /// <summary>Why a reference cannot be added, or null: an absolute http or https URL only (never javascript:, data:, file:…).</summary>
    public static AdvisoryRefusal? CheckReference(string url) =>
        url.Length is > 0 and <= 2000 && Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            && !string.IsNullOrEmpty(u.Host) && !url.Any(char.IsWhiteSpace)
            ? null
            : new("reference-url", "url");

    // A vers constraint: an optional comparator and one version (">=2.0-beta9", "<2.15.0", "=1.2", "1.2").
    private static bool IsConstraint(string c)
    {
        var version = c.StartsWith(">=", StringComparison.Ordinal) || c.StartsWith("<=", StringComparison.Ordinal) || c.StartsWith("!=", StringComparison.Ordinal) ? c[2..]
            : c.StartsWith('<') || c.StartsWith('>') || c.StartsWith('=') ? c[1..] : c;
        return Core.Vulnerabilities.Matching.VersionComparer.IsVersionLike(version);
    }

    private static AdvisoryProduct Clean(AdvisoryProduct p) => new((p.Vendor ?? "").Trim(), (p.Product ?? "").Trim(), Optional(p.Affected) is { } vers ? string.Join('|', vers.Split('|').Select(c => c.Trim())) : null,
        Optional(p.Fixed), Optional(p.Cpe), Optional(p.Purl), Optional(p.Scheme)?.ToLowerInvariant() ?? "generic");

    private static AdvisoryText Clean(AdvisoryText t) => new((t.Title ?? "").Trim(), (t.Summary ?? "").Trim(), Optional(t.Recommendations), Optional(t.Workarounds));

    private static string? Optional(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>What changed between two versions of a bulletin, for the audit entry: the fields, and the products, references and CVEs added or removed.</summary>
    private static Dictionary<string, string?> Changes(AdvisoryDocument before, AdvisoryDocument after)
    {
        var changed = new List<string>();
        var detail = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (before.Tlp != after.Tlp)
        {
            changed.Add("tlp");
            detail["tlp"] = $"{before.Tlp} -> {after.Tlp}";
        }
        if (before.Severity != after.Severity)
        {
            changed.Add("severity");
            detail["severity"] = $"{before.Severity} -> {after.Severity}";
        }
        if (before.En != after.En)
        {
            changed.Add("en");
        }
        if (before.Fr != after.Fr)
        {
            changed.Add("fr");
        }
        void List<T>(string name, IReadOnlyList<T> old, IReadOnlyList<T> now, Func<T, string> describe)
        {
            var added = now.Where(x => !old.Contains(x)).Select(describe).ToList();
            var removed = old.Where(x => !now.Contains(x)).Select(describe).ToList();
            if (added.Count + removed.Count == 0)
            {
                return;
            }
            changed.Add(name);
            if (added.Count > 0)
            {
                detail[name + ".added"] = Cut(string.Join("; ", added));
            }
            if (removed.Count > 0)
            {
                detail[name + ".removed"] = Cut(string.Join("; ", removed));
            }
        }
        List("products", before.Products, after.Products, Describe);
        List("references", before.References, after.References, r => r);
        List("cves", before.Cves.Select(c => c.Id).ToList(), after.Cves.Select(c => c.Id).ToList(), c => c);
        if (changed.Count > 0)
        {
            detail["changed"] = string.Join(',', changed);
        }
        return detail;
    }

    /// <summary>"vendor product affected -> fixed" (what the audit entry and the page name).</summary>
    public static string Describe(AdvisoryProduct p) =>
        string.Join(' ', new[] { p.Vendor, p.Product, p.Affected, p.Fixed is null ? null : "-> " + p.Fixed }.Where(x => !string.IsNullOrWhiteSpace(x)));

    private static string Cut(string s) => s.Length <= 400 ? s : s[..400] + "…";

    /// <summary>Records a bulletin event after its change is saved; a failure to write is logged and does not undo the change.</summary>
    internal async Task RecordAsync(AuditActor actor, string action, Advisory a, string outcome, Dictionary<string, string?> detail)
    {
        try
        {
            await audit.RecordAsync(actor, new AuditEvent(action, AuditKind, a.TrackingId, outcome, detail));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the {Action} of bulletin {TrackingId} in the audit log.", action, a.TrackingId);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^CVE-\d{4}-\d{4,}$")]
    private static partial System.Text.RegularExpressions.Regex CveId();

    // The pattern of CSAF 2.0's product_identification_helper/purl.
    [System.Text.RegularExpressions.GeneratedRegex(@"^pkg:[A-Za-z\.\-\+][A-Za-z0-9\.\-\+]*/.+")]
    private static partial System.Text.RegularExpressions.Regex Purl();

    public Task<Advisory?> FindAsync(string key, CancellationToken ct) =>
        Guid.TryParse(key, out var id)
            ? db.Set<Advisory>().FirstOrDefaultAsync(a => a.Id == id, ct)
            : db.Set<Advisory>().FirstOrDefaultAsync(a => a.TrackingId == key.Trim().ToUpperInvariant(), ct);

    /// <summary>Why a bulletin cannot be published (or exported as a valid CSAF document), in English, or null.</summary>
    public static string? Incomplete(AdvisoryDocument d) => Refusal(d)?.English();

    /// <summary>Why a bulletin cannot be published (or exported as a valid CSAF document), or null.</summary>
    public static AdvisoryRefusal? Refusal(AdvisoryDocument d)
    {
        if (d.Cves.Count == 0)
        {
            return new("no-cve", "cves");
        }
        if (d.Products.Count == 0)
        {
            return new("no-product", "products");
        }
        if (string.IsNullOrWhiteSpace(d.En.Title) || string.IsNullOrWhiteSpace(d.En.Summary) || string.IsNullOrWhiteSpace(d.Fr.Title) || string.IsNullOrWhiteSpace(d.Fr.Summary))
        {
            return new("texts", "text");
        }
        if (!AdvisoryDocument.TlpLabels.Contains(d.Tlp) || !AdvisoryDocument.Severities.Contains(d.Severity))
        {
            return new("choices", "tlp");
        }
        return null;
    }

    /// <summary>True while the French text is still the draft's untranslated copy (a warning: scripts may publish it as is).</summary>
    public static bool NeedsTranslation(AdvisoryDocument d) =>
        d.Fr.Title.StartsWith(AdvisoryDraft.ToTranslate, StringComparison.Ordinal) || d.Fr.Summary.StartsWith(AdvisoryDraft.ToTranslate, StringComparison.Ordinal);

    /// <summary>
    /// Publishes: a new revision (1, 2, …) with its summary; the document becomes final. A refusal (incomplete, or CSAF
    /// findings) is recorded too, with its reason.
    /// </summary>
    public async Task<Result<Advisory>> PublishAsync(Advisory advisory, string summary, AuditActor actor, string via, CancellationToken ct)
    {
        var d = advisory.Document;
        var now = time.GetUtcNow();
        var number = d.Revisions.Count == 0 ? 1 : d.Revisions.Max(r => r.Number) + 1;
        var text = string.IsNullOrWhiteSpace(summary) ? (number == 1 ? "Initial publication" : "Update") : summary.Trim();
        var next = d with { Revisions = [.. d.Revisions, new AdvisoryRevision(number, now, text.Length > 500 ? text[..500] : text)] };
        var refusal = Refusal(d);
        // What will be served must be a valid CSAF document (schema and the mandatory tests Vigie checks), in both languages.
        foreach (var lang in refusal is null ? new[] { "en", "fr" } : [])
        {
            using var csaf = JsonDocument.Parse(CsafWriter.Write(next, Publisher(), lang, now, Version).ToJsonString());
            if (Vigie.Core.Csaf.CsafValidator.Validate(csaf.RootElement) is { Count: > 0 } findings)
            {
                refusal = new("invalid-csaf", "advisory", lang, string.Join("; ", findings.Take(3).Select(f => $"{f.Test} {f.InstancePath} {f.Message}")));
                break;
            }
        }
        if (refusal is not null)
        {
            await RecordAsync(actor, AuditActions.Change, advisory, AuditOutcomes.Failure,
                new() { ["via"] = via, ["operation"] = "publish", ["revision"] = Number(number), ["reason"] = refusal.Code });
            return refusal.ToError();
        }
        advisory.Set(next, now);
        advisory.MarkPublished(now);
        await db.SaveChangesAsync(ct);
        await RecordAsync(actor, AuditActions.Change, advisory, AuditOutcomes.Success,
            new() { ["via"] = via, ["operation"] = "publish", ["revision"] = Number(number), ["summary"] = Cut(next.Revisions[^1].Summary), ["tlp"] = d.Tlp });
        return advisory;
    }

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The team as CSAF publisher: its namespace is the public URL, else where the profile says its documents live.</summary>
    public CsafPublisher Publisher()
    {
        var profile = team.Value;
        var ns = !string.IsNullOrWhiteSpace(site.Value.PublicUrl) ? site.Value.PublicUrl.TrimEnd('/')
            : profile.Document.Locations.FirstOrDefault() ?? profile.Document.Distribution.AnnouncementUrl ?? $"mailto:{profile.GeneralEmail}";
        return new CsafPublisher(profile.Name, ns, profile.IncidentEmail);
    }

    /// <summary>
    /// The bulletin as CSAF 2.0 JSON (indented, UTF-8), in English or French: the last published revision, as served and
    /// mailed (edits made since are not in it); a draft's working copy.
    /// </summary>
    public string Csaf(Advisory advisory, string lang = "en") => advisory.Published is { } published
        ? CsafWriter.Write(published, Publisher(), lang, advisory.PublishedAt!.Value, Version).ToJsonString(Indented)
        : CsafWriter.Write(advisory.Document, Publisher(), lang, advisory.UpdatedAt, Version).ToJsonString(Indented);

    // The documents are JSON, never HTML: "<" and ">" (vers ranges) stay readable instead of \\u003C escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string Version =
        typeof(AdvisoryService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0";
}
