using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>
/// The contract at the centre of the product, as a maintainer and analyst meet it in the browser:
/// data release → certified bundle → alias promoted to it → simulation submitted against the alias
/// → result page with the bundle it ran on, budget figures and charts; then a second bundle is
/// promoted and rolled back with one click. One test, because every step uses what the last made.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class BundleFlowTests(BrowserFixture browser, AdminPortalFixture fixture) : IClassFixture<AdminPortalFixture>
{
    private const string DataVersion = "2024.1.0";
    private const string Parameter = "gov.irs.deductions.standard.SINGLE";

    // A simulation over a few hundred households takes well under a second alone, but the machine is shared.
    private static readonly LocatorAssertionsToHaveAttributeOptions JobTimeout = new() { Timeout = 90_000 };

    [GeneratedRegex("^bnd_[0-9a-f]{16}$")]
    private static partial Regex DisplayId();

    [Fact]
    public async Task Bundle_alias_simulation_and_rollback_work_end_to_end()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(TestAccounts.Admin);
        session.AcceptDialogs();
        var alias = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";

        await GenerateDataReleaseAsync(session);
        var bundle = await CreateBundleAsync(session, modelVersion: null);
        await PromoteAsync(session, alias, bundle, "First e2e bundle", current: null);

        var jobUrl = await SubmitSimulationAsync(session, alias);
        await AssertResultPageAsync(session, jobUrl, alias, bundle);

        // Rollback: move the alias to a bundle on the older model release, then one click back.
        var older = await CreateBundleAsync(session, modelVersion: "1.0.0");
        await PromoteAsync(session, alias, older, "Try the older model", current: bundle);
        await RollbackAsync(session, alias, back: bundle, from: older);

        session.Watcher.AssertClean();
    }

    private static async Task GenerateDataReleaseAsync(BrowserSession session)
    {
        var page = session.Page;
        await page.GotoAsync("/data");
        await page.Locator("#country").SelectOptionAsync("us");
        await page.Locator("#version").FillAsync(DataVersion);
        await page.Locator("#households").FillAsync("300");
        await page.Locator("#seed").FillAsync("11");
        await page.Locator("#clones").FillAsync("0");
        await page.Locator("#generate-release button[type='submit']").ClickAsync();
        await Expect(page).ToHaveURLAsync(session.Url($"/data/us/{DataVersion}"), new() { Timeout = 60_000 });
        await Expect(page.Locator("#manifest-revision")).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
    }

    /// <summary>Creates a bundle with the form (newest model release unless given) and returns its display id.</summary>
    private static async Task<string> CreateBundleAsync(BrowserSession session, string? modelVersion)
    {
        var page = session.Page;
        await page.GotoAsync("/bundles");
        var form = page.Locator("#create-bundle");
        await form.Locator("#bundle-country").SelectOptionAsync("us");
        if (modelVersion is not null)
        {
            await form.Locator("#bundle-model").SelectOptionAsync(modelVersion);
        }

        // The form offers the newest model release first.
        modelVersion = await form.Locator("#bundle-model").InputValueAsync();

        await form.Locator("#bundle-data").SelectOptionAsync(DataVersion);
        await form.Locator("#bundle-dataset").SelectOptionAsync("national");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create and certify" }).ClickAsync();

        // Post → redirect → the bundle's page, titled with its display id, certification passed.
        await Expect(page).ToHaveURLAsync(new Regex("/bundles/bnd_[0-9a-f]{16}$"), new() { Timeout = 60_000 });
        await Expect(page.Flash()).ToContainTextAsync("certification passed");
        var displayId = (await page.Heading().InnerTextAsync()).Trim();
        Assert.Matches(DisplayId(), displayId);
        await Expect(page.Locator("#display-id")).ToHaveValueAsync(displayId);
        await Expect(page.Locator("#certification h2 [data-certified='true']")).ToBeVisibleAsync();
        await Expect(page.Locator("#certification-checks tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("#certification-checks tbody tr", new() { HasText = "Failed" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#model-version")).ToHaveValueAsync(modelVersion);
        await Expect(page.Locator("#data-version")).ToHaveValueAsync(DataVersion);
        return displayId;
    }

    /// <summary>Promote (choose → review the diff → confirm), then check the table and the history.</summary>
    private static async Task PromoteAsync(BrowserSession session, string alias, string bundle, string reason, string? current)
    {
        var page = session.Page;
        await page.GotoAsync(current is null ? "/aliases?country=us" : $"/aliases?country=us&alias={alias}");
        var form = page.Locator("#promote-form");
        if (current is null)
        {
            await form.Locator("#alias-name").FillAsync(alias);
        }

        await form.Locator("#promote-to").SelectOptionAsync(bundle);
        await form.Locator("#promote-reason").FillAsync(reason);
        await form.GetByRole(AriaRole.Button, new() { Name = "Review change" }).ClickAsync();

        // The review names both ends and marks what changes; nothing has moved yet.
        var review = page.Locator("#promotion-review");
        await Expect(review.Locator("#review-heading")).ToContainTextAsync($"us/{alias}");
        await Expect(review.Locator("#review-heading")).ToContainTextAsync(bundle);
        var diff = review.Locator("#bundle-diff tbody tr");
        await Expect(diff).Not.ToHaveCountAsync(0);
        await Expect(review.Locator("#bundle-diff tbody tr.table-warning")).Not.ToHaveCountAsync(0);
        if (current is not null)
        {
            var model = review.Locator("#bundle-diff tbody tr[data-field='model_version']");
            await Expect(model).ToHaveClassAsync(new Regex("table-warning"));
            await Expect(model.Locator("td").Nth(1)).ToHaveTextAsync("1.0.0");
            await Expect(review.Locator("#parameter-changes, #model-note")).Not.ToHaveCountAsync(0);
        }

        await Expect(review.Locator("#confirm-reason")).ToHaveValueAsync(reason);
        await review.Locator("#confirm-promote").ClickAsync();

        await Expect(page).ToHaveURLAsync(session.Url($"/aliases?country=us&alias={alias}"));
        await Expect(page.Flash()).ToContainTextAsync($"us/{alias} now points at {bundle}");
        await Expect(page.Locator($"#alias-table tr[data-alias='{alias}']")).ToContainTextAsync(bundle);

        var newest = page.Locator("#alias-history li").First;
        await Expect(newest.Locator(".event-actor")).ToHaveTextAsync(TestAccounts.Admin.Email);
        await Expect(newest.Locator(".event-reason")).ToHaveTextAsync(reason);
        await Expect(newest).ToContainTextAsync(bundle);
        await Expect(page.Locator("#alias-history li")).ToHaveCountAsync(current is null ? 1 : 2);
    }

    /// <summary>Builds a one-parameter reform with the parameter search and submits it; returns the job page URL.</summary>
    private static async Task<string> SubmitSimulationAsync(BrowserSession session, string alias)
    {
        var page = session.Page;
        await page.GotoAsync("/simulations");
        await page.Locator("#new-simulation").ClickAsync();
        await Expect(page).ToHaveURLAsync(session.Url("/simulations/new"));
        await Expect(page.Heading()).ToHaveTextAsync("New simulation");

        await page.Locator("#bundle").SelectOptionAsync(alias);
        await page.Locator("#year").FillAsync("2024");
        await page.Locator("#region").SelectOptionAsync("us");

        // The search answers as the user types (htmx); "Add" puts the parameter and its current value in a row.
        await page.Locator("#parameter-query").FillAsync("standard deduction");
        var match = page.Locator($"#parameter-results li[data-path='{Parameter}']");
        await Expect(match).ToBeVisibleAsync();
        await match.GetByRole(AriaRole.Button).ClickAsync();
        var path = page.GetByLabel("Row 1 parameter path");
        await Expect(path).ToHaveValueAsync(Parameter);
        var value = page.GetByLabel("Row 1 value");
        var current = double.Parse(await value.InputValueAsync(), CultureInfo.InvariantCulture);
        Assert.True(current > 0, $"{Parameter} should have a value in force, got {current}.");
        await Expect(page.Locator("#bundle")).ToHaveValueAsync(alias);

        await value.FillAsync((current + 5_000).ToString(CultureInfo.InvariantCulture));
        await page.Locator("#title").FillAsync("E2E: raise the standard deduction");
        await page.Locator("#run-simulation").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/simulations/[^/]+$"));
        await Expect(page.Flash()).ToContainTextAsync("Submitted");
        return page.Url;
    }

    private static async Task AssertResultPageAsync(BrowserSession session, string jobUrl, string alias, string bundle)
    {
        var page = session.Page;
        await Expect(page.Heading()).ToHaveTextAsync("E2E: raise the standard deduction");

        // The page polls by itself until the job completes; no reload needed.
        await Expect(page.Locator("#job-body")).ToHaveAttributeAsync("data-status", "complete", JobTimeout);
        await Expect(page.Locator("#economy-result")).ToBeVisibleAsync();
        await Expect(page.Locator("#no-op-callout")).ToHaveCountAsync(0);

        var card = page.Locator("#bundle-card");
        await Expect(card.Locator("#bundle-card-heading")).ToContainTextAsync(bundle);
        await Expect(card.Locator("#bundle-via")).ToContainTextAsync(alias);
        await Expect(card.Locator("[data-field='model_version']")).Not.ToBeEmptyAsync();
        await Expect(card.Locator("[data-field='data_version']")).ToHaveTextAsync(DataVersion);
        await Expect(page.Locator($"#reform-table tr[data-path='{Parameter}']")).ToBeVisibleAsync();

        // A higher deduction lowers income tax: a cost to the budget, so a negative, non-zero figure.
        var impact = Number(await page.Locator("#budget-headline").GetAttributeAsync("data-value"));
        Assert.True(impact < 0, $"Raising the standard deduction should cost money, got budgetary impact {impact}.");
        await Expect(page.Locator("#budget-headline")).ToContainTextAsync("Costs");
        await Expect(page.Locator("#budget-table tr[data-key='budgetary_impact'] td")).ToHaveAttributeAsync("data-value", new Regex("^-?[0-9.eE+-]+$"));

        // Chart.js drew every chart the result has.
        await page.WaitForFunctionAsync("() => !!window.Chart");
        var canvases = page.Locator("#economy-result canvas[data-chart]");
        await Expect(canvases).Not.ToHaveCountAsync(0);
        try
        {
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('#economy-result canvas[data-chart]')].every(c => !!window.Chart.getChart(c))");
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>(
                "() => JSON.stringify([...document.querySelectorAll('#economy-result canvas[data-chart]')].map(c => [c.getAttribute('data-chart'), !!window.Chart.getChart(c), !!c.getAttribute('data-chart-data')]))");
            session.Watcher.AssertClean();
            Assert.Fail("Charts not drawn: " + state);
        }
        Assert.True(await page.EvaluateAsync<bool>("() => !!window.Chart.getChart('decile-chart')"), "The decile chart was not drawn.");

        // Downloads are links to real files.
        foreach (var (extension, type) in new[] { ("json", "application/json"), ("csv", "text/csv") })
        {
            var link = page.Locator($"#downloads a[href$='/result.{extension}']");
            await Expect(link).ToHaveAttributeAsync("download", "");
            var response = await page.APIRequest.GetAsync((await link.GetAttributeAsync("href"))!);
            Assert.Equal(200, response.Status);
            Assert.StartsWith(type, response.Headers["content-type"], StringComparison.Ordinal);
            Assert.NotEmpty(await response.BodyAsync());
        }

        await page.ScreenshotAsync("simulation-result.png");

        // The job is listed, complete, with its bundle.
        await page.GotoAsync("/simulations");
        var jobId = new Uri(jobUrl).AbsolutePath.Split('/')[^1];
        await Expect(page.Locator("main")).ToContainTextAsync(jobId);
    }

    private static async Task RollbackAsync(BrowserSession session, string alias, string back, string from)
    {
        var page = session.Page;
        var button = page.Locator("#rollback");
        await Expect(button).ToHaveTextAsync($"Roll back to {back}");
        await page.Locator("#rollback-form input[name='Undo.Note']").FillAsync("e2e rollback");
        await button.ClickAsync();

        await Expect(page).ToHaveURLAsync(session.Url($"/aliases?country=us&alias={alias}"));
        await Expect(page.Flash()).ToContainTextAsync($"us/{alias} now points at {back}");
        Assert.Contains(session.AcceptedDialogs, m => m.Contains(back, StringComparison.Ordinal));
        await Expect(page.Locator($"#alias-table tr[data-alias='{alias}']")).ToContainTextAsync(back);
        await Expect(page.Locator("#alias-history li")).ToHaveCountAsync(3);
        var newest = page.Locator("#alias-history li").First;
        await Expect(newest).ToContainTextAsync(from);
        await Expect(newest).ToContainTextAsync(back);
        await Expect(newest.Locator(".event-actor")).ToHaveTextAsync(TestAccounts.Admin.Email);
    }

    private static double Number(string? raw) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
}
