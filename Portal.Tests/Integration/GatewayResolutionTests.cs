using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Portal.Tests.Integration;

/// <summary>Which bundle a submit resolves to, and the 400s that explain conflicts and list what exists.</summary>
public sealed class GatewayResolutionTests(GatewayFixture portal) : IClassFixture<GatewayFixture>
{
    private async Task<string> BundleOfAsync(object body) =>
        (string)(await GatewayFixture.SubmitOkAsync(portal.Analyst, body))["policyengine_bundle"]!["bundle_id"]!;

    private async Task<JsonObject> Expect400Async(object body)
    {
        var response = await portal.Analyst.PostAsJsonAsync("/simulate/economy/comparison", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static string Errors(JsonObject problem) =>
        string.Join(" ", problem["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray().Select(m => (string?)m)));

    [Fact]
    public async Task Explicit_bundle_beats_versions_which_beat_the_latest_alias()
    {
        Assert.Equal(portal.Latest.BundleId, await BundleOfAsync(new { country = "us", time_period = 2024, title = "r1" }));
        Assert.Equal(portal.Older.BundleId, await BundleOfAsync(new { country = "us", bundle = portal.Older.BundleId, time_period = 2024, title = "r2" }));
        Assert.Equal(portal.Older.BundleId, await BundleOfAsync(new { country = "us", bundle = portal.Older.DisplayId, time_period = 2024, title = "r3" }));
        Assert.Equal(portal.Latest.BundleId, await BundleOfAsync(new { country = "us", bundle = "latest", time_period = 2024, title = "r4" }));
        Assert.Equal(portal.Older.BundleId, await BundleOfAsync(new { country = "us", version = "1.0.0", time_period = 2024, title = "r5" }));
        Assert.Equal(portal.Older.BundleId, await BundleOfAsync(new { country = "us", model_version = "1.0.0", data_version = GatewayFixture.DataVersion, time_period = 2024, title = "r6" }));

        // Only data_version: several bundles fit, latest's target wins.
        Assert.Equal(portal.Latest.BundleId, await BundleOfAsync(new { country = "us", data_version = GatewayFixture.DataVersion, time_period = 2024, title = "r7" }));

        // data picks a dataset: with the alias, the sibling bundle over that dataset.
        Assert.Equal(portal.Calibration.BundleId, await BundleOfAsync(new { country = "us", data = "calibration", time_period = 2024, title = "r8" }));
        Assert.Equal(portal.Latest.BundleId, await BundleOfAsync(new { country = "us", data = "national", bundle = portal.Latest.DisplayId, time_period = 2024, title = "r9" }));

        // A version request ignores a matching uncertified bundle.
        Assert.Equal(portal.Latest.BundleId, await BundleOfAsync(new { country = "us", version = "1.1.0", data = "national", time_period = 2024, title = "r10" }));
    }

    [Fact]
    public async Task Conflicting_fields_are_400s_that_name_both_values()
    {
        var versions = await Expect400Async(new { country = "us", version = "1.0.0", model_version = "1.1.0" });
        Assert.Contains("disagree", Errors(versions), StringComparison.Ordinal);
        Assert.Equal("model_version", (string?)versions["path"]);

        var bundleVsVersion = await Expect400Async(new { country = "us", bundle = portal.Latest.DisplayId, model_version = "1.0.0" });
        Assert.Contains("1.0.0", Errors(bundleVsVersion), StringComparison.Ordinal);
        Assert.Contains("1.1.0", Errors(bundleVsVersion), StringComparison.Ordinal);

        var bundleVsData = await Expect400Async(new { country = "us", bundle = portal.Latest.BundleId, data = "calibration" });
        Assert.Contains("calibration", Errors(bundleVsData), StringComparison.Ordinal);

        var bundleVsDataVersion = await Expect400Async(new { country = "us", bundle = portal.Latest.BundleId, data_version = "2030.1.0" });
        Assert.Contains("2030.1.0", Errors(bundleVsDataVersion), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_versions_datasets_aliases_and_uncertified_bundles_are_400s_listing_what_exists()
    {
        var version = await Expect400Async(new { country = "us", version = "9.9.9" });
        Assert.Contains(portal.Latest.DisplayId, Errors(version), StringComparison.Ordinal);
        Assert.Contains("model_version 1.0.0", Errors(version), StringComparison.Ordinal);
        Assert.Contains("latest", Errors(version), StringComparison.Ordinal);

        var dataVersion = await Expect400Async(new { country = "us", model_version = "1.1.0", data_version = "1999.1.0" });
        Assert.Contains("data_version " + GatewayFixture.DataVersion, Errors(dataVersion), StringComparison.Ordinal);

        var dataset = await Expect400Async(new { country = "us", data = "nowhere" });
        Assert.Contains("national", Errors(dataset), StringComparison.Ordinal);
        Assert.Contains("calibration", Errors(dataset), StringComparison.Ordinal);

        var alias = await Expect400Async(new { country = "us", bundle = "stable" });
        Assert.Contains("latest →", Errors(alias), StringComparison.Ordinal);

        var uncertified = await Expect400Async(new { country = "us", bundle = portal.Uncertified.DisplayId });
        Assert.Contains("not certified", Errors(uncertified), StringComparison.Ordinal);

        var country = await Expect400Async(new { country = "fr" });
        Assert.Contains("us", Errors(country), StringComparison.Ordinal);

        var uk = await Expect400Async(new { country = "uk" });
        Assert.Contains("no execution bundles", Errors(uk), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_policies_and_regions_are_400s_with_the_path()
    {
        var unknown = await Expect400Async(new { country = "us", reform = new Dictionary<string, object> { ["gov.irs.nope"] = new Dictionary<string, double> { ["2024-01-01.2024-12-31"] = 1 } } });
        Assert.Equal("$.reform['gov.irs.nope']", (string?)unknown["path"]);

        var period = await Expect400Async(new { country = "us", baseline = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-13-01"] = 1 } } });
        Assert.StartsWith("$.baseline", (string?)period["path"], StringComparison.Ordinal);

        var region = await Expect400Async(new { country = "us", region = "state/ZZ" });
        Assert.Equal("region", (string?)region["path"]);
    }

    [Fact]
    public async Task The_cache_key_ignores_policy_spelling_and_order_but_not_values()
    {
        var a = await GatewayFixture.SubmitOkAsync(portal.Analyst, new Dictionary<string, object>
        {
            ["country"] = "us", ["time_period"] = 2024,
            ["reform"] = new Dictionary<string, object>
            {
                ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 30_000 },
                ["gov.irs.deductions.standard.JOINT"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 60_000 },
            },
        });
        var b = await GatewayFixture.SubmitOkAsync(portal.Analyst, new Dictionary<string, object>
        {
            ["country"] = "us", ["time_period"] = "2024", ["region"] = "US",
            ["reform"] = new Dictionary<string, object>
            {
                ["GOV.IRS.deductions.standard.joint"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 60_000.0 },
                ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 30_000 },
            },
        });
        Assert.Equal((string?)a["job_id"], (string?)b["job_id"]);
        Assert.Equal("hit", (string?)b["cache"]);

        var c = await GatewayFixture.SubmitOkAsync(portal.Analyst, new Dictionary<string, object>
        {
            ["country"] = "us", ["time_period"] = 2024,
            ["reform"] = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 30_001 } },
        });
        Assert.NotEqual((string?)a["job_id"], (string?)c["job_id"]);
    }
}
