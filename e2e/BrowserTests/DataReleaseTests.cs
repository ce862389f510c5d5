using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>
/// Data releases in a real browser: a maintainer generates a release with the form, reads its
/// manifest and artifacts, and browses the HDF5 file down to a histogram drawn by Chart.js.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DataReleaseTests(BrowserFixture browser, AdminPortalFixture fixture) : IClassFixture<AdminPortalFixture>
{
    [Fact]
    public async Task A_release_is_generated_from_the_form_and_its_file_browsed_to_a_histogram()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Admin);
        var page = session.Page;

        await page.GotoAsync("/data");
        await page.Locator("#country").SelectOptionAsync("uk");
        await page.Locator("#version").FillAsync("2024.9.0");
        await page.Locator("#households").FillAsync("400");
        await page.Locator("#seed").FillAsync("7");
        await page.Locator("#clones").FillAsync("2");
        await page.Locator("#generate-release button[type='submit']").ClickAsync();

        // Post → redirect → the release page: manifest revision and both artifacts.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/data/uk/2024\\.9\\.0$"));
        await Expect(page.Locator("#manifest-revision")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await Expect(page.Locator("#artifacts tbody tr")).ToHaveCountAsync(2);

        await page.Locator("#artifacts tbody tr").Filter(new() { HasText = "national" }).GetByRole(AriaRole.Link, new() { Name = "Browse" }).ClickAsync();
        await Expect(page.Locator("#h5-tree")).ToContainTextAsync("employment_income");
        await page.Locator("#h5-tree a[href$='%2Femployment_income%2F2024']").ClickAsync();

        await Expect(page.Locator("#variable-panel")).ToContainTextAsync("employment_income");
        await Expect(page.Locator("#first-rows li")).Not.ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("() => !!(window.Chart && window.Chart.getChart('histogram'))");
        await page.ScreenshotAsync("data-browser.png");

        session.Watcher.AssertClean();
    }
}
