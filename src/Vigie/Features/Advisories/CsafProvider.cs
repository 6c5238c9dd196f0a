using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Pgp;
using Vigie.Features.PublicSite;

namespace Vigie.Features.Advisories;

/// <summary>
/// Vigie as a CSAF provider (CSAF 2.0 §7.1): <c>/.well-known/csaf/provider-metadata.json</c>, the TLP:WHITE (CLEAR)
/// documents at <c>/.well-known/csaf/white/&lt;year&gt;/&lt;file&gt;.json</c> with their <c>.sha512</c> and OpenPGP
/// <c>.asc</c> (detached, by the team key), a ROLIE feed, <c>index.txt</c> and <c>changes.csv</c>. Only published
/// TLP:CLEAR bulletins are served; anything else answers 404. Public, under the public rate limit.
/// </summary>
public static class CsafProvider
{
    public const string Root = "/.well-known/csaf";
    public const string Feed = "csaf-feed-tlp-white.json";

    public static IEndpointRouteBuilder MapCsafProvider(IEndpointRouteBuilder app)
    {
        app.MapGet($"{Root}/provider-metadata.json", Metadata).AllowAnonymous().ExcludeFromDescription();
        app.MapGet($"{Root}/white/{Feed}", RolieFeed).AllowAnonymous().ExcludeFromDescription();
        app.MapGet($"{Root}/white/index.txt", Index).AllowAnonymous().ExcludeFromDescription();
        app.MapGet($"{Root}/white/changes.csv", Changes).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(Root + "/white/{year:int}/{file}", Document).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/advisories.atom", Atom).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static string Base(HttpContext http, IOptions<PublicSiteOptions> site) =>
        site.Value.Absolute("/", $"{http.Request.Scheme}://{http.Request.Host}").TrimEnd('/');

    /// <summary>Published TLP:CLEAR bulletins, oldest first, with their path under white/ and their CSAF bytes.</summary>
    private static async Task<List<(Advisory Advisory, AdvisoryDocument Document, string Path)>> PublishedAsync(VigieDb db, CancellationToken ct)
    {
        var rows = await db.Set<Advisory>().AsNoTracking().Where(a => a.PublishedTlp == "CLEAR").OrderBy(a => a.TrackingId).ToListAsync(ct);
        return [.. rows.Select(a => (a, Document: a.Published!)).Select(x => (x.a, x.Document,
            $"{x.Document.Revisions.Min(r => r.Date).UtcDateTime.Year.ToString(CultureInfo.InvariantCulture)}/{CsafWriter.FileName(x.a.TrackingId)}"))];
    }

    private static async Task<IResult> Metadata(HttpContext http, VigieDb db, AdvisoryService advisories, TeamSigner signer, IOptions<PublicSiteOptions> site,
        IOptions<Vigie.Features.TeamProfile.TeamProfileOptions> team, CancellationToken ct)
    {
        var root = Base(http, site);
        var published = await PublishedAsync(db, ct);
        var publisher = advisories.Publisher();
        var keys = new JsonArray();
        if (signer.Key is { } key)
        {
            keys.Add(new JsonObject { ["fingerprint"] = key.Fingerprint, ["url"] = root + site.Value.KeyPath });
        }
        var metadata = new JsonObject
        {
            ["canonical_url"] = $"{root}{Root}/provider-metadata.json",
            ["distributions"] = new JsonArray
            {
                new JsonObject
                {
                    ["rolie"] = new JsonObject
                    {
                        ["feeds"] = new JsonArray
                        {
                            new JsonObject
                            {
                                ["summary"] = $"{team.Value.Name}: TLP:WHITE (CLEAR) advisories",
                                ["tlp_label"] = "WHITE",
                                ["url"] = $"{root}{Root}/white/{Feed}",
                            },
                        },
                    },
                },
            },
            ["last_updated"] = Date(published.Count == 0 ? DateTimeOffset.UnixEpoch : published.Max(p => p.Advisory.PublishedAt!.Value)),
            ["list_on_CSAF_aggregators"] = true,
            ["metadata_version"] = "2.0",
            ["mirror_on_CSAF_aggregators"] = true,
            ["public_openpgp_keys"] = keys,
            ["publisher"] = new JsonObject { ["category"] = "coordinator", ["name"] = publisher.Name, ["namespace"] = publisher.Namespace },
            // A trusted provider signs every document; without a team key Vigie is a plain provider.
            ["role"] = signer.Key is null ? "csaf_provider" : "csaf_trusted_provider",
        };
        return Json(metadata);
    }

    private static async Task<IResult> RolieFeed(HttpContext http, VigieDb db, AdvisoryService advisories, IOptions<PublicSiteOptions> site,
        IOptions<Vigie.Features.TeamProfile.TeamProfileOptions> team, CancellationToken ct)
    {
        var root = Base(http, site);
        var published = await PublishedAsync(db, ct);
        var entries = new JsonArray();
        foreach (var (advisory, document, path) in published.OrderByDescending(p => p.Advisory.PublishedAt))
        {
            var url = $"{root}{Root}/white/{path}";
            entries.Add(new JsonObject
            {
                ["id"] = advisory.TrackingId,
                ["title"] = document.En.Title,
                ["link"] = new JsonArray
                {
                    new JsonObject { ["rel"] = "self", ["href"] = url },
                    new JsonObject { ["rel"] = "hash", ["href"] = url + ".sha512" },
                    new JsonObject { ["rel"] = "signature", ["href"] = url + ".asc" },
                },
                ["published"] = Date(document.Revisions.Min(r => r.Date)),
                ["updated"] = Date(document.Revisions.Max(r => r.Date)),
                ["summary"] = new JsonObject { ["content"] = document.En.Summary.Length > 500 ? document.En.Summary[..500] : document.En.Summary },
                ["content"] = new JsonObject { ["type"] = "application/json", ["src"] = url },
                ["format"] = new JsonObject { ["schema"] = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", ["version"] = "2.0" },
            });
        }
        var feed = new JsonObject
        {
            ["feed"] = new JsonObject
            {
                ["id"] = "vigie-csaf-feed-tlp-white",
                ["title"] = $"{team.Value.Name} CSAF feed (TLP:WHITE)",
                ["link"] = new JsonArray { new JsonObject { ["rel"] = "self", ["href"] = $"{root}{Root}/white/{Feed}" } },
                ["category"] = new JsonArray
                {
                    new JsonObject { ["scheme"] = "urn:ietf:params:rolie:category:information-type", ["term"] = "csaf" },
                },
                ["updated"] = Date(published.Count == 0 ? DateTimeOffset.UnixEpoch : published.Max(p => p.Advisory.PublishedAt!.Value)),
                ["entry"] = entries,
            },
        };
        return Json(feed);
    }

    private static async Task<IResult> Index(VigieDb db, CancellationToken ct) =>
        Results.Text(string.Concat((await PublishedAsync(db, ct)).Select(p => p.Path + "\n")), "text/plain; charset=utf-8", new UTF8Encoding(false));

    private static async Task<IResult> Changes(VigieDb db, CancellationToken ct) =>
        Results.Text(string.Concat((await PublishedAsync(db, ct)).OrderByDescending(p => p.Advisory.PublishedAt)
            .Select(p => $"\"{p.Path}\",\"{Date(p.Advisory.PublishedAt!.Value)}\"\n")), "text/csv; charset=utf-8", new UTF8Encoding(false));

    private static async Task<IResult> Document(int year, string file, VigieDb db, AdvisoryService advisories, TeamSigner signer, CancellationToken ct)
    {
        var kind = file.EndsWith(".json.sha512", StringComparison.Ordinal) ? "sha512" : file.EndsWith(".json.asc", StringComparison.Ordinal) ? "asc"
            : file.EndsWith(".json", StringComparison.Ordinal) ? "json" : null;
        if (kind is null)
        {
            return Results.NotFound();
        }
        var name = kind == "json" ? file : file[..file.LastIndexOf('.')];
        var path = $"{year.ToString(CultureInfo.InvariantCulture)}/{name}";
        var match = (await PublishedAsync(db, ct)).FirstOrDefault(p => p.Path == path);
        if (match.Advisory is null)
        {
            return Results.NotFound();
        }
        var bytes = Encoding.UTF8.GetBytes(advisories.Csaf(match.Advisory));
        switch (kind)
        {
            case "json":
                return Results.Bytes(bytes, "application/json");
            case "sha512":
                return Results.Text($"{Convert.ToHexStringLower(SHA512.HashData(bytes))}  {name}\n", "text/plain; charset=utf-8", new UTF8Encoding(false));
            default:
                return signer.DetachedSign(bytes) is { } signature ? Results.Text(signature, "application/pgp-signature", new UTF8Encoding(false)) : Results.NotFound();
        }
    }

    /// <summary>An Atom feed (RFC 4287) of the published TLP:CLEAR bulletins, English titles and summaries, linking to the public pages.</summary>
    private static async Task<IResult> Atom(HttpContext http, VigieDb db, IOptions<PublicSiteOptions> site, IOptions<Vigie.Features.TeamProfile.TeamProfileOptions> team,
        CancellationToken ct)
    {
        var root = Base(http, site);
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var published = await PublishedAsync(db, ct);
        var feed = new XElement(atom + "feed",
            new XElement(atom + "id", $"{root}/advisories.atom"),
            new XElement(atom + "title", $"{team.Value.Name} — advisories"),
            new XElement(atom + "updated", Date(published.Count == 0 ? DateTimeOffset.UnixEpoch : published.Max(p => p.Advisory.PublishedAt!.Value))),
            new XElement(atom + "author", new XElement(atom + "name", team.Value.Name)),
            new XElement(atom + "link", new XAttribute("rel", "self"), new XAttribute("href", $"{root}/advisories.atom")),
            published.OrderByDescending(p => p.Advisory.PublishedAt).Select(p => new XElement(atom + "entry",
                new XElement(atom + "id", $"{root}/advisories/{p.Advisory.TrackingId}"),
                new XElement(atom + "title", $"{p.Advisory.TrackingId}: {p.Document.En.Title}"),
                new XElement(atom + "updated", Date(p.Advisory.PublishedAt!.Value)),
                new XElement(atom + "link", new XAttribute("href", $"{root}/advisories/{p.Advisory.TrackingId}")),
                new XElement(atom + "summary", p.Document.En.Summary.Length > 1000 ? p.Document.En.Summary[..1000] : p.Document.En.Summary))));
        return Results.Text(new XDocument(new XDeclaration("1.0", "utf-8", null), feed).Declaration + "\n" + feed, "application/atom+xml; charset=utf-8", new UTF8Encoding(false));
    }

    private static IResult Json(JsonObject o) =>
        Results.Text(o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), "application/json", new UTF8Encoding(false));

    private static string Date(DateTimeOffset d) => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
