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
/// ever complete them. At start-up this hands such jobs to <see cref="RunRecorder.JobFinishedAsync"/>
/// again, which is idempotent (each run is claimed by one conditional update).
/// </summary>
public sealed class RunRecovery(PortalDbContext db, RunRecorder recorder, DatabaseSettings database, ILogger<RunRecovery> logger)
{
    /// <summary>Only jobs finished this recently are looked at, so a start never backfills years of history.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public const string OrphanedError = "The portal stopped before this run's job was queued; start the run again.";

    /// <summary>
    /// Repairs the registry rows of top-level jobs that finished before <paramref name="processStartUtc"/>
    /// (a job this process finishes has its hook running already). Single node (SQLite) only: on a
    /// PostgreSQL cluster another live node's hook could be writing the same rows. Returns the jobs handed over plus the runs failed.
    /// </summary>
    public async Task<int> RecoverAsync(DateTime processStartUtc, CancellationToken ct = default)
    {
        if (!database.IsSqlite)
        {
            return 0;
        }

        var since = processStartUtc - Window;
        // A writing claim made before this process started belongs to a dead process: hand it back.
        var released = await db.Runs
            .Where(r => r.Status == RunStatuses.Writing
                && db.SimulationJobs.Any(j => j.JobId == r.JobId && j.CompletedUtc != null && j.CompletedUtc < processStartUtc))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatuses.Submitted), ct);
        // A run row is inserted before its job (RunExecution.QueueOwnedJobAsync): a kill in between left
        // a run that no job will ever complete. It fails with the reason; the caller can start it again.
        var orphaned = await db.Runs
            .Where(r => r.Status == RunStatuses.Submitted && r.JobId == null && r.CreatedAt < processStartUtc
                && !db.SimulationJobs.Any(j => j.RunId == r.RunId))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatuses.Failed)
                .SetProperty(r => r.Error, OrphanedError)
                .SetProperty(r => r.CompletedAt, processStartUtc), ct);
        var jobIds = await db.SimulationJobs.AsNoTracking()
            .Where(j => j.ParentJobId == null
                && (j.Status == SimulationJobStatuses.Complete || j.Status == SimulationJobStatuses.Failed)
                && j.CompletedUtc >= since && j.CompletedUtc < processStartUtc
                && !db.Runs.Any(r => (r.JobId == j.JobId || (r.JobId == null && r.RunId == j.RunId))
                    && (r.Status == RunStatuses.Complete || r.Status == RunStatuses.Failed)))
            .Select(j => j.JobId)
            .ToListAsync(ct);
        foreach (var jobId in jobIds)
        {
            await recorder.JobFinishedAsync(jobId, ct);
        }

        if (released > 0 || orphaned > 0 || jobIds.Count > 0)
        {
            logger.LogWarning("Run registry repaired after an interruption: {Released} writing runs released, {Orphaned} runs without a job failed, {Jobs} finished jobs recorded again",
                released, orphaned, jobIds.Count);
        }

        return jobIds.Count + orphaned;
    }
}

/// <summary>Runs <see cref="RunRecovery"/> once at start-up.</summary>
internal sealed class RunRecoveryService(IServiceScopeFactory scopes, ILogger<RunRecoveryService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RunRecovery>().RecoverAsync(started, cancellationToken);
        }
#pragma warning disable CA1031 // A registry repair that fails must not stop the portal from starting; it is tried again at the next start.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Repairing the run registry at start-up failed");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
