using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Runs;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration;

namespace Portal.Tests.Features.Runs;

/// <summary>
/// Regression for a crash-safety gap found by the SIGKILL trials: the registry row of a job is written
/// after the job's final update, so a kill in between left a finished job without its row (or its row
/// stuck in <c>writing</c> with a half-written temporary folder) forever. The start-up repair
/// (<see cref="RunRecovery"/>) completes exactly one row per job.
/// </summary>
public sealed class RunRecoveryTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    [Fact]
    public async Task Finished_jobs_whose_registry_write_was_interrupted_get_exactly_one_whole_row_at_start_up()
    {
        var jobs = new List<string>();
        foreach (var deduction in new[] { 17_101, 17_202 })
        {
            var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new
            {
                country = "us", time_period = 2024, title = "recovery",
                reform = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = deduction } },
            });
            await GatewayFixture.WaitAsync(portal.Analyst, (string)submitted["poll_url"]!);
            jobs.Add((string)submitted["job_id"]!);
        }

        var runs = await Poll.UntilAsync(async () =>
        {
            var rows = await portal.WithDbAsync(db => db.Runs.AsNoTracking().Where(r => jobs.Contains(r.JobId!) && r.Status == RunStatuses.Complete).ToListAsync());
            return rows.Count == 2 ? rows : null;
        }, TimeSpan.FromSeconds(60), "both registry rows");
        var store = portal.Services.GetRequiredService<RunArtifactStore>();
        var lost = runs.Single(r => r.JobId == jobs[0]);
        var torn = runs.Single(r => r.JobId == jobs[1]);

        // The crash: job 0's hook never ran (no row, no folder); job 1's run was killed mid-write
        // (claimed, folder not yet renamed into place, a partial temporary folder left behind).
        Directory.Delete(Path.Combine(store.Root, lost.RunId), recursive: true);
        Directory.Delete(Path.Combine(store.Root, torn.RunId), recursive: true);
        var partial = Directory.CreateDirectory(Path.Combine(store.Root, $".tmp-{torn.RunId}-deadbeef"));
        await File.WriteAllTextAsync(Path.Combine(partial.FullName, "result.json"), "{\"trunc");
        await portal.WithDbAsync(async db =>
        {
            await db.Runs.Where(r => r.RunId == lost.RunId).ExecuteDeleteAsync();
            return await db.Runs.Where(r => r.RunId == torn.RunId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatuses.Writing).SetProperty(r => r.ResultSha256, (string?)null));
        });

        Assert.Equal(2, await RecoverAsync());

        var after = await portal.WithDbAsync(db => db.Runs.AsNoTracking().Where(r => jobs.Contains(r.JobId!)).ToListAsync());
        Assert.Equal(2, after.Count);
        Assert.All(after, r => Assert.Equal(RunStatuses.Complete, r.Status));
        Assert.Equal(torn.ResultSha256, after.Single(r => r.JobId == jobs[1]).ResultSha256);
        Assert.Equal(lost.ResultSha256, after.Single(r => r.JobId == jobs[0]).ResultSha256);
        Assert.All(after, r => Assert.True(File.Exists(Path.Combine(store.Root, r.RunId, RunFileNames.Manifest)), r.RunId));
        Assert.False(Directory.Exists(partial.FullName), "the interrupted write's temporary folder is removed");

        // Idempotent: a second start finds nothing to do and adds no second row.
        Assert.Equal(0, await RecoverAsync());
        Assert.Equal(2, await portal.WithDbAsync(db => db.Runs.CountAsync(r => jobs.Contains(r.JobId!))));
    }

    private async Task<int> RecoverAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunRecovery>().RecoverAsync(DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task A_run_whose_job_was_never_queued_fails_with_the_reason_at_start_up()
    {
        // The kill landed between the run's insert and its job's (RunExecution.QueueOwnedJobAsync).
        var run = new RunRecord
        {
            RunId = RunIds.New(), Kind = RunKinds.Template, Source = "api", Country = "us", BundleId = portal.Latest.BundleId,
            SpecSha256 = new string('0', 64), SpecText = "x", SubmittedBy = "test", CreatedAt = DateTime.UtcNow.AddMinutes(-1),
        };
        run.SearchText = RunSearch.Text(run);
        await portal.WithDbAsync(db =>
        {
            db.Runs.Add(run);
            return db.SaveChangesAsync();
        });

        Assert.True(await RecoverAsync() >= 1);
        var after = await portal.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync(r => r.RunId == run.RunId));
        Assert.Equal(RunStatuses.Failed, after.Status);
        Assert.Equal(RunRecovery.OrphanedError, after.Error);
        Assert.NotNull(after.CompletedAt);
    }
}
