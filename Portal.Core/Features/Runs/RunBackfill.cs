using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Gives registry rows to gateway and report jobs that finished before the registry existed (databases
/// upgraded across migration 0010) or whose completion hook never ran (a crash between the job's last
/// update and the hook), so every run has provenance. Each such job goes through the same
/// <see cref="RunRecorder.JobFinishedAsync"/> as a live completion, a batch at a time in one transaction
/// per batch. Idempotent: a job that has a row is skipped, and a pending run of a finished job is completed.
/// Only jobs that finished before <paramref name="finishedBefore"/> are touched, so the backfill never races
/// the live hook of a job finishing now.
/// </summary>
public sealed class RunBackfill(IServiceScopeFactory scopes, ILogger<RunBackfill> logger)
{
    public const int BatchSize = 50;

    public async Task<int> RunAsync(DateTime finishedBefore, CancellationToken ct = default)
    {
        long after = 0;
        var recorded = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var batch = await Pending(db, after, finishedBefore).OrderBy(j => j.Id).Select(j => new { j.Id, j.JobId }).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            var recorder = scope.ServiceProvider.GetRequiredService<RunRecorder>();
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                foreach (var job in batch)
                {
                    await recorder.JobFinishedAsync(job.JobId, ct);
                }

                await transaction.CommitAsync(ct);
            }

            recorded += batch.Count;
            after = batch[^1].Id;
        }

        if (recorded > 0)
        {
            logger.LogInformation("Run registry backfill: {Count} finished job(s) without a complete registry row were recorded", recorded);
        }

        return recorded;
    }

    /// <summary>Finished top-level jobs no run row owns yet (by job id, or by the run id a spec run queued it with), or whose run is still pending.</summary>
    public static IQueryable<SimulationJob> Pending(PortalDbContext db, long afterId, DateTime finishedBefore) =>
        db.SimulationJobs.AsNoTracking().Where(j =>
            j.Id > afterId && j.ParentJobId == null
            && (j.Status == SimulationJobStatuses.Complete || j.Status == SimulationJobStatuses.Failed)
            && j.CompletedUtc != null && j.CompletedUtc < finishedBefore
            && (!db.Runs.Any(r => r.JobId == j.JobId || (r.JobId == null && r.RunId == j.RunId))
                || db.Runs.Any(r => r.JobId == j.JobId && r.Status == RunStatuses.Submitted)));
}

/// <summary>Runs <see cref="RunBackfill"/> once after start-up, in the background (a large upgrade must not delay serving); a failure is logged and retried at the next start.</summary>
internal sealed class RunBackfillService(RunBackfill backfill, TimeProvider time, ILogger<RunBackfillService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow().UtcDateTime;
        try
        {
            await backfill.RunAsync(started, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A backfill failure must not stop the host; the next start tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Run registry backfill failed; it is retried at the next start");
        }
    }
}
