using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Portal;

/// <summary>
/// The constituent portal in Chromium (issue 7, "Done when"): a contact of Lilas signs in with their
/// password, sees Lilas's incident and nothing of Mimosa's (Mimosa's URL shows the not-found page),
/// replies, uploads a file and files a report; an analyst then finds the reply and the report in the workspace.
/// </summary>
public sealed class PortalTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> IncidentAsync(string title, Guid constituent) =>
        (await app.Client("lead").PostJson("/api/v1/incidents", new { title, tlp = "TLP:AMBER", constituentId = constituent })
            .Expect(HttpStatusCode.Created)).Str("number");

    [Fact]
    public async Task A_contact_of_Lilas_sees_Lilas_only_replies_uploads_and_reports_and_an_analyst_sees_it()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        const string email = "soc@lilas.example";
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            app.AddUser(db, email, UserRole.Constituent, TokenScope.Write, app.Lilas, fullName: "Sophie Lilas");
            await db.SaveChangesAsync(Ct);
        }
        var lilas = await IncidentAsync($"Phishing wave at Lilas {tag}", app.Lilas);
        var mimosa = await IncidentAsync($"Mimosa confidential {tag}", app.Mimosa);

        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en",
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            // The not-found answer this test asks for on purpose is the only 4xx expected.
            if (m.Type == "error" && !m.Text.Contains("404", StringComparison.Ordinal) && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(m.Text + " " + m.Location);
                }
            }
        };
        page.PageError += (_, e) => { lock (errors) { errors.Add(e); } };

        // Password only: the contact has not enrolled a second factor (optional for contacts).
        await page.GotoAsync("/culture/en?returnUrl=/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", VigieApp.TestPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => u.EndsWith("/portal", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your organisation's incidents");
        await Expect(page.Locator("#portal-incidents")).ToContainTextAsync(lilas);
        await Expect(page.Locator("#portal-incidents")).Not.ToContainTextAsync(mimosa);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Mimosa");
        await Expect(page.Locator("nav.mainnav a[href='/triage']")).ToHaveCountAsync(0);
        await WorkspaceApp.ScreenshotAsync(page, "portal");

        // Mimosa's incident by its URL: the not-found page, nothing of it.
        var other = await page.GotoAsync($"/portal/incidents/{mimosa}");
        Assert.Equal(404, other!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");
        await Expect(page.Locator("body")).Not.ToContainTextAsync($"Mimosa confidential {tag}");
        // The way back is the portal, not the staff dashboard (a closed door for a contact).
        await Expect(page.Locator(".empty-state a[href='/portal']")).ToBeVisibleAsync();

        // Reply on Lilas's incident.
        await page.GotoAsync($"/portal/incidents/{lilas}");
        await Expect(page.Locator("h1")).ToContainTextAsync($"Phishing wave at Lilas {tag}");
        await page.FillAsync("#reply-text", $"We blocked the sender {tag} at 10:05.");
        await page.ClickAsync("#reply-send");
        await Expect(page.Locator("#reply-sent")).ToBeVisibleAsync();

        // A file for the incident.
        await page.SetInputFilesAsync("#evidence-file", new FilePayload
        {
            Name = "headers.txt",
            MimeType = "text/plain",
            Buffer = Encoding.UTF8.GetBytes($"Received: from mail.attacker.example {tag}"),
        });
        await page.ClickAsync("#evidence-send");
        await page.WaitForURLAsync(u => u.Contains("ev=added", StringComparison.Ordinal));
        await Expect(page.Locator("#evidence-outcome")).ToHaveTextAsync("The file was received and recorded.");
        await Expect(page.Locator("#portal-evidence-list")).ToContainTextAsync("headers.txt");

        // A new report.
        await page.ClickAsync("a[href='/portal/reports/new']");
        await page.FillAsync("#report-subject", $"Suspicious VPN logins {tag}");
        await page.FillAsync("#report-text", "Logins from 203.0.113.50 at night.");
        await page.ClickAsync("#report-send");
        await Expect(page.Locator("#report-filed")).ToBeVisibleAsync();
        var reference = Guid.Parse((await page.Locator("#report-reference").TextContentAsync())!);
        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join(" | ", errors));
        }

        // The intake reads the reply (threaded to the incident) and the report.
        Guid reply;
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            await using var scope = app.Scope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var found = await db.Reports.AsNoTracking()
                .Where(r => r.SubmittedBy == "portal:" + email && r.Status == ReportStatus.Processed && r.Subject!.Contains(lilas))
                .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(Ct);
            var filed = await db.Reports.AnyAsync(r => r.Id == reference && r.Status == ReportStatus.Processed, Ct);
            if (found is { } id && filed && await db.CorrespondenceMessages.AnyAsync(m => m.ReportId == id, Ct))
            {
                reply = id;
                break;
            }
            Assert.True(Environment.TickCount64 < deadline, "The reply and the report were not read in time.");
            await Task.Delay(100, Ct);
        }

        var analyst = await app.SignInAsync("analyst", "en");
        await analyst.GotoAsync($"/incidents/{lilas}?tab=correspondence");
        await Expect(analyst.Locator("main")).ToContainTextAsync(email);
        await Expect(analyst.Locator("main")).ToContainTextAsync($"We blocked the sender {tag} at 10:05.");
        await analyst.GotoAsync($"/reports/{reply}");
        await Expect(analyst.Locator("#report-text")).ToContainTextAsync($"We blocked the sender {tag} at 10:05.");
        await analyst.GotoAsync($"/incidents/{lilas}?tab=evidence");
        await Expect(analyst.Locator("main")).ToContainTextAsync("headers.txt");
        await analyst.GotoAsync($"/reports/{reference}");
        await Expect(analyst.Locator("#report-id")).ToHaveTextAsync(reference.ToString());
        await Expect(analyst.Locator("main")).ToContainTextAsync($"Suspicious VPN logins {tag}");
        await Expect(analyst.Locator("#report-text")).ToContainTextAsync("Logins from 203.0.113.50 at night.");
        Assert.Empty(WorkspaceApp.ErrorsOf(analyst));
    }

    [Fact]
    public async Task A_contact_imports_a_csv_into_their_inventory_and_sees_the_rows()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"it-{tag}@lilas.example";
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            app.AddUser(db, email, UserRole.Constituent, TokenScope.Write, app.Lilas, fullName: "Ivo Lilas");
            await db.SaveChangesAsync(Ct);
            await scope.ServiceProvider.GetRequiredService<Vigie.Features.Inventory.InventoryService>()
                .AddAsync(app.Mimosa, new Vigie.Features.Inventory.InventoryInput("Mimosa Corp", $"MimosaOnly {tag}", "1"), "lead@csirt.test", Ct);
        }
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en",
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => { lock (errors) { errors.Add(e); } };
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(m.Text + " " + m.Location);
                }
            }
        };

        await page.GotoAsync("/culture/en?returnUrl=/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", VigieApp.TestPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => u.EndsWith("/portal", StringComparison.Ordinal));

        // From the portal's navigation to the inventory, then a CSV with two good rows and a bad one.
        await page.ClickAsync("#nav-inventory");
        await page.WaitForURLAsync(u => u.EndsWith("/portal/inventory", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your organisation's inventory");
        await page.SetInputFilesAsync("#inv-file", new FilePayload
        {
            Name = "assets.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"vendor,product,version,exposure,criticality\nCitrix,NetScaler ADC {tag},13.1,internet-facing,critical\n" +
                $"Ivanti,Connect Secure {tag},22.7,internet-facing,high\nNobody,Broken {tag},1,on-the-moon,low\n"),
        });
        await page.ClickAsync("#inv-import");
        await Expect(page.Locator("#inventory-notice")).ToHaveTextAsync("2 added, 0 updated, 1 refused.");
        await Expect(page.Locator(".inventory-row-error")).ToHaveTextAsync("Row 4: the exposure \"on-the-moon\" is neither internal nor internet-facing.");
        var table = page.Locator("#portal-inventory");
        await Expect(table).ToContainTextAsync($"NetScaler ADC {tag}");
        await Expect(table).ToContainTextAsync($"Connect Secure {tag}");
        await Expect(table).Not.ToContainTextAsync($"Broken {tag}");
        await Expect(table.Locator("tbody tr", new() { HasText = $"NetScaler ADC {tag}" })).ToContainTextAsync("internet-facing");
        await WorkspaceApp.ScreenshotAsync(page, "portal-inventory");

        // Back on the page, the rows are still there (stored, not just echoed), and nothing of another organisation.
        await page.GotoAsync("/portal/inventory");
        await Expect(page.Locator("#portal-inventory")).ToContainTextAsync($"Connect Secure {tag}");
        await Expect(page.Locator("body")).Not.ToContainTextAsync($"MimosaOnly {tag}");
        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join(" | ", errors));
        }
    }
}
