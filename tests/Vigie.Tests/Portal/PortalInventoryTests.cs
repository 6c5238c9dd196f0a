using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Advisories;
using Vigie.Core.Vulnerabilities.Ssvc;
using Vigie.Data;
using Vigie.Features.Advisories;
using Vigie.Features.Audit;
using Vigie.Features.Constituents;
using Vigie.Features.Identity;
using Vigie.Features.Inventory;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Portal;

/// <summary>
/// Two organisations, A and B, each with a contact and an inventory, and bulletins distributed to one or the other.
/// In the portal, the contact of A sees, adds, changes, removes and imports A's inventory only (B's items are "not
/// found", and stay as they were), each change in the audit log; they read the bulletins distributed to A (AMBER
/// and GREEN ones included, in their language) and never B's.
/// </summary>
public abstract class PortalInventoryTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int s_ip;

    private sealed record World(
        string X, Guid OrgA, string ContactA, string TokenA, string ContactA2, Guid OrgB, string TokenB,
        Guid ItemA, Guid ItemB, string ProductB);

    private async Task<World> WorldAsync()
    {
        app.SkipIfUnavailable();
        var x = Guid.NewGuid().ToString("N")[..8];
        var contactA = $"soc@inv-a-{x}.example";
        var contactA2 = $"ciso@inv-a-{x}.example";
        var contactB = $"soc@inv-b-{x}.example";
        var productB = $"SecretProductOfB{x}";
        await using var scope = app.Scope();
        var constituents = scope.ServiceProvider.GetRequiredService<ConstituentService>();
        var orgA = (await constituents.CreateAsync(new ConstituentRequest($"Inv A {x}", "client", new ContractDto("C-A", "gold", false), null,
            [new ContactRequest("SOC A", contactA, "security", null, null), new ContactRequest("CISO A", contactA2, "management", null, null)], []), Ct)).Value!.Id;
        var orgB = (await constituents.CreateAsync(new ConstituentRequest($"Inv B {x}", "client", new ContractDto("C-B", "gold", false), null,
            [new ContactRequest("SOC B", contactB, "security", null, null)], []), Ct)).Value!.Id;
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var tokenA = app.AddUser(db, contactA, UserRole.Constituent, TokenScope.Write, orgA, fullName: "Sol Contact-A");
        var tokenB = app.AddUser(db, contactB, UserRole.Constituent, TokenScope.Write, orgB, fullName: "Bea Contact-B");
        await db.SaveChangesAsync(Ct);
        var inventory = scope.ServiceProvider.GetRequiredService<InventoryService>();
        var itemA = (await inventory.AddAsync(orgA, new InventoryInput("Acme", $"Gateway{x}", "4.2", Exposure: Exposure.InternetFacing,
            Criticality: Criticality.High), "lead@csirt.test", Ct)).Value!.Id;
        var itemB = (await inventory.AddAsync(orgB, new InventoryInput("Globex", productB, "1.0"), "lead@csirt.test", Ct)).Value!.Id;
        return new World(x, orgA, contactA, tokenA, contactA2, orgB, tokenB, itemA, itemB, productB);
    }

    private async Task<FormBrowser> SignInAsync(string email, string culture = "en")
    {
        var browser = new FormBrowser(app, IPAddress.Parse($"198.51.100.{100 + (Interlocked.Increment(ref s_ip) % 150)}"), culture);
        var signedIn = await browser.PostFormAsync("/signin", "signin",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = VigieApp.TestPassword });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        return browser;
    }

    private HttpClient As(string token)
    {
        var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<List<InventoryItem>> ItemsAsync(Guid org)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<InventoryItem>().AsNoTracking()
            .Where(i => i.ConstituentId == org).ToListAsync(Ct);
    }

    private async Task<List<AuditEntry>> AuditAsync(string actor)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Actor == actor && (e.ObjectKind == "inventory-item" || e.ObjectKind == "inventory")).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    [Fact]
    public async Task A_contact_sees_their_organisations_inventory_and_nothing_of_another()
    {
        var w = await WorldAsync();
        var browser = await SignInAsync(w.ContactA);
        var page = await browser.GetAsync("/portal/inventory");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"Gateway{w.X}", page.Text);
        Assert.Contains("internet-facing", page.Text);
        Assert.Contains($"id=\"item-{w.ItemA}\"", page.Body);
        Assert.DoesNotContain(w.ProductB, page.Text);
        Assert.DoesNotContain(w.ItemB.ToString(), page.Body);
        Assert.Contains("href=\"/portal/inventory\"", page.Body); // in the portal's navigation

        // B's contact, with a token, sees B's and not A's.
        using var other = await As(w.TokenB).GetAsync("/portal/inventory", Ct);
        var html = await other.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains(w.ProductB, html);
        Assert.DoesNotContain($"Gateway{w.X}", html);
    }

    [Fact]
    public async Task Adding_changing_and_removing_a_product_lands_in_the_database_and_the_audit_log()
    {
        var w = await WorldAsync();
        var browser = await SignInAsync(w.ContactA);
        var added = await browser.PostFormAsync("/portal/inventory", "portal-inventory-add", new Dictionary<string, string>
        {
            ["Item.Vendor"] = "Fortinet", ["Item.Product"] = "FortiOS", ["Item.Version"] = "7.2.4",
            ["Item.Exposure"] = "internet-facing", ["Item.Criticality"] = "critical",
        });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains("The product was added.", added.Text);
        Assert.Contains("FortiOS", added.Text);
        var item = Assert.Single(await ItemsAsync(w.OrgA), i => i.Product == "FortiOS");
        Assert.Equal((Exposure.InternetFacing, Criticality.Critical, w.ContactA, "manual"), (item.Exposure, item.Criticality, item.UpdatedBy, item.Source));

        var refused = await browser.PostFormAsync("/portal/inventory", "portal-inventory-add", new Dictionary<string, string>
        {
            ["Item.Cpe"] = "cpe:not-a-cpe", ["Item.Exposure"] = "internal", ["Item.Criticality"] = "low",
        });
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        Assert.Contains("\"cpe:not-a-cpe\" is not a CPE name", refused.Text);

        var changed = await browser.PostFormAsync($"/portal/inventory/{item.Id}", "portal-inventory-edit", new Dictionary<string, string>
        {
            ["Item.Vendor"] = "Fortinet", ["Item.Product"] = "FortiOS", ["Item.Version"] = "7.2.5",
            ["Item.Exposure"] = "internal", ["Item.Criticality"] = "high",
        });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Contains("The product was saved.", changed.Text);
        item = Assert.Single(await ItemsAsync(w.OrgA), i => i.Id == item.Id);
        Assert.Equal(("7.2.5", Exposure.Internal, Criticality.High), (item.Version, item.Exposure, item.Criticality));

        var removed = await browser.PostFormAsync("/portal/inventory", "portal-inventory-remove", new Dictionary<string, string> { ["RemoveId"] = item.Id.ToString() });
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Contains("The product was removed.", removed.Text);
        Assert.DoesNotContain(await ItemsAsync(w.OrgA), i => i.Id == item.Id);
        Assert.Contains(await ItemsAsync(w.OrgA), i => i.Id == w.ItemA);

        var audit = await AuditAsync(w.ContactA);
        Assert.Equal([(AuditActions.Create, "add"), (AuditActions.Change, "change"), (AuditActions.Change, "remove")],
            audit.Select(e => (e.Action, System.Text.Json.JsonDocument.Parse(e.Detail!).RootElement.GetProperty("operation").GetString())));
        Assert.All(audit, e => Assert.Equal(item.Id.ToString(), e.ObjectId));
        Assert.All(audit, e => Assert.Contains("Fortinet FortiOS", e.Detail));
        Assert.All(audit, e => Assert.Contains(w.OrgA.ToString(), e.Detail));
    }

    [Fact]
    public async Task Importing_keeps_the_valid_rows_and_lists_the_refused_ones_in_the_readers_language()
    {
        var w = await WorldAsync();
        var browser = await SignInAsync(w.ContactA, "fr");
        var csv = $"""
            vendor,product,version,cpe,purl,exposure,criticality
            Microsoft,Exchange Server {w.X},2019,,,internet-facing,critical
            ,,,cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*,,internal,high
            Bad,Row,1,cpe:broken,,internal,low
            Worse,Row,1,,,sur-la-lune,low
            """;
        var imported = await browser.PostFileAsync("/portal/inventory", "portal-inventory-import", "parc.csv", Encoding.UTF8.GetBytes(csv));
        Assert.Equal(HttpStatusCode.OK, imported.Status);
        Assert.Contains("2 ajouté(s), 0 mis à jour, 2 refusé(s).", imported.Text);
        Assert.Contains("Ligne 4 : « cpe:broken » n'est pas un nom CPE", imported.Text);
        Assert.Contains("Ligne 5 : l'exposition « sur-la-lune » n'est ni internal (interne) ni internet-facing (exposé).", imported.Text);
        Assert.Contains($"Exchange Server {w.X}", imported.Text);
        var items = await ItemsAsync(w.OrgA);
        Assert.Contains(items, i => i.Product == $"Exchange Server {w.X}" && i.Exposure == Exposure.InternetFacing && i.Source == "csv:parc.csv");
        Assert.Contains(items, i => i.Cpe == "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*");
        Assert.DoesNotContain(items, i => i.Vendor is "Bad" or "Worse");
        Assert.Single(await ItemsAsync(w.OrgB)); // B's inventory untouched

        // A dry run saves nothing; a CycloneDX SBOM goes through the same import.
        var sbom = $$"""
            {"bomFormat":"CycloneDX","specVersion":"1.5","components":[
              {"type":"library","group":"org.apache.logging.log4j","name":"log4j-core-{{w.X}}","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core-{{w.X}}@2.14.1"}]}
            """;
        var checkOnly = await browser.PostFileAsync("/portal/inventory", "portal-inventory-import", "bom.json", Encoding.UTF8.GetBytes(sbom),
            new Dictionary<string, string> { ["DryRun"] = "true" });
        Assert.Contains("Vérification seule", checkOnly.Text);
        Assert.DoesNotContain(await ItemsAsync(w.OrgA), i => i.Purl != null && i.Purl.Contains(w.X, StringComparison.Ordinal));
        var bom = await browser.PostFileAsync("/portal/inventory", "portal-inventory-import", "bom.json", Encoding.UTF8.GetBytes(sbom));
        Assert.Contains("1 ajouté(s), 0 mis à jour, 0 refusé(s).", bom.Text);
        Assert.Contains(await ItemsAsync(w.OrgA), i => i.Purl == $"pkg:maven/org.apache.logging.log4j/log4j-core-{w.X}@2.14.1" && i.Source == "json:bom.json");

        var unreadable = await browser.PostFileAsync("/portal/inventory", "portal-inventory-import", "parc.csv", "nothing,useful\n1,2\n"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, unreadable.Status);
        Assert.Contains("Le fichier est illisible", unreadable.Text);

        // Larger than the 1 MiB default body limit (an SBOM often is): the page takes the inventory API's limit.
        var big = new StringBuilder("vendor,product,version,exposure\n");
        for (var i = 0; big.Length < 1_300_000; i++)
        {
            big.Append("Vendor,Product ").Append(i).Append(",1,nowhere\n");
        }
        var large = await browser.PostFileAsync("/portal/inventory", "portal-inventory-import", "big.csv", Encoding.UTF8.GetBytes(big.ToString()));
        Assert.Equal(HttpStatusCode.OK, large.Status);
        Assert.Contains("0 ajouté(s), 0 mis à jour,", large.Text);
        Assert.Contains("autre(s) ligne(s) refusée(s).", large.Text);

        var audit = await AuditAsync(w.ContactA);
        Assert.Equal(3, audit.Count); // the dry run and the refused file changed nothing
        Assert.All(audit, e => Assert.Equal(("inventory", w.OrgA.ToString()), (e.ObjectKind, e.ObjectId)));
        Assert.Contains("\"added\":\"2\"", audit[0].Detail);
        Assert.Contains("\"refused\":\"2\"", audit[0].Detail);
    }

    [Fact]
    public async Task Another_organisations_item_is_not_found_and_stays_as_it_was()
    {
        var w = await WorldAsync();
        var browser = await SignInAsync(w.ContactA);
        var removed = await browser.PostFormAsync("/portal/inventory", "portal-inventory-remove", new Dictionary<string, string> { ["RemoveId"] = w.ItemB.ToString() });
        Assert.Equal(HttpStatusCode.NotFound, removed.Status);
        Assert.DoesNotContain(w.ProductB, removed.Text);

        var read = await browser.GetAsync($"/portal/inventory/{w.ItemB}");
        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.DoesNotContain(w.ProductB, read.Text);
        // The change form posted at B's item (with the token of a page A may open): not found, nothing written.
        var edited = await browser.PostFormToAsync($"/portal/inventory/{w.ItemA}", $"/portal/inventory/{w.ItemB}", "portal-inventory-edit",
            new Dictionary<string, string> { ["Item.Vendor"] = "Evil", ["Item.Product"] = "Overwritten", ["Item.Exposure"] = "internal", ["Item.Criticality"] = "low" });
        Assert.Equal(HttpStatusCode.NotFound, edited.Status);
        Assert.DoesNotContain(w.ProductB, edited.Text);

        var b = Assert.Single(await ItemsAsync(w.OrgB));
        Assert.Equal((w.ItemB, "Globex", w.ProductB, "1.0"), (b.Id, b.Vendor, b.Product, b.Version));
        Assert.DoesNotContain(await ItemsAsync(w.OrgA), i => i.Product == "Overwritten");
        Assert.Empty(await AuditAsync(w.ContactA));
    }

    // ------------------------------------------------------------------ bulletins

    private async Task<string> BulletinAsync(string x, string name, string tlp, IEnumerable<(Guid Org, string Email)> deliveredTo, bool published = true)
    {
        var trackingId = $"VIGIE-T{x.ToUpperInvariant()}-{name}";
        var now = app.Time.GetUtcNow();
        var document = new AdvisoryDocument(trackingId, tlp, "high",
            new AdvisoryText($"English title {name} {x}", $"English summary of {name}.", "Upgrade now."),
            new AdvisoryText($"Titre français {name} {x}", $"Résumé français de {name}.", "Mettez à jour sans attendre."),
            [new AdvisoryCve("CVE-2024-3400", null, 10.0, null, "3.1")], [new AdvisoryProduct("Palo Alto Networks", "PAN-OS", "<11.1.2", "11.1.2")],
            [], published ? [new AdvisoryRevision(1, now, "Initial")] : [], now);
        var advisory = new Advisory { Id = Guid.CreateVersion7(), CreatedAt = now, CreatedBy = "lead@csirt.test" };
        advisory.Set(document, now);
        if (published)
        {
            advisory.MarkPublished(now);
        }
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        db.Add(advisory);
        foreach (var (org, email) in deliveredTo)
        {
            db.Add(new AdvisoryDelivery
            {
                Id = Guid.CreateVersion7(), AdvisoryId = advisory.Id, Revision = 1, ConstituentId = org, Email = email, Sent = true, At = now,
            });
        }
        await db.SaveChangesAsync(Ct);
        return trackingId;
    }

    [Fact]
    public async Task A_contact_reads_the_bulletins_distributed_to_their_organisation_only()
    {
        var w = await WorldAsync();
        var contactB = $"soc@inv-b-{w.X}.example";
        var clear = await BulletinAsync(w.X, "CLEAR", "CLEAR", [(w.OrgA, w.ContactA)]);
        var amber = await BulletinAsync(w.X, "AMBER", "AMBER", [(w.OrgA, w.ContactA), (w.OrgB, contactB)]);
        var green = await BulletinAsync(w.X, "GREEN", "GREEN", [(w.OrgA, w.ContactA2)]);
        var redOther = await BulletinAsync(w.X, "RED", "RED", [(w.OrgA, w.ContactA2)]);
        var forB = await BulletinAsync(w.X, "FORB", "GREEN", [(w.OrgB, contactB)]);
        var notSent = await BulletinAsync(w.X, "NOTSENT", "CLEAR", []);
        var draft = await BulletinAsync(w.X, "DRAFT", "GREEN", [(w.OrgA, w.ContactA)], published: false);

        var browser = await SignInAsync(w.ContactA);
        var list = await browser.GetAsync("/portal/advisories");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        foreach (var seen in new[] { clear, amber, green })
        {
            Assert.Contains($"href=\"/portal/advisories/{seen}\"", list.Body);
        }
        Assert.Contains("TLP:AMBER", list.Text);
        Assert.Contains($"English title GREEN {w.X}", list.Text);
        foreach (var unseen in new[] { redOther, forB, notSent, draft })
        {
            Assert.DoesNotContain(unseen, list.Body);
        }
        Assert.Contains("href=\"/portal/advisories\"", list.Body); // in the portal's navigation

        var detail = await browser.GetAsync($"/portal/advisories/{amber}");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        Assert.Contains($"English title AMBER {w.X}", detail.Text);
        Assert.Contains("English summary of AMBER.", detail.Text);
        Assert.Contains("TLP:AMBER", detail.Text);
        Assert.Contains("CVE-2024-3400", detail.Text);
        Assert.DoesNotContain("Titre français", detail.Text);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/portal/advisories/{green.ToLowerInvariant()}")).Status);

        foreach (var unseen in new[] { redOther, forB, notSent, draft, "VIGIE-NOPE-1" })
        {
            var closed = await browser.GetAsync($"/portal/advisories/{unseen}");
            Assert.True(closed.Status == HttpStatusCode.NotFound, $"{unseen}: {(int)closed.Status}");
            Assert.DoesNotContain("English title", closed.Text);
        }
        // The public page still shows no AMBER bulletin.
        using var anonymous = app.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/advisories/{amber}", Ct)).StatusCode);

        // B's contact sees the AMBER one (distributed to B too) and their own, not A's CLEAR one.
        using var asB = await As(w.TokenB).GetAsync("/portal/advisories", Ct);
        var htmlB = await asB.Content.ReadAsStringAsync(Ct);
        Assert.Contains(amber, htmlB);
        Assert.Contains(forB, htmlB);
        Assert.DoesNotContain(clear, htmlB);
    }

    [Fact]
    public async Task A_bulletin_reads_in_french_for_a_french_reader()
    {
        var w = await WorldAsync();
        var amber = await BulletinAsync(w.X, "AMBER", "AMBER", [(w.OrgA, w.ContactA)]);
        var browser = await SignInAsync(w.ContactA, "fr");
        var list = await browser.GetAsync("/portal/advisories");
        Assert.Contains("Bulletins adressés à votre organisation", list.Text);
        Assert.Contains($"Titre français AMBER {w.X}", list.Text);
        var detail = await browser.GetAsync($"/portal/advisories/{amber}");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        Assert.Contains($"Titre français AMBER {w.X}", detail.Text);
        Assert.Contains("Résumé français de AMBER.", detail.Text);
        Assert.Contains("Mettez à jour sans attendre.", detail.Text);
        Assert.Contains("Produits concernés", detail.Text);
        Assert.DoesNotContain("English title", detail.Text);

        // The read is in the audit log, as reads of incidents are.
        await using var scope = app.Scope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .AnyAsync(e => e.Action == AuditActions.Read && e.Actor == w.ContactA && e.ObjectKind == "advisory" && e.ObjectId == amber, Ct));
    }
}

public sealed class PortalInventorySqliteTests(SqliteApp app) : PortalInventoryTests(app), IClassFixture<SqliteApp>;

public sealed class PortalInventoryPostgresTests(PostgresApp app) : PortalInventoryTests(app), IClassFixture<PostgresApp>;
