using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
/// Only jobs that finished before the cut-off are touched, so the backfill never races the live hook of a
/// job finishing now. On PostgreSQL (several nodes) each batch holds a transaction-scoped advisory lock,
/// so two nodes starting together take turns and the second finds the rows the first wrote.
/// </summary>
public sealed class RunBackfill(IServiceScopeFactory scopes, DatabaseSettings database, ILogger<RunBackfill> logger)
{
    public const int BatchSize = 50;

    /// <summary>An arbitrary, fixed advisory lock key that serialises backfill batches across nodes.</summary>
    private const string AdvisoryLock = "SELECT pg_advisory_xact_lock(7215840100001)";

    /// <summary>
    /// On a cluster another node's hook may still be recording a job that finished just before this node
    /// started; jobs that finished this long before are certainly past their hook.
    /// </summary>
    public static readonly TimeSpan ClusterMargin = TimeSpan.FromMinutes(5);

    /// <summary>The cut-off for a process started at <paramref name="processStartUtc"/>.</summary>
    public DateTime CutOff(DateTime processStartUtc) => database.IsSqlite ? processStartUtc : processStartUtc - ClusterMargin;

    public async Task<int> RunAsync(DateTime finishedBefore, CancellationToken ct = default)
    {
        long after = 0;
        var recorded = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var recorder = scope.ServiceProvider.GetRequiredService<RunRecorder>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!database.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync(AdvisoryLock, ct);
            }

            // Read inside the lock, so a batch another node just recorded is not recorded again.
            var batch = await Pending(db, after, finishedBefore).OrderBy(j => j.Id).Select(j => new { j.Id, j.JobId }).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var job in batch)
            {
                await recorder.JobFinishedAsync(job.JobId, ct);
            }

            await transaction.CommitAsync(ct);

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
                || db.Runs.Any(r => (r.JobId == j.JobId || (r.JobId == null && r.RunId == j.RunId)) && r.Status == RunStatuses.Submitted)));
}
