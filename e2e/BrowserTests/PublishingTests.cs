using System.Text.RegularExpressions;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>A portal with a small US release that has a calibration package; areas pause briefly so progress is visible.</summary>
public sealed class PublishingPortalFixture : PortalFixture
{
    protected override string Name => "publishing";

    protected override async Task SeedAsync(PortalProcess portal)
    {
        await portal.CreateUserAsync(TestAccounts.Admin);
        var generated = await portal.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "400", "--seed", "7", "--clones", "2"]);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        portal.ServerEnvironmentVariables["Publishing__AreaDelayMs"] = "1500";
    }
}

/// <summary>
/// A maintainer starts a publish from the form, watches the run page update by itself (htmx polling,
/// no reload) until the run completes, filters the validation report and downloads an area file.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PublishingTests(BrowserFixture browser, PublishingPortalFixture fixture) : IClassFixture<PublishingPortalFixture>
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    [GeneratedRegex("/publishing/pub_[0-9a-z]{26}$")]
    private static partial Regex RunPage();

    [Fact]
    public async Task A_publish_started_from_the_form_completes_live_and_its_file_downloads()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Admin);
        var page = session.Page;

        await page.GotoAsync("/publishing");
        await page.Locator("#release").SelectOptionAsync("us/2024.1.0");
        await page.Locator("#scope").SelectOptionAsync("all");
        await page.Locator("#areas").FillAsync("national:US, state:DC, district:DC-01");
        await page.Locator("#workers").FillAsync("2");
        await page.Locator("#start-publish button[type='submit']").ClickAsync();

        await Expect(page).ToHaveURLAsync(RunPage());
        await page.EvaluateAsync("() => { window.runPageLoaded = true; }");
        await Expect(page.Locator("#publish-areas tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#publish-body")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.runPageLoaded === true"), "The run page should update by htmx swaps, not reloads.");
        await Expect(page.Locator("#run-counts [data-count=completed]")).ToHaveTextAsync("3");
        await Expect(page.Locator("#publish-areas tbody tr[data-status=completed]")).ToHaveCountAsync(3);
        await Expect(page.Locator("#state-summary tr[data-state=DC]")).ToBeVisibleAsync();
        await Expect(page.Locator("#manifest-download")).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[data-download='states/DC.h5']").ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), $"publish-e2e-{Guid.NewGuid():N}.h5");
        await download.SaveAsAsync(saved);
        try
        {
            var bytes = await File.ReadAllBytesAsync(saved);
            Assert.Equal(Hdf5Signature, bytes[..8]);
        }
        finally
        {
            File.Delete(saved);
        }

        await page.Locator("#area-filters").GetByText("Failed only").ClickAsync();
        await Expect(page.Locator("#no-areas")).ToBeVisibleAsync();
        await page.ScreenshotAsync("publishing-run.png");
        session.Watcher.AssertClean();
    }
}
