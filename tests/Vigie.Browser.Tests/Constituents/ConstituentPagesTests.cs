using System.Net.Http.Json;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Pgp;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Constituents;

/// <summary>The constituents list and page in Chromium: reading as an analyst, editing as a lead, and a forged edit refused.</summary>
public sealed class ConstituentPagesTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateIncidentAsync(string title, Guid constituent, string tlp = "TLP:AMBER", string user = "analyst")
    {
        var response = await app.Client(user).PostAsJsonAsync("/api/v1/incidents", new { title, tlp, constituentId = constituent }, Ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        return body.GetProperty("number").GetString()!;
    }

    [Fact]
    public async Task The_list_shows_kind_contract_on_site_support_and_open_incidents_and_filters_by_name_and_kind()
    {
        var open = await CreateIncidentAsync("Open case for the list", app.Lilas);
        await CreateIncidentAsync("Hidden red case", app.Lilas, tlp: "TLP:RED", user: "lead");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/constituents");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Bénéficiaires");
        var lilas = page.Locator("tr[data-constituent=Lilas]");
        await Expect(lilas).ToContainTextAsync("client");
        await Expect(lilas).ToContainTextAsync("gold");
        await Expect(lilas.Locator(".onsite")).ToHaveTextAsync("oui");
        // The analyst does not see the lead's TLP:RED incident, not even as a count.
        var count = int.Parse(await lilas.Locator(".open-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var visible = await app.Client("analyst").GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/incidents?constituent={app.Lilas}&limit=500", Ct);
        Assert.Equal(visible.GetProperty("items").GetArrayLength(), count);
        await Expect(page.Locator("tr[data-constituent=Mimosa]")).ToContainTextAsync("partenaire");
        await WorkspaceApp.ScreenshotAsync(page, "constituents");

        await page.FillAsync("#filter-q", "Mimo");
        await page.ClickAsync("#constituent-filters button[type=submit]");
        await Expect(page.Locator("#constituent-list tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#constituent-list tbody tr")).ToContainTextAsync("Mimosa");
        await page.GotoAsync("/constituents?kind=client");
        await Expect(page.Locator("tr[data-constituent=Lilas]")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-constituent=Mimosa]")).ToHaveCountAsync(0);

        // The count links to the incident list filtered by constituent.
        await page.GotoAsync("/constituents");
        await lilas.Locator(".open-count a").ClickAsync();
        await Expect(page.Locator($"#incident-list a:text-is('{open}')")).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_analyst_reads_scopes_contacts_keys_contract_and_history_gets_no_form_and_a_forged_post_is_refused()
    {
        var number = await CreateIncidentAsync("Web shell at Lilas", app.Lilas);
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/constituents/{app.Lilas}");
        await Expect(page.Locator("#constituent-name")).ToHaveTextAsync("Lilas");
        await Expect(page.Locator("#contract-reference")).ToHaveTextAsync("C-001");
        await Expect(page.Locator("#contract-tier")).ToHaveTextAsync("gold");
        await Expect(page.Locator("#onsite-badge")).ToBeVisibleAsync();
        await Expect(page.Locator("#scopes tr[data-scope='45.83.64.0/24']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#scopes tr[data-scope='lilas.example']")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-contact='soc@lilas.example'] .key")).ToHaveTextAsync("pas de clé");
        // gpg prints fingerprints in groups of four.
        var groups = string.Join(' ', Enumerable.Range(0, 10).Select(i => TestKeys.BobFingerprint.Substring(i * 4, 4)));
        await Expect(page.Locator("tr[data-contact='bob@partner.test'] .fingerprint")).ToHaveTextAsync(groups);
        await Expect(page.Locator("tr[data-contact='bob@partner.test']")).ToContainTextAsync("sécurité");
        await Expect(page.Locator($"#constituent-incidents a:text-is('{number}')")).ToHaveCountAsync(1);
        await Expect(page.Locator("#all-incidents")).ToHaveAttributeAsync("href", $"/incidents?constituent={app.Lilas}");

        await Expect(page.Locator("#edit-constituent")).ToHaveCountAsync(0);
        await Expect(page.Locator("#add-contact")).ToHaveCountAsync(0);
        await Expect(page.Locator("#add-scope")).ToHaveCountAsync(0);
        await Expect(page.Locator(".remove-contact")).ToHaveCountAsync(0);

        // The lead's form, posted with the analyst's session and a valid antiforgery token.
        var token = await page.Locator("header input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        foreach (var fields in new[]
        {
            new[] { ("_handler", "constituent-edit"), ("E.Name", "Forged"), ("E.Kind", "partner") },
            [("_handler", "scope-add"), ("S.Kind", "cidr"), ("S.Value", "203.0.113.0/24")],
            [("_handler", "contact-add"), ("C.Name", "Eve"), ("C.Email", "eve@evil.example"), ("C.Role", "security")],
        })
        {
            var form = page.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", token!);
            foreach (var (name, value) in fields)
            {
                form.Set(name, value);
            }
            var response = await page.APIRequest.PostAsync($"/constituents/{app.Lilas}", new() { Form = form });
            Assert.InRange(response.Status, 400, 403);
        }
        var lilas = await app.Client("analyst").GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/constituents/{app.Lilas}", Ct);
        Assert.Equal("Lilas", lilas.GetProperty("name").GetString());
        Assert.Equal(2, lilas.GetProperty("contacts").GetArrayLength());
        Assert.Equal(2, lilas.GetProperty("scopes").GetArrayLength());

        // English too.
        await page.GotoAsync($"/culture/en?returnUrl=/constituents/{app.Lilas}");
        await Expect(page.Locator("#contacts h2")).ToHaveTextAsync("Contacts");
        await Expect(page.Locator("tr[data-contact='soc@lilas.example'] .key")).ToHaveTextAsync("no key");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lead_edits_a_contact_pastes_a_key_manages_scopes_and_changes_the_contract()
    {
        var created = await app.Client("admin").PostAsJsonAsync("/api/v1/constituents", new
        {
            name = "Glycine",
            kind = "client",
            contract = new { reference = "C-042", tier = "standard", onSiteSupport = false },
            contacts = new[] { new { name = "SOC Glycine", email = "soc@glycine.example", role = "security" } },
            scopes = new[] { new { kind = "domain", value = "glycine.example" } },
        }, Ct);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString();

        var page = await app.SignInAsync("lead");
        await page.GotoAsync($"/constituents/{id}");
        await page.Locator("tr[data-contact='soc@glycine.example'] .edit-contact").ClickAsync();
        await Expect(page.Locator("#edit-contact")).ToBeVisibleAsync();
        await page.FillAsync("#u-phone", "+33 1 23 45 67 89");
        await page.SelectOptionAsync("#u-role", "technical");
        await page.FillAsync("#u-key", await File.ReadAllTextAsync(TestKeys.File("alice.pub.asc"), Ct));
        await page.ClickAsync("#c-save");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Contact enregistré.");
        var row = page.Locator("tr[data-contact='soc@glycine.example']");
        await Expect(row).ToContainTextAsync("+33 1 23 45 67 89");
        await Expect(row).ToContainTextAsync("technique");
        await Expect(row.Locator(".fingerprint")).ToHaveAttributeAsync("title", TestKeys.AliceFingerprint);

        // A secret key is refused, with the reason, and nothing changes.
        await page.Locator("tr[data-contact='soc@glycine.example'] .edit-contact").ClickAsync();
        await page.FillAsync("#u-key", await File.ReadAllTextAsync(TestKeys.File("alice.sec.asc"), Ct));
        await page.ClickAsync("#c-save");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("SECRET key");
        await page.GotoAsync($"/constituents/{id}");
        await Expect(page.Locator("tr[data-contact='soc@glycine.example'] .fingerprint")).ToHaveAttributeAsync("title", TestKeys.AliceFingerprint);

        // Add a contact, then remove it.
        await page.FillAsync("#c-name", "Legal desk");
        await page.FillAsync("#c-email", "legal@glycine.example");
        await page.SelectOptionAsync("#c-role", "legal");
        await page.ClickAsync("#c-save");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Contact ajouté.");
        await page.Locator("tr[data-contact='legal@glycine.example'] .remove-contact").ClickAsync();
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Contact retiré.");
        await Expect(page.Locator("tr[data-contact='legal@glycine.example']")).ToHaveCountAsync(0);

        // Scopes: a bad one is explained, a good one added, then removed; a taken one names its owner.
        await page.SelectOptionAsync("#s-kind", "cidr");
        await page.FillAsync("#s-value", "198.51.100.7/24");
        await page.ClickAsync("#s-add");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("198.51.100.0/24");
        await page.SelectOptionAsync("#s-kind", "cidr");
        await page.FillAsync("#s-value", "45.83.64.0/24");
        await page.ClickAsync("#s-add");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("Lilas");
        await page.SelectOptionAsync("#s-kind", "asn");
        await page.FillAsync("#s-value", "as64500");
        await page.ClickAsync("#s-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Périmètre ajouté.");
        await Expect(page.Locator("#scopes tr[data-scope='AS64500']")).ToHaveCountAsync(1);
        await page.Locator("#scopes tr[data-scope='AS64500'] button").ClickAsync();
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Périmètre retiré.");
        await Expect(page.Locator("#scopes tr[data-scope='AS64500']")).ToHaveCountAsync(0);

        // Contract: on-site support granted, shown in the header.
        await page.Locator("#edit-constituent summary").ClickAsync();
        await page.FillAsync("#e-tier", "gold");
        await page.CheckAsync("#e-onsite");
        await page.FillAsync("#e-notes", "Night contact via the SOC.");
        await page.ClickAsync("#e-save");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Bénéficiaire enregistré.");
        await Expect(page.Locator("#contract-tier")).ToHaveTextAsync("gold");
        await Expect(page.Locator("#onsite-badge")).ToBeVisibleAsync();
        await Expect(page.Locator("#constituent-notes")).ToHaveTextAsync("Night contact via the SOC.");

        // The page a lead sees for a constituent with keys, scopes and history (screenshot).
        await CreateIncidentAsync("Ransomware note on a Lilas file server", app.Lilas, user: "lead");
        await page.GotoAsync($"/constituents/{app.Lilas}");
        await Expect(page.Locator("#edit-constituent")).ToHaveCountAsync(1);
        await WorkspaceApp.ScreenshotAsync(page, "constituent");
        await page.Context.CloseAsync();
    }
}
