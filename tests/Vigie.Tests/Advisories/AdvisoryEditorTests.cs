using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Advisories;
using Vigie.Data;
using Vigie.Features.Advisories;
using Vigie.Features.Audit;
using Vigie.Features.Vulnerabilities;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.PublicSite;

namespace Vigie.Tests.Advisories;

/// <summary>
/// The bulletin editor: CVEs, products and references added and removed on /advisories/manage/{id} (antiforgery forms,
/// the API's checks, refusals in the reader's language), what lands in the document and its CSAF export, the audit
/// entries of every change (page and API alike), and publication refusals in French on the page and in the CLI.
/// </summary>
public abstract partial class AdvisoryEditorTests(Rfc2350App app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int s_ip;

    private async Task ImportAsync()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-cves-");
        try
        {
            foreach (var id in new[] { "CVE-2021-44228", "CVE-2023-25690" })
            {
                File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", id + ".json"), Path.Combine(dir.FullName, id + ".json"));
            }
            await using var scope = app.Scope();
            Assert.Empty((await scope.ServiceProvider.GetRequiredService<VulnerabilityImport>().ImportAsync(dir.FullName, FeedFormat.Auto, null, Ct)).Rejected);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private async Task<FormBrowser> SignInAsync(string culture)
    {
        var browser = new FormBrowser(app, IPAddress.Parse($"198.51.100.{10 + (Interlocked.Increment(ref s_ip) % 80)}"), culture);
        var password = await browser.PostFormAsync("/signin", "signin",
            new Dictionary<string, string> { ["Input.Email"] = "analyst@csirt.test", ["Input.Password"] = VigieApp.TestPassword });
        Assert.Equal(HttpStatusCode.Redirect, password.Status);
        var code = await browser.PostFormAsync("/signin/code", "signin-code", new Dictionary<string, string> { ["Input.Code"] = await app.TotpCodeAsync("analyst@csirt.test") });
        Assert.Equal(HttpStatusCode.Redirect, code.Status);
        return browser;
    }

    /// <summary>A draft made through the API by the analyst: (id, tracking id).</summary>
    private async Task<(Guid Id, string TrackingId)> DraftAsync(string cve = "CVE-2021-44228")
    {
        using var response = await app.Client("analyst").PostAsJsonAsync("/api/v1/advisories", new { cve }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return (body.GetProperty("id").GetGuid(), body.GetProperty("document").GetProperty("trackingId").GetString()!);
    }

    private async Task<AdvisoryDocument> DocumentAsync(Guid id)
    {
        await using var scope = app.Scope();
        return (await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<Advisory>().AsNoTracking().SingleAsync(a => a.Id == id, Ct)).Document;
    }

    private async Task<List<AuditEntry>> AuditAsync(string trackingId)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.ObjectKind == "advisory" && e.ObjectId == trackingId).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private static Dictionary<string, string?> Detail(AuditEntry e) => JsonSerializer.Deserialize<Dictionary<string, string?>>(e.Detail!)!;

    [Fact]
    public async Task Products_references_and_cves_added_on_the_page_land_in_the_document_and_its_csaf()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var (id, trackingId) = await DraftAsync();
        var browser = await SignInAsync("en");
        var path = $"/advisories/manage/{id}";

        var added = await browser.PostFormAsync(path, "advisory-products", new Dictionary<string, string>
        {
            ["vendor"] = "Acme", ["product"] = "Gateway", ["affected"] = ">=4.0|<4.2.1", ["fixed"] = "4.2.1", ["scheme"] = "semver",
            ["cpe"] = "cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:*", ["purl"] = "pkg:generic/acme/gateway", ["action"] = "add",
        });
        Assert.True(added.Status == HttpStatusCode.OK, added.Text);
        Assert.Contains("Acme Gateway >=4.0|<4.2.1 → 4.2.1 · cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:* · pkg:generic/acme/gateway", added.Text);
        var reference = await browser.PostFormAsync(path, "advisory-references",
            new Dictionary<string, string> { ["url"] = "https://acme.example/security/2026-01", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.OK, reference.Status);
        Assert.Contains("https://acme.example/security/2026-01", reference.Text);
        var cve = await browser.PostFormAsync(path, "advisory-cves", new Dictionary<string, string> { ["cve"] = "cve-2023-25690", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.OK, cve.Status);
        var badCve = await browser.PostFormAsync(path, "advisory-cves", new Dictionary<string, string> { ["cve"] = "CVE-12", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.BadRequest, badCve.Status);
        Assert.Contains("A CVE is written CVE-YYYY-NNNN.", badCve.Text);

        var d = await DocumentAsync(id);
        Assert.Contains(new AdvisoryProduct("Acme", "Gateway", ">=4.0|<4.2.1", "4.2.1", "cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:*", "pkg:generic/acme/gateway", "semver"), d.Products);
        Assert.Contains("https://acme.example/security/2026-01", d.References);
        Assert.Equal(["CVE-2021-44228", "CVE-2023-25690"], d.Cves.Select(c => c.Id));
        Assert.False(string.IsNullOrEmpty(d.Cves[1].Description)); // taken from the stored record

        // The CSAF export: the product in the tree with its range and helpers, the reference, both CVEs; valid for Vigie's validator.
        var csafText = await app.Client("analyst").GetStringAsync($"/api/v1/advisories/{id}/csaf", Ct);
        var csaf = JsonDocument.Parse(csafText).RootElement;
        var acme = csaf.GetProperty("product_tree").GetProperty("branches").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "Acme");
        var gateway = acme.GetProperty("branches")[0];
        Assert.Equal("Gateway", gateway.GetProperty("name").GetString());
        var range = gateway.GetProperty("branches").EnumerateArray().Single(b => b.GetProperty("category").GetString() == "product_version_range");
        Assert.Equal("vers:semver/>=4.0|<4.2.1", range.GetProperty("name").GetString());
        var helper = range.GetProperty("product").GetProperty("product_identification_helper");
        Assert.Equal(("cpe:2.3:a:acme:gateway:*:*:*:*:*:*:*:*", "pkg:generic/acme/gateway"), (helper.GetProperty("cpe").GetString(), helper.GetProperty("purl").GetString()));
        Assert.Contains(gateway.GetProperty("branches").EnumerateArray(), b => b.GetProperty("category").GetString() == "product_version" && b.GetProperty("name").GetString() == "4.2.1");
        Assert.Contains(csaf.GetProperty("document").GetProperty("references").EnumerateArray(), r => r.GetProperty("url").GetString() == "https://acme.example/security/2026-01");
        Assert.Equal(["CVE-2021-44228", "CVE-2023-25690"], csaf.GetProperty("vulnerabilities").EnumerateArray().Select(v => v.GetProperty("cve").GetString()));
        Assert.Contains(range.GetProperty("product").GetProperty("product_id").GetString(),
            csaf.GetProperty("vulnerabilities")[1].GetProperty("product_status").GetProperty("known_affected").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(Vigie.Core.Csaf.CsafValidator.Validate(csaf));

        // Removing: the product's button names it by a hash of its fields.
        var page = await browser.GetAsync(path);
        var key = ProductButton().Matches(page.Body).Single(m => m.Groups["line"].Value.Contains("Acme Gateway", StringComparison.Ordinal)).Groups["key"].Value;
        var removed = await browser.PostFormAsync(path, "advisory-products", new Dictionary<string, string> { ["remove"] = key });
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.DoesNotContain("Acme Gateway", removed.Text);
        var removedReference = await browser.PostFormAsync(path, "advisory-references", new Dictionary<string, string> { ["remove"] = "https://acme.example/security/2026-01" });
        Assert.Equal(HttpStatusCode.OK, removedReference.Status);
        d = await DocumentAsync(id);
        Assert.DoesNotContain(d.Products, p => p.Vendor == "Acme");
        Assert.DoesNotContain("https://acme.example/security/2026-01", d.References);

        // Audited, with who, which bulletin and what: the draft (API), each change (page), the refused CVE not at all.
        var entries = await AuditAsync(trackingId);
        Assert.Equal(AuditActions.Create, entries[0].Action);
        Assert.Equal(("analyst@csirt.test", "api", "CVE-2021-44228"), (entries[0].Actor, Detail(entries[0])["via"], Detail(entries[0])["cve"]));
        var changes = entries.Skip(1).ToList();
        Assert.Equal(5, changes.Count);
        Assert.All(changes, e => Assert.Equal((AuditActions.Change, "analyst@csirt.test", "page", "edit"), (e.Action, e.Actor, Detail(e)["via"], Detail(e)["operation"])));
        Assert.Equal("Acme Gateway >=4.0|<4.2.1 -> 4.2.1", Detail(changes[0])["products.added"]);
        Assert.Equal("https://acme.example/security/2026-01", Detail(changes[1])["references.added"]);
        Assert.Equal("CVE-2023-25690", Detail(changes[2])["cves.added"]);
        Assert.Equal("Acme Gateway >=4.0|<4.2.1 -> 4.2.1", Detail(changes[3])["products.removed"]);
        Assert.Equal("https://acme.example/security/2026-01", Detail(changes[4])["references.removed"]);
    }

    [Fact]
    public async Task A_javascript_url_or_a_bad_product_is_refused_with_a_readable_message_in_the_readers_language()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var (id, _) = await DraftAsync();
        var before = await DocumentAsync(id);
        var path = $"/advisories/manage/{id}";

        var english = await SignInAsync("en");
        var refused = await english.PostFormAsync(path, "advisory-references", new Dictionary<string, string> { ["url"] = "javascript:alert(document.cookie)", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("A reference is an http or https URL (at most 2,000 characters).", refused.Text);
        Assert.DoesNotContain("javascript:alert", refused.Text);

        var french = await SignInAsync("fr");
        refused = await french.PostFormAsync(path, "advisory-references", new Dictionary<string, string> { ["url"] = "JavaScript:alert(1)", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Une référence est une URL http ou https (2 000 caractères au plus).", refused.Text);
        var badRange = await french.PostFormAsync(path, "advisory-products", new Dictionary<string, string>
            { ["vendor"] = "Acme", ["product"] = "Gateway", ["affected"] = "every version before 4.2", ["scheme"] = "semver", ["action"] = "add" });
        Assert.Equal(HttpStatusCode.BadRequest, badRange.Status);
        Assert.Contains("Les versions concernées sont des contraintes vers séparées par | (par ex. >=2.0|<2.15.0).", badRange.Text);
        var badCpe = await french.PostFormAsync(path, "advisory-products", new Dictionary<string, string>
            { ["vendor"] = "Acme", ["product"] = "Gateway", ["cpe"] = "acme gateway", ["scheme"] = "generic", ["action"] = "add" });
        Assert.Contains("Le CPE est un nom CPE 2.3", badCpe.Text);

        // The API applies the same checks and answers in English with a stable reason.
        using var api = await app.Client("analyst").PutAsJsonAsync($"/api/v1/advisories/{id}",
            new { references = before.References.Append("data:text/html,<script>alert(1)</script>").ToArray() }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(("A reference is an http or https URL (at most 2,000 characters).", "reference-url"),
            (problem.GetProperty("detail").GetString(), problem.GetProperty("reason").GetString()));

        var after = await DocumentAsync(id);
        Assert.Equal(before.References, after.References);
        Assert.Equal(before.Products, after.Products);
    }

    [Fact]
    public async Task A_refused_publication_is_said_in_french_on_a_french_page_and_in_the_cli_and_audited()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var (id, trackingId) = await DraftAsync();
        var original = await DocumentAsync(id);
        // Every product removed through the API: the bulletin can no longer be published.
        using (var emptied = await app.Client("analyst").PutAsJsonAsync($"/api/v1/advisories/{id}", new { products = Array.Empty<object>() }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, emptied.StatusCode);
        }
        var d = await DocumentAsync(id);
        var fields = new Dictionary<string, string>
        {
            ["tlp"] = "CLEAR", ["severity"] = "high",
            ["fr.title"] = "Log4Shell : exécution de code à distance", ["fr.summary"] = "Un attaquant peut exécuter du code via JNDI.",
            ["en.title"] = d.En.Title, ["en.summary"] = d.En.Summary, ["summary"] = "Première publication", ["action"] = "publish",
        };
        var browser = await SignInAsync("fr");
        var refused = await browser.PostFormAsync($"/advisories/manage/{id}", "advisory-edit", fields);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Indiquez au moins un produit concerné.", refused.Text);
        Assert.DoesNotContain("Name at least one affected product.", refused.Text);
        Assert.False((await DocumentAsync(id)).Published);

        // The API keeps English (as every API message), with the reason's code.
        using var api = await app.Client("analyst").PostAsJsonAsync($"/api/v1/advisories/{id}/publish", new { summary = "x" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(("Name at least one affected product.", "no-product"), (problem.GetProperty("detail").GetString(), problem.GetProperty("reason").GetString()));

        // The CLI in a French terminal.
        var settings = new Dictionary<string, string>(app.Settings()) { ["LANG"] = "fr_FR.UTF-8", ["LC_ALL"] = "fr_FR.UTF-8" };
        var (code, _, error) = await CliTests.Run(settings, null, "advisories", "publish", trackingId);
        Assert.Equal(2, code);
        Assert.Contains($"{trackingId} n'a pas été publié : Indiquez au moins un produit concerné.", error);

        // Audit: the draft, the API edit (products removed), the page's edit of the French text, three refused publications.
        var entries = await AuditAsync(trackingId);
        Assert.Equal([AuditActions.Create, AuditActions.Change, AuditActions.Change], entries.Take(3).Select(e => e.Action));
        Assert.Equal(("api", "edit", "products"), (Detail(entries[1])["via"], Detail(entries[1])["operation"], Detail(entries[1])["changed"]));
        Assert.Contains(original.Products[0].Product, Detail(entries[1])["products.removed"]);
        Assert.Equal("page", Detail(entries[2])["via"]);
        Assert.Contains("fr", Detail(entries[2])["changed"]!.Split(','));
        Assert.Equal("critical -> high", Detail(entries[2])["severity"]);
        var refusals = entries.Skip(3).ToList();
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((AuditActions.Change, AuditOutcomes.Failure, "publish", "no-product"),
            (e.Action, e.Outcome, Detail(e)["operation"], Detail(e)["reason"])));
        Assert.Equal(["page", "api", "cli"], refusals.Select(e => Detail(e)["via"]));
        Assert.StartsWith("cli:", refusals[2].Actor);
    }

    [Fact]
    public async Task Publication_and_sending_are_audited_with_the_tracking_id()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var (id, trackingId) = await DraftAsync();
        var client = app.Client("analyst");
        using (var published = await client.PostAsJsonAsync($"/api/v1/advisories/{id}/publish", new { summary = "Initial publication" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        }
        using (var sent = await client.PostAsync($"/api/v1/advisories/{id}/distribute", null, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode); // no constituent chosen
            Assert.Equal("no-constituents", JsonDocument.Parse(await sent.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
        }
        var entries = await AuditAsync(trackingId);
        var publication = entries.Single(e => Detail(e).GetValueOrDefault("operation") == "publish");
        Assert.Equal((AuditActions.Change, AuditOutcomes.Success, "analyst@csirt.test", "1", "Initial publication", "api"),
            (publication.Action, publication.Outcome, publication.Actor, Detail(publication)["revision"], Detail(publication)["summary"], Detail(publication)["via"]));
    }

    [GeneratedRegex("<li>(?<line>[^<]*)<button type=\"submit\" name=\"remove\" value=\"(?<key>[0-9a-f]{16})\"")]
    private static partial Regex ProductButton();
}

public sealed class AdvisoryEditorSqliteTests(Rfc2350SqliteApp app) : AdvisoryEditorTests(app), IClassFixture<Rfc2350SqliteApp>;

public sealed class AdvisoryEditorPostgresTests(Rfc2350PostgresApp app) : AdvisoryEditorTests(app), IClassFixture<Rfc2350PostgresApp>;
