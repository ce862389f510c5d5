using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Runs;
using Portal.Core.Features.Simulations;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration;
using Quartz;

namespace Portal.Tests.Features.Runs;

/// <summary>
/// Replay of budget-window runs on a real Portal (SQLite, Quartz): the whole window is queued again as
/// a new parent job with fresh year jobs on the recorded bundle, computes without the cache, and
/// reports identical; a window that cannot be rebuilt is a 409; a failed or interrupted replay ends
/// failed with the reason or completes after the restart sweep, never stuck and never "identical" when partial.
/// </summary>
public sealed class BudgetWindowReplayTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    private const int StartYear = 2024;
    private const int WindowSize = 2;

    [Fact]
    public async Task A_budget_window_replays_identical_on_its_recorded_bundle_even_after_latest_moves()
    {
        var (runId, jobId) = await CompleteWindowAsync(23_101);
        await portal.PointAliasAsync("us", "latest", portal.Older.BundleId);
        JsonObject replay;
        try
        {
            replay = await RunsFixture.ReplayIdenticalAsync(portal.Analyst, runId);
        }
        finally
        {
            await portal.PointAliasAsync("us", "latest", portal.Latest.BundleId);
        }

        Assert.Equal(portal.Latest.BundleId, (string?)replay["bundle_id"]);
        Assert.Equal("budget_window", (string?)replay["provenance"]!["job_kind"]);

        // A new parent with fresh year jobs, no cache key (it really computed), on the recorded bundle.
        var replayJobId = (string)replay["job_id"]!;
        Assert.NotEqual(jobId, replayJobId);
        var parent = await portal.WithDbAsync(db => db.SimulationJobs.AsNoTracking().SingleAsync(j => j.JobId == replayJobId));
        Assert.Equal(SimulationJobKinds.BudgetWindow, parent.Kind);
        Assert.Null(parent.CacheKey);
        Assert.Equal(portal.Latest.BundleId, parent.BundleId);
        Assert.Equal((string)replay["run_id"]!, parent.RunId);
        var inputs = GatewayInputs.Parse(parent.RequestJson);
        Assert.Equal((StartYear, WindowSize, "window replay 23101"), (inputs.StartYear, inputs.WindowSize, inputs.Title));
        var years = await portal.WithDbAsync(db => db.SimulationJobs.AsNoTracking().Where(j => j.ParentJobId == replayJobId).OrderBy(j => j.JobId).ToListAsync());
        Assert.Equal([$"{replayJobId}_2024", $"{replayJobId}_2025"], years.Select(y => y.JobId));
        Assert.All(years, y => Assert.Equal((SimulationJobStatuses.Complete, 1, portal.Latest.BundleId), (y.Status, y.Attempts, y.BundleId)));

        // Compare shows the window's inputs and each year's impacts (identical here, so only with all=true).
        var compare = JsonNode.Parse(await portal.Reviewer.GetStringAsync($"/compare.json?runs={runId},{replay["run_id"]}&all=true"))!.ToJsonString();
        foreach (var key in new[] { "start_year", "window_size", "budget window 2024: budgetary impact", "budget window 2025: budgetary impact", "budget window total: budgetary impact" })
        {
            Assert.Contains($"\"{key}\"", compare, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_run_page_offers_replay_for_a_budget_window_and_its_form_replays_it_to_identical()
    {
        var (runId, _) = await CompleteWindowAsync(23_202);
        var email = $"bw-replay-{Guid.NewGuid():N}@example.org";
        await portal.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var analyst = await portal.SignedInClientAsync(email);

        var page = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{runId}");
        Assert.NotNull(page.QuerySelector("#replay-run"));
        var posted = await HtmlForms.SubmitAsync(analyst, page, $"/runs/{runId}", $"/runs/{runId}/replay", []);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var replayId = HtmlForms.RedirectTarget(posted).Split('/').Last();
        Assert.Equal(runId, await portal.WithDbAsync(db => db.Runs.Where(r => r.RunId == replayId).Select(r => r.ReplayOf).SingleAsync()));
        var done = await RunsFixture.WaitRunAsync(portal.Analyst, replayId);
        Assert.True((string?)done["status"] == "complete", done.ToJsonString());

        var replay = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{replayId}");
        Assert.Equal("identical", replay.QuerySelector("#replay-outcome")!.GetAttribute("data-outcome"));
        Assert.Equal(replay.QuerySelector("#original-result-sha256")!.TextContent, replay.QuerySelector("#replay-result-sha256")!.TextContent);
    }

    [Fact]
    public async Task A_window_whose_bundle_is_no_longer_certified_cannot_be_rebuilt_and_is_a_409_that_writes_nothing()
    {
        var (runId, _) = await CompleteWindowAsync(23_303, portal.Older.BundleId);
        await SetCertifiedAsync(portal.Older.BundleId, false);
        try
        {
            var jobs = await portal.WithDbAsync(db => db.SimulationJobs.CountAsync());
            var response = await portal.Analyst.PostAsync($"/v1/artifacts/{runId}/replay", null);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, text);
            Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            var detail = (string)JsonNode.Parse(text)!["detail"]!;
            Assert.Contains(runId, detail, StringComparison.Ordinal);
            Assert.Contains("is not certified", detail, StringComparison.Ordinal);
            Assert.Equal(0, await portal.WithDbAsync(db => db.Runs.CountAsync(r => r.ReplayOf == runId)));
            Assert.Equal(jobs, await portal.WithDbAsync(db => db.SimulationJobs.CountAsync()));
        }
        finally
        {
            await SetCertifiedAsync(portal.Older.BundleId, true);
        }
    }

    [Fact]
    public async Task Permissions_are_unchanged_anonymous_is_401_and_a_reviewer_is_403()
    {
        var (runId, _) = await CompleteWindowAsync(23_404);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RunsFixture.Anonymous(portal).PostAsync($"/v1/artifacts/{runId}/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.PostAsync($"/v1/artifacts/{runId}/replay", null)).StatusCode);
        Assert.Equal(0, await portal.WithDbAsync(db => db.Runs.CountAsync(r => r.ReplayOf == runId)));
    }

    [Fact]
    public async Task A_replay_with_a_failed_year_ends_failed_with_the_reason_and_no_outcome()
    {
        var (runId, _) = await CompleteWindowAsync(23_505);
        var replayId = await ReplayWhileTheSchedulerWaitsAsync(runId, async (db, parent) =>
            // The second year cannot load its bundle (as if its dataset had gone); the first computes.
            await db.SimulationJobs.Where(j => j.JobId == $"{parent}_2025").ExecuteUpdateAsync(s => s.SetProperty(j => j.BundleId, "bundle-that-went-away")));

        var failed = await RunsFixture.WaitRunAsync(portal.Analyst, replayId);
        Assert.Equal("failed", (string?)failed["status"]);
        Assert.Contains("1 of 2 years failed", (string?)failed["error"], StringComparison.Ordinal);
        Assert.Contains("2025: Bundle bundle-that-went-away does not exist.", (string?)failed["error"], StringComparison.Ordinal);
        Assert.Null((string?)failed["replay_outcome"]);
        Assert.Null((string?)failed["result_sha256"]);
        var parent = (string)failed["job_id"]!;
        Assert.Equal(SimulationJobStatuses.Complete, await portal.WithDbAsync(db => db.SimulationJobs.Where(j => j.JobId == $"{parent}_2024").Select(j => j.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_replay_interrupted_mid_window_is_queued_again_at_start_up_and_completes_identical()
    {
        var (runId, _) = await CompleteWindowAsync(23_606);
        var replayId = await ReplayWhileTheSchedulerWaitsAsync(runId, async (db, parent) =>
        {
            // What a killed process leaves: the parent and its first year running, the Quartz job gone.
            await db.SimulationJobs.Where(j => j.JobId == parent || j.JobId == $"{parent}_2024")
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, SimulationJobStatuses.Running).SetProperty(j => j.Attempts, 1));
            var scheduler = await portal.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.True(await scheduler.DeleteJob(SimulationJobQueue.QuartzJobKey(parent)));
            Assert.Equal("submitted", await db.Runs.Where(r => r.JobId == parent).Select(r => r.Status).SingleAsync());
            await using var scope = portal.Services.CreateAsyncScope();
            Assert.True(await scope.ServiceProvider.GetRequiredService<SimulationJobQueue>().RequeueOrphansAsync() >= 1);
        });

        var done = await RunsFixture.WaitRunAsync(portal.Analyst, replayId);
        Assert.True((string?)done["status"] == "complete", done.ToJsonString());
        Assert.Equal("identical", (string?)done["replay_outcome"]);
    }

    /// <summary>A complete budget-window run (<see cref="StartYear"/>, <see cref="WindowSize"/> years) and its registry row.</summary>
    private async Task<(string RunId, string JobId)> CompleteWindowAsync(double deduction, string? bundle = null)
    {
        var body = new Dictionary<string, object>
        {
            ["country"] = "us", ["region"] = "us", ["start_year"] = StartYear, ["window_size"] = WindowSize, ["title"] = $"window replay {deduction}",
            ["reform"] = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = deduction } },
        };
        if (bundle is not null)
        {
            body["bundle"] = bundle;
        }

        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, body, "/simulate/economy/budget-window");
        var jobId = (string)submitted["job_id"]!;
        var window = await GatewayFixture.WaitAsync(portal.Analyst, (string)submitted["poll_url"]!);
        Assert.True((string?)window["status"] == "complete", window.ToJsonString());
        var row = await Poll.UntilAsync(
            async () => JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts?source=gateway&search={jobId}"))!["runs"]!.AsArray().FirstOrDefault()?.AsObject(),
            TimeSpan.FromSeconds(60), "the window's registry row");
        var runId = (string)row["run_id"]!;
        var original = await RunsFixture.WaitRunAsync(portal.Analyst, runId);
        Assert.True((string?)original["status"] == "complete", original.ToJsonString());
        Assert.Equal("budget_window", (string?)original["provenance"]!["job_kind"]);
        return (runId, jobId);
    }

    /// <summary>
    /// Posts the replay while the scheduler waits, lets <paramref name="meddle"/> change the queued window
    /// (db, parent job id), then lets the scheduler go. Returns the replay's run id.
    /// </summary>
    private async Task<string> ReplayWhileTheSchedulerWaitsAsync(string runId, Func<Portal.Core.Data.PortalDbContext, string, Task> meddle)
    {
        var scheduler = await portal.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        try
        {
            var response = await portal.Analyst.PostAsync($"/v1/artifacts/{runId}/replay", null);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
            var replay = JsonNode.Parse(text)!;
            var parent = (string)replay["job_id"]!;
            await portal.WithDbAsync(async db =>
            {
                await meddle(db, parent);
                return 0;
            });
            return (string)replay["run_id"]!;
        }
        finally
        {
            await scheduler.Start();
        }
    }

    private Task<int> SetCertifiedAsync(string bundleId, bool certified) =>
        portal.WithDbAsync(db => db.ExecutionBundles.Where(b => b.BundleId == bundleId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Certified, certified)));
}
