using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Tests.Integration;

/// <summary>The gateway end to end: submit, dedupe, Quartz run, poll, budget windows, failures and roles.</summary>
public sealed class GatewayApiTests(GatewayFixture portal) : IClassFixture<GatewayFixture>
{
    private static Dictionary<string, object> Reform(double value, string period = "2024-01-01.2100-12-31") =>
        new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { [period] = value } };

    [Fact]
    public async Task A_submitted_comparison_completes_with_the_economy_result_and_its_bundle_even_after_latest_moves()
    {
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", reform = Reform(20_000), time_period = 2024, title = "lifecycle", telemetry = new { run_id = "run-lifecycle" } });
        Assert.Equal("miss", (string?)submitted["cache"]);
        Assert.Equal("submitted", (string?)submitted["status"]);
        Assert.Equal("run-lifecycle", (string?)submitted["run_id"]);
        Assert.Equal("1.1.0", (string?)submitted["version"]);
        var jobId = (string)submitted["job_id"]!;
        Assert.Equal($"/jobs/{jobId}", (string?)submitted["poll_url"]);
        Assert.Equal(portal.Latest.BundleId, (string?)submitted["policyengine_bundle"]!["bundle_id"]);

        var done = await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{jobId}");
        Assert.True((string?)done["status"] == "complete", done.ToJsonString());
        Assert.Equal(1.0, (double)done["progress"]!);
        var result = done["result"]!.AsObject();
        foreach (var section in new[] { "budget", "decile", "intra_decile", "poverty", "poverty_by_gender", "inequality" })
        {
            Assert.True(result.ContainsKey(section), $"result lacks {section}: {result.ToJsonString()[..Math.Min(400, result.ToJsonString().Length)]}");
        }

        Assert.Equal("1.1.0", (string?)result["model_version"]);
        Assert.Equal(GatewayFixture.DataVersion, (string?)result["data_version"]);
        Assert.Equal(portal.Latest.BundleId, (string?)result["policyengine_bundle"]!["bundle_id"]);
        AssertBundle(portal.Latest, done["policyengine_bundle"]!);

        // A finished job's answer is final: a matching If-None-Match gets an empty 304 (the second time from the poll cache).
        var etag = (await portal.Analyst.GetAsync($"/jobs/{jobId}")).Headers.ETag!;
        for (var i = 0; i < 2; i++)
        {
            using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{jobId}");
            conditional.Headers.IfNoneMatch.Add(etag);
            using var notModified = await portal.Analyst.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        // An identical request now returns the completed job.
        var again = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", reform = Reform(20_000), time_period = 2024 });
        Assert.Equal(jobId, (string?)again["job_id"]);
        Assert.Equal("hit", (string?)again["cache"]);
        Assert.Equal("complete", (string?)again["status"]);

        // Moving latest changes the key: a new job on the new bundle; the old job keeps its bundle.
        await portal.PointAliasAsync("us", "latest", portal.Older.BundleId);
        try
        {
            var moved = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", reform = Reform(20_000), time_period = 2024 });
            Assert.NotEqual(jobId, (string?)moved["job_id"]);
            Assert.Equal("miss", (string?)moved["cache"]);
            Assert.Equal(portal.Older.BundleId, (string?)moved["policyengine_bundle"]!["bundle_id"]);
            var old = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/jobs/{jobId}"))!;
            AssertBundle(portal.Latest, old["policyengine_bundle"]!);
            await GatewayFixture.WaitAsync(portal.Analyst, (string)moved["poll_url"]!);
        }
        finally
        {
            await portal.PointAliasAsync("us", "latest", portal.Latest.BundleId);
        }
    }

    [Fact]
    public async Task Fifty_concurrent_identical_submits_create_one_job_and_one_run()
    {
        var body = new { country = "us", reform = Reform(21_111), time_period = 2024, region = "us" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => GatewayFixture.SubmitOkAsync(portal.Analyst, body)));
        var ids = responses.Select(r => (string)r["job_id"]!).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1, responses.Count(r => (string?)r["cache"] == "miss"));

        var done = await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{ids[0]}");
        Assert.Equal("complete", (string?)done["status"]);
        var rows = await portal.WithDbAsync(db => db.SimulationJobs.Where(j => j.JobId == ids[0] || j.RequestJson.Contains("21111")).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task A_budget_window_runs_each_year_and_aggregates_the_impacts()
    {
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst,
            new { country = "us", region = "us", start_year = "2024", window_size = 2, reform = Reform(22_000) }, "/simulate/economy/budget-window");
        var jobId = (string)submitted["job_id"]!;
        Assert.Equal(jobId, (string?)submitted["batch_job_id"]);
        Assert.Equal($"/budget-window-jobs/{jobId}", (string?)submitted["poll_url"]);

        var done = await GatewayFixture.WaitAsync(portal.Analyst, $"/budget-window-jobs/{jobId}");
        Assert.True((string?)done["status"] == "complete", done.ToJsonString());
        Assert.Equal(["2024", "2025"], done["completed_years"]!.AsArray().Select(y => (string)y!));
        Assert.Empty(done["failed_years"]!.AsArray());
        Assert.Equal($"{jobId}_2025", (string?)done["child_jobs"]!["2025"]!["job_id"]);
        var result = done["result"]!;
        Assert.Equal("budgetWindow", (string?)result["kind"]);
        Assert.Equal(2025, (int)result["end_year"]!);
        var years = result["annual_impacts"]!.AsArray();
        Assert.Equal([2024, 2025], years.Select(y => (int)y!["year"]!));
        var total = years.Sum(y => (double)y!["budgetary_impact"]!);
        Assert.Equal(total, (double)result["totals"]!["budgetary_impact"]!, 6);
        Assert.Equal("Total", (string?)result["totals"]!["year"]);

        // The parent is also a job.
        var asJob = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/jobs/{jobId}"))!;
        Assert.Equal("budget_window", (string?)asJob["kind"]);
    }

    [Fact]
    public async Task A_job_whose_dataset_is_corrupt_fails_with_a_readable_error_and_a_resubmit_retries()
    {
        var release = await portal.GenerateReleaseAsync("2024.9.0", 100, seed: 99);
        var bundle = await portal.AddBundleAsync(release, "1.1.0", "national");
        var artifact = release.Artifacts.Single();
        var file = Path.Combine(portal.DataDir, "artifacts", "sha256", artifact.Sha256[..2], artifact.Sha256);
        var original = await File.ReadAllBytesAsync(file);
        var corrupt = (byte[])original.Clone();
        corrupt[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(file, corrupt);

        var body = new { country = "us", bundle = bundle.DisplayId, time_period = 2024 };
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, body);
        var failed = await GatewayFixture.WaitAsync(portal.Analyst, (string)submitted["poll_url"]!);
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Contains("corrupt", (string?)failed["error"], StringComparison.Ordinal);
        Assert.Null(failed["result"]);
        AssertBundle(bundle, failed["policyengine_bundle"]!);

        // Repaired data: the same request queues a new job; the failed one stays as history.
        await File.WriteAllBytesAsync(file, original);
        var retried = await GatewayFixture.SubmitOkAsync(portal.Analyst, body);
        Assert.NotEqual((string?)submitted["job_id"], (string?)retried["job_id"]);
        Assert.Equal("miss", (string?)retried["cache"]);
        Assert.Equal("complete", (string?)(await GatewayFixture.WaitAsync(portal.Analyst, (string)retried["poll_url"]!))["status"]);
        var old = JsonNode.Parse(await portal.Analyst.GetStringAsync((string)submitted["poll_url"]!))!;
        Assert.Equal("failed", (string?)old["status"]);
    }

    [Fact]
    public async Task The_runner_is_idempotent_when_a_job_fires_twice()
    {
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", reform = Reform(23_000), time_period = 2024 });
        var jobId = (string)submitted["job_id"]!;
        await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{jobId}");
        var before = await portal.WithDbAsync(db => db.SimulationJobs.AsNoTracking().SingleAsync(j => j.JobId == jobId));

        await using var scope = portal.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<SimulationJobRunner>().RunAsync(jobId);
        Assert.Equal("complete", outcome);
        var after = await portal.WithDbAsync(db => db.SimulationJobs.AsNoTracking().SingleAsync(j => j.JobId == jobId));
        Assert.Equal(before.Attempts, after.Attempts);
        Assert.Equal(before.ResultJson, after.ResultJson);
        Assert.Equal(before.CompletedUtc, after.CompletedUtc);
    }

    [Fact]
    public async Task A_recovered_job_finishes_the_same_row()
    {
        // A run interrupted mid-way (status running, no result) is finished by the next fire, not duplicated.
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", reform = Reform(24_000), time_period = 2024 });
        var jobId = (string)submitted["job_id"]!;
        await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{jobId}");
        await portal.WithDbAsync(db => db.SimulationJobs.Where(j => j.JobId == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, SimulationJobStatuses.Running).SetProperty(j => j.ResultJson, (string?)null)));

        await using var scope = portal.Services.CreateAsyncScope();
        Assert.Equal("complete", await scope.ServiceProvider.GetRequiredService<SimulationJobRunner>().RunAsync(jobId));
        var row = await portal.WithDbAsync(db => db.SimulationJobs.AsNoTracking().SingleAsync(j => j.JobId == jobId));
        Assert.Equal(2, row.Attempts);
        Assert.NotNull(row.ResultJson);
        Assert.Equal(1, await portal.WithDbAsync(db => db.SimulationJobs.CountAsync(j => j.CacheKey == row.CacheKey)));
    }

    [Fact]
    public async Task Unknown_jobs_are_404_and_roles_are_enforced()
    {
        var missing = await portal.Analyst.GetAsync("/jobs/job_doesnotexist");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Analyst.GetAsync("/budget-window-jobs/job_doesnotexist")).StatusCode);

        var body = new { country = "us", time_period = 2024 };
        var reviewer = await portal.ApiClientForNewUserAsync(PortalRoles.Reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/simulate/economy/comparison", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/simulate/economy/budget-window", body)).StatusCode);
        var anonymous = portal.ApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/simulate/economy/comparison", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/jobs/job_doesnotexist")).StatusCode);

        // Any signed-in user may poll.
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new { country = "us", time_period = 2024, title = "roles" });
        var polled = await reviewer.GetAsync((string)submitted["poll_url"]!);
        Assert.True(polled.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted);
        Assert.True((await reviewer.GetAsync("/api/v2/jobs?country=us")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Schema_problems_are_422_and_never_500()
    {
        async Task<JsonObject> Expect422(HttpContent content)
        {
            var response = await portal.Analyst.PostAsync("/simulate/economy/comparison", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }

        var unknown = await Expect422(JsonContent.Create(new { country = "us", reformm = new { } }));
        Assert.True(unknown["errors"]!.AsObject().ContainsKey("reformm"));
        await Expect422(new StringContent("{\"country\": \"us\",", Encoding.UTF8, "application/json"));
        await Expect422(new StringContent("[1,2]", Encoding.UTF8, "application/json"));
        await Expect422(new StringContent("{\"country\": \"us\", \"country\": \"uk\"}", Encoding.UTF8, "application/json"));
        await Expect422(JsonContent.Create(new { country = "us", include_cliffs = "yes" }));
        await Expect422(JsonContent.Create(new { country = "us", time_period = "next year" }));
        await Expect422(JsonContent.Create(new { reform = new { } }));
        var big = new string('x', GatewayRequest.MaxBytes);
        var tooBig = await Expect422(JsonContent.Create(new { country = "us", title = big }));
        Assert.Contains("256 KiB", (string?)tooBig["detail"], StringComparison.Ordinal);

        // PolicyEngine's envelope fields are accepted and ignored.
        var accepted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new Dictionary<string, object?>
        {
            ["country"] = "us", ["time_period"] = "2024", ["_telemetry"] = new { run_id = "r-1", process_id = "p" }, ["_metadata"] = new { a = 1 },
            ["scope"] = "macro", ["policyengine_version"] = "4.18.7", ["include_cliffs"] = null, ["title"] = "envelope",
        });
        Assert.Equal("r-1", (string?)accepted["run_id"]);

        var window = await portal.Analyst.PostAsJsonAsync("/simulate/economy/budget-window", new { country = "us", start_year = 2090, window_size = 20 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, window.StatusCode);
        var text = await window.Content.ReadAsStringAsync();
        Assert.Contains("region", text, StringComparison.Ordinal);
        Assert.Contains("2099", text, StringComparison.Ordinal);
    }

    private static void AssertBundle(Portal.Core.Features.Bundles.ExecutionBundle expected, JsonNode actual)
    {
        Assert.Equal(expected.BundleId, (string?)actual["bundle_id"]);
        Assert.Equal(expected.DisplayId, (string?)actual["display_id"]);
        Assert.Equal(expected.ModelVersion, (string?)actual["model_version"]);
        Assert.Equal(expected.ModelSha256, (string?)actual["model_sha256"]);
        Assert.Equal(expected.DataVersion, (string?)actual["data_version"]);
        Assert.Equal(expected.DataManifestRevision, (string?)actual["manifest_revision"]);
        Assert.Equal(expected.Dataset, (string?)actual["dataset"]);
        Assert.Equal(expected.DatasetSha256, (string?)actual["dataset_sha256"]);
    }
}
