using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>The household calculator in a real browser: the form, the breakdown and the Chart.js chart.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CalculatorTests(BrowserFixture browser, AdminPortalFixture fixture) : IClassFixture<AdminPortalFixture>
{
    [Fact]
    public async Task A_household_is_calculated_and_the_earnings_chart_is_drawn()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Admin);
        var page = session.Page;

        await page.GotoAsync("/calculator");
        await page.Locator("#country").SelectOptionAsync("us");
        await page.Locator("#adults").SelectOptionAsync("2");
        await page.Locator("#married").CheckAsync();
        await page.Locator("#earnings1").FillAsync("55000");
        await page.Locator("#children").FillAsync("4, 9");
        await page.Button("Calculate").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("earnings1=55000"));
        await Expect(page.Locator("#breakdown tr[data-variable='household_net_income']")).ToBeVisibleAsync();
        await Expect(page.Locator("canvas#earnings-chart")).ToBeVisibleAsync();
        // Chart.js attaches itself to the canvas once it has drawn.
        await page.WaitForFunctionAsync("() => !!(window.Chart && window.Chart.getChart('earnings-chart'))");
        Assert.Equal(201, await page.EvaluateAsync<int>("() => window.Chart.getChart('earnings-chart').data.labels.length"));
        await page.ScreenshotAsync("calculator.png");

        session.Watcher.AssertClean();
    }

    [Fact]
    public async Task The_model_explorer_and_release_diff_render_cleanly()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Admin);
        var page = session.Page;

        await page.GotoAsync("/models");
        await page.Locator("a[href^='/models/us/']").First.ClickAsync();
        await page.Locator("#q").FillAsync("irs.deductions.standard");
        await page.Button("Filter").ClickAsync();
        await Expect(page.Locator(".parameter[data-path='gov.irs.deductions.standard.SINGLE']")).ToBeVisibleAsync();
        await page.ScreenshotAsync("model-parameters.png");

        await page.GotoAsync("/models/us/diff?from=1.0.0&to=1.1.0");
        await Expect(page.Locator("#variable-changes tbody[data-name='taxable_income']")).ToBeVisibleAsync();
        // Only the variable changes: the whole page (every parameter gained 2025 values) is very long.
        await page.Locator("#variable-changes").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(RepoLayout.OutputDir("screenshots"), "model-diff.png") });

        session.Watcher.AssertClean();
    }
}
