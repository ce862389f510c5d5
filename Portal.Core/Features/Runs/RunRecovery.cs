using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Repairs the run registry after a crash. The registry is written by the runner's completion hook,
/// AFTER the job's final update: a SIGKILL in between leaves a finished job with no registry row, a
/// row still <c>submitted</c>, or a row stuck in <c>writing</c> (found by the crash-safety trials,
/// e2e/ProcessTests/FaultInjection). Quartz never runs a finished job again, so nothing else would
/// ever complete them. This puts such rows back into a state <see cref="RunBackfill"/> picks up, then
/// runs the backfill, which hands every finished job without a complete row to the idempotent
/// <see cref="RunRecorder.JobFinishedAsync"/> (one pass for crash repair and pre-registry jobs alike).
/// </summary>
public sealed class RunRecovery(PortalDbContext db, RunBackfill backfill, DatabaseSettings database, ILogger<RunRecovery> logger)
{
    public const string OrphanedError = "The portal stopped before this run's job was queued; start the run again.";

    /// <summary>
    /// Repairs the registry rows of top-level jobs that finished before <paramref name="processStartUtc"/>
    /// (a job this process finishes has its hook running already). Releasing <c>writing</c> claims and
    /// failing job-less runs is single node (SQLite) only: on a PostgreSQL cluster another live node could
    /// own them. Returns the jobs recorded plus the runs failed.
    /// </summary>
    public async Task<int> RecoverAsync(DateTime processStartUtc, CancellationToken ct = default)
    {
        int released = 0, orphaned = 0;
        if (database.IsSqlite)
        {
            // A writing claim made before this process started belongs to a dead process: hand it back.
            released = await db.Runs
                .Where(r => r.Status == RunStatuses.Writing
                    && db.SimulationJobs.Any(j => j.JobId == r.JobId && j.CompletedUtc != null && j.CompletedUtc < processStartUtc))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatuses.Submitted), ct);
            // A run row is inserted before its job (RunExecution.QueueOwnedJobAsync): a kill in between left
            // a run that no job will ever complete. It fails with the reason; the caller can start it again.
            orphaned = await db.Runs
                .Where(r => r.Status == RunStatuses.Submitted && r.JobId == null && r.CreatedAt < processStartUtc
                    && !db.SimulationJobs.Any(j => j.RunId == r.RunId))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatuses.Failed)
                    .SetProperty(r => r.Error, OrphanedError)
                    .SetProperty(r => r.CompletedAt, processStartUtc), ct);
        }

        var recorded = await backfill.RunAsync(backfill.CutOff(processStartUtc), ct);
        if (released > 0 || orphaned > 0)
        {
            logger.LogWarning("Run registry repaired after an interruption: {Released} writing runs released, {Orphaned} runs without a job failed, {Jobs} finished jobs recorded",
                released, orphaned, recorded);
        }

        return recorded + orphaned;
    }
}

/// <summary>
/// Runs <see cref="RunRecovery"/> (and with it <see cref="RunBackfill"/>) once after start-up, in the
/// background: a large upgrade's backfill must not delay serving. A failure is logged and retried at the next start.
/// </summary>
internal sealed class RunRecoveryService(IServiceScopeFactory scopes, ILogger<RunRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RunRecovery>().RecoverAsync(started, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A registry repair that fails must not stop the portal; it is tried again at the next start.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Repairing the run registry at start-up failed; it is retried at the next start");
        }
    }
}
