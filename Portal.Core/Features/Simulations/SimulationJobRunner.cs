using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Quartz;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// The Quartz job that runs one <see cref="SimulationJob"/> (job data <c>job_id</c>). Idempotent: a
/// job already complete or failed is left alone, and a re-fired or recovered run finishes the same
/// row (Attempts counts the starts). The outcome — result, status, progress, completion time — is
/// written in one conditional update, so two runs of one job can never both complete it. An
/// executor's exception fails the job with a readable message; it never reaches the scheduler.
/// </summary>
public sealed class SimulationJobRunner(
    PortalDbContext db,
    IEnumerable<ISimulationJobExecutor> executors,
    IEnumerable<ISimulationJobCompletionHook> completionHooks,
    IServiceScopeFactory scopes,
    SimulationOptions options,
    TimeProvider time,
    ILogger<SimulationJobRunner> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var jobId = context.MergedJobDataMap.GetString(SimulationJobQueue.JobIdKey);
        if (string.IsNullOrEmpty(jobId))
        {
            logger.LogError("Simulation trigger {Trigger} carries no job id", context.Trigger.Key);
            return;
        }

        var outcome = await RunAsync(jobId, cancellationToken);
        context.Result = outcome == SimulationJobStatuses.Failed
            ? JobRunReport.Failed($"{jobId}: failed (see the job's error)")
            : JobRunReport.Succeeded($"{jobId}: {outcome}");
    }

    /// <summary>Runs the job now on this thread (the Quartz entry point and tests use this). Returns the final status, or why nothing ran.</summary>
    public async Task<string> RunAsync(string jobId, CancellationToken ct = default)
    {
        var job = await db.SimulationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.JobId == jobId, ct);
        if (job is null)
        {
            logger.LogWarning("Simulation job {JobId} does not exist; nothing to run", jobId);
            return "missing";
        }

        if (SimulationJobStatuses.IsTerminal(job.Status))
        {
            return job.Status;
        }

        var started = time.GetUtcNow().UtcDateTime;
        var claimed = await db.SimulationJobs
            .Where(j => j.JobId == jobId && j.Status != SimulationJobStatuses.Complete && j.Status != SimulationJobStatuses.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, SimulationJobStatuses.Running)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.StartedUtc, started)
                .SetProperty(j => j.Progress, 0.0)
                .SetProperty(j => j.Stage, "Starting"), ct);
        if (claimed == 0)
        {
            return "finished elsewhere";
        }

        job.Status = SimulationJobStatuses.Running;
        job.Attempts++;
        job.StartedUtc = started;
        var progress = new DatabaseJobProgress(scopes, jobId, options.ProgressInterval, time);
        var executor = executors.FirstOrDefault(e => e.Kind == job.Kind);
        string? result = null;
        string? error = null;
        try
        {
            if (executor is null)
            {
                error = $"No worker runs jobs of kind '{job.Kind}'.";
            }
            else
            {
                if (options.JobDelayMs > 0)
                {
                    await Task.Delay(options.JobDelayMs, ct);
                }

                var node = await executor.ExecuteAsync(job, progress, ct);
                result = node.ToJsonString();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand the job back; the start-up sweep or Quartz recovery runs it again.
            await progress.FlushAsync();
            await db.SimulationJobs
                .Where(j => j.JobId == jobId && j.Status == SimulationJobStatuses.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, SimulationJobStatuses.Submitted)
                    .SetProperty(j => j.Stage, "Interrupted by a shutdown; queued again on restart"), CancellationToken.None);
            throw;
        }
#pragma warning disable CA1031 // Any executor failure becomes the job's error instead of crashing the scheduler thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Simulation job {JobId} ({Kind}) failed", jobId, job.Kind);
            error = Describe(e);
        }

        await progress.FlushAsync();
        var completed = time.GetUtcNow().UtcDateTime;
        var status = error is null ? SimulationJobStatuses.Complete : SimulationJobStatuses.Failed;
        var written = await db.SimulationJobs
            .Where(j => j.JobId == jobId && j.Status == SimulationJobStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, status)
                .SetProperty(j => j.ResultJson, result)
                .SetProperty(j => j.Error, error)
                .SetProperty(j => j.Progress, error is null ? 1.0 : job.Progress)
                .SetProperty(j => j.Stage, error is null ? "Complete" : "Failed")
                .SetProperty(j => j.CompletedUtc, completed), CancellationToken.None);
        if (written != 1)
        {
            return "finished elsewhere";
        }

        await NotifyAsync(jobId);
        return status;
    }

    /// <summary>Tells the completion hooks (the run registry) once, by the run that completed the job.</summary>
    private async Task NotifyAsync(string jobId)
    {
        foreach (var hook in completionHooks)
        {
            try
            {
                await hook.JobFinishedAsync(jobId, CancellationToken.None);
            }
#pragma warning disable CA1031 // A hook's failure (e.g. a full disk for run artifacts) must not undo or fail the finished job.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "A completion hook failed for simulation job {JobId}", jobId);
            }
        }
    }

    /// <summary>Portal's own exceptions carry a message written for people; anything else names its type too.</summary>
    internal static string Describe(Exception e) =>
        e.GetType().Assembly == typeof(SimulationJobRunner).Assembly ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
