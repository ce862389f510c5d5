using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Runs;
using Portal.Core.Features.Simulations;
using Portal.Tests.Integration;

namespace Portal.Tests.Features.Runs;

/// <summary>The registry backfill on a real Portal: finished jobs without a row (as before migration 0010) get one, once.</summary>
public sealed class RunBackfillTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    private async Task<string> FinishedGatewayJobAsync(double deduction)
    {
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new
        {
            country = "us", time_period = 2024, title = "backfill",
            reform = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = deduction } },
        });
        await GatewayFixture.WaitAsync(portal.Analyst, (string)submitted["poll_url"]!);
        var jobId = (string)submitted["job_id"]!;

        // As on a database upgraded across 0010: the job is there, its registry row is not.
        await Infrastructure.Poll.UntilAsync(
            () => portal.WithDbAsync(db => db.Runs.Where(r => r.JobId == jobId && r.Status == RunStatuses.Complete).Select(r => r.RunId).FirstOrDefaultAsync()),
            TimeSpan.FromSeconds(30), "the live row");
        await portal.WithDbAsync(db => db.Runs.Where(r => r.JobId == jobId).ExecuteDeleteAsync());
        return jobId;
    }

    private Task<int> BackfillAsync() => portal.Services.GetRequiredService<RunBackfill>().RunAsync(DateTime.UtcNow.AddSeconds(1));

    [Fact]
    public async Task Finished_jobs_without_a_row_get_one_with_provenance_and_a_second_pass_adds_nothing()
    {
        var complete = await FinishedGatewayJobAsync(17_777);
        var failed = await FinishedGatewayJobAsync(17_778);
        await portal.WithDbAsync(db => db.SimulationJobs.Where(j => j.JobId == failed)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, SimulationJobStatuses.Failed).SetProperty(j => j.Error, "worker lost").SetProperty(j => j.ResultJson, (string?)null)));

        Assert.True(await BackfillAsync() >= 2);
        var row = await portal.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync(r => r.JobId == complete));
        Assert.Equal(RunKinds.Gateway, row.Kind);
        Assert.Equal(RunStatuses.Complete, row.Status);
        Assert.Matches("^[0-9a-f]{64}$", row.ResultSha256!);
        Assert.Equal(complete, (string?)JsonNode.Parse(row.ProvenanceJson!)!["job_id"]);
        var detail = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts/{row.RunId}"))!;
        Assert.Equal(row.ResultSha256, (string?)detail["manifest"]!["result_sha256"]);

        var failedRow = await portal.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync(r => r.JobId == failed));
        Assert.Equal(RunStatuses.Failed, failedRow.Status);
        Assert.Equal("worker lost", failedRow.Error);

        // Idempotent: nothing left to record, still one row per job.
        Assert.Equal(0, await BackfillAsync());
        Assert.Equal(1, await portal.WithDbAsync(db => db.Runs.CountAsync(r => r.JobId == complete)));
        Assert.Equal(0, await portal.WithDbAsync(db => RunBackfill.Pending(db, 0, DateTime.UtcNow.AddSeconds(1)).CountAsync()));
    }

    [Fact]
    public async Task Jobs_finishing_after_the_cut_off_are_left_to_the_live_hook()
    {
        var jobId = await FinishedGatewayJobAsync(17_779);
        Assert.Equal(0, await portal.Services.GetRequiredService<RunBackfill>().RunAsync(DateTime.UtcNow.AddHours(-1)));
        Assert.False(await portal.WithDbAsync(db => db.Runs.AnyAsync(r => r.JobId == jobId)));
        await BackfillAsync();
        Assert.True(await portal.WithDbAsync(db => db.Runs.AnyAsync(r => r.JobId == jobId)));
    }
}
