using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Metrics;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Metrics;

/// <summary>The workspace with the incidents of docs/metrics.md's example (MetricsSeed).</summary>
public sealed class MetricsWorkspaceApp : WorkspaceApp
{
    public override Provider Provider => Provider.Sqlite;

    public IReadOnlyDictionary<string, string> Numbers { get; private set; } = new Dictionary<string, string>();

    protected override IReadOnlyDictionary<string, string> ExtraSettings() =>
        base.ExtraSettings().Concat(MetricsSeed.Settings).ToDictionary(p => p.Key, p => p.Value);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Unavailable)
        {
            Numbers = await MetricsSeed.RunAsync(this);
        }
    }
}

/// <summary>From the dashboard's SLA card to the monthly report, in Chromium.</summary>
public sealed class SlaReportPageTests(MetricsWorkspaceApp app) : IClassFixture<MetricsWorkspaceApp>
{
    [Fact]
    public async Task The_dashboard_card_leads_to_the_monthly_report_with_its_charts_and_figures()
    {
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/");
        await Expect(page.Locator("#sla-this-month .stat")).ToHaveTextAsync("33,3 %");
        await Expect(page.Locator("#dash-mttr .sla-bar")).ToHaveCountAsync(6);
        await page.ClickAsync("#sla-report-link");

        await Expect(page.Locator("#report-title")).ToHaveTextAsync("Rapport SLA — novembre 2026");
        await Expect(page.Locator("#first-response-compliance")).ToHaveTextAsync("33,3 %");
        // Six months of MTTR bars, November's the mean of A (43 h) and B (19.5 h) in business time.
        var bars = page.Locator("#chart-mttr .sla-bar");
        await Expect(bars).ToHaveCountAsync(6);
        await Expect(bars.Last).ToHaveAttributeAsync("data-value", "31 h 15");
        Assert.True(await bars.Last.Locator("rect").BoundingBoxAsync() is { Height: > 50 });
        await Expect(page.Locator("#breached tr[data-number]")).ToHaveCountAsync(2);
        await Expect(page.Locator($"#breached a[href='/incidents/{app.Numbers["B"]}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#by-constituent tr[data-group]").First).ToContainTextAsync("Lilas Metrics");
        await Expect(page.Locator("#download-pdf")).ToHaveAttributeAsync("href", "/reports/sla/2026-11/report.pdf?lang=fr");
        await WorkspaceApp.ScreenshotAsync(page, "sla-report");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));

        await page.ClickAsync("#previous-month");
        await Expect(page.Locator("#report-title")).ToHaveTextAsync("Rapport SLA — octobre 2026");
        await Expect(page.Locator("#incident-count")).ToHaveTextAsync("1");
    }
}
