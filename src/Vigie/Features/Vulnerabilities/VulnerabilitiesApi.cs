using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Core.Vulnerabilities;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Watch;
using Vigie.Web;

namespace Vigie.Features.Vulnerabilities;

public sealed record VulnerabilityListItem(string Id, string State, string? Title, string? Summary, double? Cvss, string? Severity, bool Kev,
    DateOnly? KevDateAdded, double? Epss, DateTimeOffset? Published, DateTimeOffset? Modified);

public sealed record VulnerabilityPage(IReadOnlyList<VulnerabilityListItem> Items, int Total, int Offset, int Limit);

public sealed record VulnerabilityDetailDto(VulnerabilityListItem Summary, IReadOnlyList<VulnerabilityRecord> Facts, KevListing? Kev, EpssEntry? Epss);

public sealed record ImportResultDto(int Files, int Read, int New, int Updated, int Unchanged, IReadOnlyList<ImportRejection> Rejected, int Rematched,
    IReadOnlyList<ImportRejection> Warnings);

/// <summary>The vulnerability store over HTTP: list, detail with every source's facts, and upload of feed files.</summary>
public static class VulnerabilitiesApi
{
    public const long MaxUpload = 256L << 20;

    public static IEndpointRouteBuilder MapVulnerabilities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/vulnerabilities").WithTags("Vulnerabilities").RequireAuthorization(Policies.Read);
        group.MapGet("/", List).WithSummary("Vulnerabilities, newest change first (?q= id or text, ?kev=true, ?minCvss=7, ?offset, ?limit ≤ 200).");
        group.MapGet("/{id}", Get).WithSummary("One CVE: the merged view, each source's facts (with source and version), KEV and EPSS.");
        group.MapPost("/import", Import).RequireAuthorization(Policies.Publish).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUpload + 64 * 1024))
            .WithSummary("Import a feed file (multipart 'file': CVE 5 JSON, a zip of them, NVD 2.0 JSON, KEV JSON, EPSS CSV or .gz); affected inventories are rematched.");
        return app;
    }

    internal static VulnerabilityListItem ToItem(this Vulnerability v) =>
        new(v.Id, v.State.ToString().ToLowerInvariant(), v.Title, v.Summary, v.Cvss, v.Severity, v.Kev, v.KevDateAdded, v.Epss, v.Published, v.Modified);

    internal static IQueryable<Vulnerability> Filter(this IQueryable<Vulnerability> query, string? q, bool? kev, double? minCvss)
    {
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            var upper = text.ToUpperInvariant();
            query = upper.StartsWith("CVE-", StringComparison.Ordinal)
                ? query.Where(v => v.Id.StartsWith(upper))
                : query.Where(v => (v.Title != null && v.Title.Contains(text)) || (v.Summary != null && v.Summary.Contains(text)));
        }
        if (kev == true)
        {
            query = query.Where(v => v.Kev);
        }
        if (minCvss is { } min)
        {
            query = query.Where(v => v.Cvss >= min);
        }
        return query;
    }

    private static async Task<Ok<VulnerabilityPage>> List(VigieDb db, string? q, bool? kev, double? minCvss, int? offset, int? limit, CancellationToken ct)
    {
        var query = db.Set<Vulnerability>().AsNoTracking().Filter(q, kev, minCvss);
        var take = Math.Clamp(limit ?? 50, 1, 200);
        var skip = Math.Max(offset ?? 0, 0);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(v => v.Kev).ThenByDescending(v => v.Modified).ThenBy(v => v.Id).Skip(skip).Take(take).ToListAsync(ct);
        return TypedResults.Ok(new VulnerabilityPage([.. items.Select(v => v.ToItem())], total, skip, take));
    }

    private static async Task<Results<Ok<VulnerabilityDetailDto>, ProblemHttpResult>> Get(string id, VulnerabilityStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } d
            ? TypedResults.Ok(new VulnerabilityDetailDto(d.Summary.ToItem(), d.Facts, d.Kev, d.Epss))
            : Error.NotFound($"Vulnerability {id}").ToProblem();

    private static async Task<Results<Ok<ImportResultDto>, ProblemHttpResult>> Import(HttpContext http, VulnerabilityImport import, WatchService watch,
        IAntiforgery antiforgery, ClaimsPrincipal user, CancellationToken ct)
    {
        var upload = await Uploads.ReadFileAsync(http, antiforgery, "the feed", ct);
        if (!upload.IsSuccess)
        {
            return upload.Error!.ToProblem();
        }
        var (file, form) = upload.Value;
        // The upload goes through the same path as `vigie vulns import` (zip guards included), from a private temporary copy.
        var dir = Directory.CreateTempSubdirectory("vigie-feed-");
        try
        {
            var name = Path.GetFileName(file.FileName);
            var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
            var path = Path.Combine(dir.FullName, string.IsNullOrEmpty(safe.Trim('.')) ? "upload" : safe);
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, ct);
            }
            var result = await import.ImportAsync(path, FeedFormat.Auto, null, ct);
            var rematch = result.Changed.Count > 0 ? await watch.RematchAsync(result.Changed, ct) : null;
            return TypedResults.Ok(new ImportResultDto(result.Files, result.Read, result.New, result.Updated, result.Unchanged,
                [.. result.Rejected.Take(500)], rematch?.Vulnerabilities ?? 0, [.. result.Warnings.Take(500)]));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
