using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>A portal with a generated US release and an analyst; the tests make a bundle of it and point <c>latest</c> there.</summary>
public sealed class ReportPortalFixture : PortalFixture
{
    public string AdminToken { get; private set; } = "";

    protected override string Name => "reports";

    protected override async Task SeedAsync(PortalProcess portal)
    {
        await portal.CreateUserAsync(TestAccounts.Admin);
        await portal.CreateUserAsync(TestAccounts.Analyst);
        var generated = await portal.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "400", "--seed", "11"]);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        AdminToken = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "e2e reports");
    }

    private readonly SemaphoreSlim _bundle = new(1, 1);
    private bool _promoted;

    /// <summary>Creates the bundle and promotes it to <c>latest</c> once per portal (both tests need it).</summary>
    public async Task EnsureLatestAsync()
    {
        await _bundle.WaitAsync();
        try
        {
            if (_promoted)
            {
                return;
            }

            using var api = Portal.CreateClient(AdminToken);
            var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = "2024.1.0" });
            var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            Assert.True(created.StatusCode == HttpStatusCode.Created, bundle.ToJsonString());
            var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = (string)bundle["bundle_id"]!, reason = "e2e reports" });
            Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());
            _promoted = true;
        }
        finally
        {
            _bundle.Release();
        }
    }
}

/// <summary>
/// As an analyst in a real browser, under the content security policy: create reports with the
/// wizard, watch the result arrive without a reload, rerun through the confirmation and see the
/// progress and the result again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ReportTests(BrowserFixture browser, ReportPortalFixture fixture) : IClassFixture<ReportPortalFixture>
{
    [GeneratedRegex(@"/reports/(\d+)$")]
    private static partial Regex ReportPage();

    private static async Task FillReformAsync(IPage page)
    {
        await page.Locator("#year").FillAsync("2024");
        await page.Locator("input[name='Input.Changes[0].Path']").FillAsync("gov.irs.deductions.standard.SINGLE");
        await page.Locator("input[name='Input.Changes[0].Value']").FillAsync("30000");
        await page.Locator("#title").FillAsync("E2E deduction");
    }

    [Fact]
    public async Task An_economy_report_is_created_with_the_wizard_then_rerun_after_a_confirmation()
    {
        await fixture.EnsureLatestAsync();
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Analyst);
        var page = session.Page;
        await page.GotoAsync("/reports");
        await page.Locator("#new-report").ClickAsync();
        await Expect(page.Locator("#report-type a.active")).ToHaveAttributeAsync("data-type", "economy");
        await Expect(page.Locator("#bundle")).ToHaveValueAsync("latest");
        await FillReformAsync(page);
        await page.Locator("#create-report").ClickAsync();

        // The report page: the result is swapped in by the live fragment, not by a reload.
        await Expect(page).ToHaveURLAsync(ReportPage());
        var id = ReportPage().Match(page.Url).Groups[1].Value;
        await page.EvaluateAsync("() => { window.reportPageLoaded = true; }");
        await Expect(page.Locator("#economy-result")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.reportPageLoaded === true"), "The result should arrive by an htmx swap, not a page reload.");
        await page.WaitForFunctionAsync("() => ['waterfall', 'deciles'].every(k => window.Chart && window.Chart.getChart(document.querySelector(`canvas[data-chart=${k}]`)))");
        await Expect(page.Locator("#decile-table tbody tr")).ToHaveCountAsync(10);

        // Tabs: policy comparison and the provenance bundle card.
        await page.Locator("#report-tabs a[data-tab=policy]").ClickAsync();
        await Expect(page.Locator("#policy-table tr[data-path='gov.irs.deductions.standard.SINGLE'] [data-side=reform]")).ToContainTextAsync("30000");
        await page.Locator("#report-tabs a[data-tab=provenance]").ClickAsync();
        await Expect(page.Locator("#report-bundle-link")).ToBeVisibleAsync();

        // Rerun: the confirmation lists the report and its simulations, then the page shows progress and the result again.
        await page.Locator("#rerun-report").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/reports/{id}/rerun$"));
        await Expect(page.Locator("#rerun-items li[data-item=simulation]")).ToHaveCountAsync(2);
        await Expect(page.Locator("#rerun-items li[data-item=cache]")).ToContainTextAsync("1 economy cache row");
        await page.Locator("#confirm-rerun").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/reports/{id}$"));
        await Expect(page.Flash()).ToContainTextAsync("was reset");
        Assert.Contains(await page.Locator("#report-body").GetAttributeAsync("data-status"), new[] { "pending", "running" });
        await Expect(page.Locator("#report-progress")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.rerunPageLoaded = true; }");
        await Expect(page.Locator("#economy-result")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.rerunPageLoaded === true"), "The rerun's result should arrive by an htmx swap.");
        await page.ScreenshotAsync("report-economy.png");

        // The list shows it complete.
        await page.GotoAsync("/reports?type=economy&owner=mine");
        await Expect(page.Locator($"#reports-table tr[data-report='{id}']")).ToHaveAttributeAsync("data-status", "complete");
        session.Watcher.AssertClean();
    }

    [Fact]
    public async Task A_household_report_shows_the_net_income_change()
    {
        await fixture.EnsureLatestAsync();
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Analyst);
        var page = session.Page;
        await page.GotoAsync("/reports/new?country=us&type=household");
        await Expect(page.Locator("#household-fields")).ToBeVisibleAsync();
        await page.Locator("#earnings1").FillAsync("40000");
        await FillReformAsync(page);
        await page.Locator("#create-report").ClickAsync();

        await Expect(page).ToHaveURLAsync(ReportPage());
        var change = page.Locator("#net-income-change");
        await Expect(change).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(change).ToContainTextAsync("+$");
        await Expect(page.Locator("#household-breakdown-table tr[data-variable=household_net_income]")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.Chart && window.Chart.getChart(document.querySelector('canvas[data-chart=earnings]'))");
        await page.ScreenshotAsync("report-household.png");
        session.Watcher.AssertClean();
    }
}
