using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.PublicSite;
using Vigie.Features.TeamProfile;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Advisories;

/// <summary>
/// Bulletins: a draft from a stored CVE, publication (a new revision each time), and the CSAF 2.0 document of a bulletin.
/// </summary>
public sealed class AdvisoryService(VigieDb db, VulnerabilityStore store, TimeProvider time, IOptions<TeamProfileOptions> team,
    IOptions<PublicSiteOptions> site)
{
    public const string Prefix = "VIGIE";

    /// <summary>Creates a draft from what the store knows about a CVE (see <see cref="AdvisoryDraft"/>), addressed to the constituents exposed to it.</summary>
    public async Task<Result<Advisory>> DraftFromCveAsync(string cveId, string actor, CancellationToken ct)
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
        var advisory = new Advisory { Id = Guid.CreateVersion7(now), CreatedAt = now, CreatedBy = actor, Constituents = JsonSerializer.Serialize(exposed) };
        advisory.Set(document, now);
        db.Add(advisory);
        await db.SaveChangesAsync(ct);
        return advisory;
    }

    public Task<Advisory?> FindAsync(string key, CancellationToken ct) =>
        Guid.TryParse(key, out var id)
            ? db.Set<Advisory>().FirstOrDefaultAsync(a => a.Id == id, ct)
            : db.Set<Advisory>().FirstOrDefaultAsync(a => a.TrackingId == key.Trim().ToUpperInvariant(), ct);

    /// <summary>Why a bulletin cannot be published (or exported as a valid CSAF document), or null.</summary>
    public static string? Incomplete(AdvisoryDocument d)
    {
        if (d.Cves.Count == 0)
        {
            return "Name at least one CVE.";
        }
        if (d.Products.Count == 0)
        {
            return "Name at least one affected product.";
        }
        if (string.IsNullOrWhiteSpace(d.En.Title) || string.IsNullOrWhiteSpace(d.En.Summary) || string.IsNullOrWhiteSpace(d.Fr.Title) || string.IsNullOrWhiteSpace(d.Fr.Summary))
        {
            return "Write the title and the summary in both French and English.";
        }
        if (!AdvisoryDocument.TlpLabels.Contains(d.Tlp) || !AdvisoryDocument.Severities.Contains(d.Severity))
        {
            return "TLP or severity is not one of the known values.";
        }
        return null;
    }

    /// <summary>True while the French text is still the draft's untranslated copy (a warning: scripts may publish it as is).</summary>
    public static bool NeedsTranslation(AdvisoryDocument d) =>
        d.Fr.Title.StartsWith(AdvisoryDraft.ToTranslate, StringComparison.Ordinal) || d.Fr.Summary.StartsWith(AdvisoryDraft.ToTranslate, StringComparison.Ordinal);

    /// <summary>Publishes: a new revision (1, 2, …) with its summary; the document becomes final.</summary>
    public async Task<Result<Advisory>> PublishAsync(Advisory advisory, string summary, CancellationToken ct)
    {
        var d = advisory.Document;
        if (Incomplete(d) is { } why)
        {
            return Error.Validation("advisory", why);
        }
        var now = time.GetUtcNow();
        var number = d.Revisions.Count == 0 ? 1 : d.Revisions.Max(r => r.Number) + 1;
        var text = string.IsNullOrWhiteSpace(summary) ? (number == 1 ? "Initial publication" : "Update") : summary.Trim();
        var next = d with { Revisions = [.. d.Revisions, new AdvisoryRevision(number, now, text.Length > 500 ? text[..500] : text)] };
        // What will be served must be a valid CSAF document (schema and the mandatory tests Vigie checks), in both languages.
        foreach (var lang in new[] { "en", "fr" })
        {
            using var csaf = JsonDocument.Parse(CsafWriter.Write(next, Publisher(), lang, now, Version).ToJsonString());
            if (Vigie.Core.Csaf.CsafValidator.Validate(csaf.RootElement) is { Count: > 0 } findings)
            {
                return Error.Validation("advisory", $"The CSAF document would be invalid: {string.Join("; ", findings.Take(3).Select(f => $"{f.Test} {f.InstancePath} {f.Message}"))}");
            }
        }
        advisory.Set(next, now);
        advisory.PublishedAt = now;
        await db.SaveChangesAsync(ct);
        return advisory;
    }

    /// <summary>The team as CSAF publisher: its namespace is the public URL, else where the profile says its documents live.</summary>
    public CsafPublisher Publisher()
    {
        var profile = team.Value;
        var ns = !string.IsNullOrWhiteSpace(site.Value.PublicUrl) ? site.Value.PublicUrl.TrimEnd('/')
            : profile.Document.Locations.FirstOrDefault() ?? profile.Document.Distribution.AnnouncementUrl ?? $"mailto:{profile.GeneralEmail}";
        return new CsafPublisher(profile.Name, ns, profile.IncidentEmail);
    }

    /// <summary>The bulletin as CSAF 2.0 JSON (indented, UTF-8), in English or French.</summary>
    public string Csaf(Advisory advisory, string lang = "en") =>
        CsafWriter.Write(advisory.Document, Publisher(), lang, advisory.UpdatedAt, Version).ToJsonString(Indented);

    // The documents are JSON, never HTML: "<" and ">" (vers ranges) stay readable instead of \\u003C escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string Version =
        typeof(AdvisoryService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0";
}
