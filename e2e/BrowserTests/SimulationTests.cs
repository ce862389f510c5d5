using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>A portal with a generated US release; the test makes a bundle of it and points <c>latest</c> there.</summary>
public sealed class SimulationPortalFixture : PortalFixture
{
    public string AdminToken { get; private set; } = "";

    protected override string Name => "simulations";

    protected override async Task SeedAsync(PortalProcess portal)
    {
        await portal.CreateUserAsync(TestAccounts.Admin);
        await portal.CreateUserAsync(TestAccounts.Analyst);
        var generated = await portal.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "400", "--seed", "7"]);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        AdminToken = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "e2e simulations");
    }
}

/// <summary>
/// Create a bundle and promote it (API), then as an analyst in a real browser: find a parameter with
/// the htmx search, add it to the reform, run, land on the job page and watch the result arrive with
/// its Chart.js charts, under the content security policy.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SimulationTests(BrowserFixture browser, SimulationPortalFixture fixture) : IClassFixture<SimulationPortalFixture>
{
    [GeneratedRegex("/simulations/job_[0-9a-z]{26}$")]
    private static partial Regex JobPage();

    [Fact]
    public async Task A_bundle_is_promoted_then_an_analyst_runs_a_reform_from_the_form_and_reads_the_charts()
    {
        using var api = fixture.Portal.CreateClient(fixture.AdminToken);
        var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = "2024.1.0" });
        var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode == HttpStatusCode.Created, bundle.ToJsonString());
        Assert.True((bool)bundle["certified"]!, bundle.ToJsonString());
        var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = (string)bundle["bundle_id"]!, reason = "e2e" });
        Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());

        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Analyst);
        var page = session.Page;
        await page.GotoAsync("/simulations");
        await page.Locator("#new-simulation").ClickAsync();
        await Expect(page.Locator("#bundle")).ToHaveValueAsync("latest");

        // htmx searches as the user types, at the year in the form; "Add" posts the form and fills the empty row.
        await page.Locator("#year").FillAsync("2024");
        await page.Locator("#parameter-query").FillAsync("standard deduction");
        var match = page.Locator("#parameter-results li[data-path='gov.irs.deductions.standard.SINGLE']");
        await Expect(match).ToContainTextAsync("14,600");
        await match.GetByRole(Microsoft.Playwright.AriaRole.Button).ClickAsync();
        await Expect(page.Locator("input[name='Input.Changes[0].Path']")).ToHaveValueAsync("gov.irs.deductions.standard.SINGLE");
        await page.Locator("input[name='Input.Changes[0].Value']").FillAsync("30000");
        await Expect(page.Locator("#year")).ToHaveValueAsync("2024");
        await page.Locator("#title").FillAsync("E2E deduction");
        await page.Locator("#run-simulation").ClickAsync();

        // The job page: bundle card at once, the result when the job completes (swapped in by htmx
        // while polling, or already there), with the charts drawn from their canvases' data-chart-data.
        await Expect(page).ToHaveURLAsync(JobPage());
        await Expect(page.Locator("#bundle-card [data-field=bundle_id]")).ToHaveTextAsync((string)bundle["bundle_id"]!);
        await page.EvaluateAsync("() => { window.jobPageLoaded = true; }");
        await Expect(page.Locator("#economy-result")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.jobPageLoaded === true"), "The result should arrive by an htmx swap, not a page reload.");
        await page.WaitForFunctionAsync("() => ['waterfall', 'deciles', 'winners'].every(k => window.Chart && window.Chart.getChart(document.querySelector(`canvas[data-chart=${k}]`)))");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Relative" }).ClickAsync();
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Relative" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#decile-table tbody tr")).ToHaveCountAsync(10);
        await page.ScreenshotAsync("simulation-result.png");

        // The list shows it complete, linked to its bundle.
        await page.GotoAsync("/simulations");
        await Expect(page.Locator("#jobs-table tbody tr").First).ToContainTextAsync("E2E deduction");
        await Expect(page.Locator("#jobs-table tbody tr").First).ToContainTextAsync("complete");

        session.Watcher.AssertClean();
    }
}
