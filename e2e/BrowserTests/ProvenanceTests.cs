using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>A portal with a generated US release and a user who may run and review (Analyst + Reviewer).</summary>
public sealed class ProvenancePortalFixture : PortalFixture
{
    public static Account Researcher { get; } = new("researcher@example.com", "researcher passphrase for e2e", "Rita Researcher", "Analyst", "Reviewer");

    public string AdminToken { get; private set; } = "";

    protected override string Name => "provenance";

    protected override async Task SeedAsync(PortalProcess portal)
    {
        await portal.CreateUserAsync(TestAccounts.Admin);
        await portal.CreateUserAsync(Researcher);
        var generated = await portal.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "300", "--seed", "11"]);
        Assert.True(generated.ExitCode == 0, generated.ToString());
        AdminToken = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "e2e provenance");
    }
}

/// <summary>
/// Issue 8's acceptance in a real browser: generate a spec from a template with a parameter value,
/// Run this spec, watch the run page go live to complete; again with another value; tick both in the
/// registry and Compare: the differences-only view shows exactly the changed rows, "Show all rows"
/// the unchanged ones too; Replay one run and see "identical".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ProvenanceTests(BrowserFixture browser, ProvenancePortalFixture fixture) : IClassFixture<ProvenancePortalFixture>
{
    private const string Template = "us-standard-deduction";

    [GeneratedRegex("/runs/run_[0-9a-z]{26}$")]
    private static partial Regex RunPage();

    [Fact]
    public async Task Generate_run_compare_differences_only_and_replay_identical()
    {
        using var api = fixture.Portal.CreateClient(fixture.AdminToken);
        var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = "2024.1.0" });
        var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode == HttpStatusCode.Created, bundle.ToJsonString());
        var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = (string)bundle["bundle_id"]!, reason = "e2e" });
        Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());

        await using var session = await browser.NewSessionAsync(fixture.Portal);
        await session.SignInAsync(ProvenancePortalFixture.Researcher);
        var page = session.Page;

        var first = await GenerateAndRunAsync(page, 21_000, (string)bundle["bundle_id"]!);
        var second = await GenerateAndRunAsync(page, 26_000, (string)bundle["bundle_id"]!);

        // The registry: tick both, Compare selected (the form sends runs=a&runs=b).
        await page.GotoAsync("/provenance");
        await page.Locator($"#select-{first}").CheckAsync();
        await page.Locator($"#select-{second}").CheckAsync();
        await page.Locator("#compare-selected").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/compare\\?"));
        var shown = (await page.Locator("#compare tr[data-key]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)")).ToHashSet(StringComparer.Ordinal);

        // Expected, independently: the template parameter, model id and spec hash, the two reform paths
        // the parameter feeds, the result hash, and every key figure whose two values differ.
        var all = JsonNode.Parse(await api.GetStringAsync($"/compare.json?runs={first},{second}&all=true"))!["rows"]!.AsArray();
        var changedFigures = all.Where(r => (string?)r!["group"] == "Outputs" && (string?)r["key"] != "result_sha256")
            .Where(r => (string?)r!["values"]![0]!["value"] != (string?)r["values"]![1]!["value"])
            .Select(r => (string)r!["key"]!);
        var expected = new HashSet<string>(StringComparer.Ordinal)
        {
            "model_id", "spec_sha256", "parameters.single_amount", "result_sha256",
            "gov.irs.deductions.standard.SINGLE (2026-01-01.2100-12-31)", "gov.irs.deductions.standard.SEPARATE (2026-01-01.2100-12-31)",
        };
        expected.UnionWith(changedFigures);
        Assert.Contains("budget: budgetary impact", expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        await Expect(page.Locator("#compare tbody[data-group='Reform parameters'] tr[data-key=country]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#compare tr[data-key='template_id']")).ToHaveCountAsync(0);

        await page.Locator("#compare-toggle").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("all=1"));
        await Expect(page.Locator("#compare tbody[data-group='Reform parameters'] tr[data-key=country]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#compare tr[data-key='template_id']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("provenance-compare-all.png");

        // Replay the first run: a new run on the recorded bundle, live until it reports identical.
        await page.GotoAsync($"/runs/{first}");
        var resultSha = await page.Locator("tr[data-item=result_sha256] td code").TextContentAsync();
        await page.Locator("#replay-run").ClickAsync();
        await Expect(page).ToHaveURLAsync(RunPage());
        Assert.DoesNotContain(first, page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#replay-identical")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(page.Locator("#original-result-sha256")).ToHaveTextAsync(resultSha!);
        await Expect(page.Locator("#replay-result-sha256")).ToHaveTextAsync(resultSha!);
        await page.ScreenshotAsync("provenance-replay.png");

        session.Watcher.AssertClean();
    }

    /// <summary>The template page's generate form with one parameter set, then Run this spec; returns the run id once its page shows it complete.</summary>
    private static async Task<string> GenerateAndRunAsync(IPage page, int singleAmount, string bundleId)
    {
        await page.GotoAsync($"/templates/{Template}");
        await page.Locator("#param-single_amount").FillAsync(singleAmount.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#generate-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#model-yaml")).ToContainTextAsync($"value: {singleAmount.ToString(CultureInfo.InvariantCulture)}");
        await page.Locator("#run-spec button[type=submit]").ClickAsync();

        await Expect(page).ToHaveURLAsync(RunPage());
        var runId = page.Url.Split('/').Last();
        await Expect(page.Locator("#provenance-card code[data-field=template_id]")).ToHaveTextAsync(Template);
        await Expect(page.Locator("tr[data-parameter=single_amount] td").First).ToHaveTextAsync(singleAmount.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#bundle-card [data-field=bundle_id]")).ToHaveTextAsync(bundleId);

        // Live: the htmx fragment swaps in the manifest and the result when the run completes.
        await Expect(page.Locator("#run-body")).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 90_000 });
        await Expect(page.Locator("#manifest-table")).ToBeVisibleAsync();
        await Expect(page.Locator("#economy-result")).ToBeVisibleAsync();
        await Expect(page.Locator("#replay-run")).ToBeVisibleAsync();
        return runId;
    }
}
