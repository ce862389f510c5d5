using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Quartz;

namespace Portal.Core.Features.Publishing;

/// <summary>
/// Puts publish runs on the Quartz scheduler: one durable-until-done job per run that asks for
/// recovery, so a process killed mid-run fires the job again on restart and the run resumes.
/// </summary>
public sealed class PublishRunQueue(PortalDbContext db, ISchedulerFactory schedulers, TimeProvider time, ILogger<PublishRunQueue> logger)
{
    public const string QuartzGroup = "publishing";
    public const string RunIdKey = "run_id";

    public static JobKey QuartzJobKey(string runId) => new(runId, QuartzGroup);

    /// <summary>Adds the run's job and trigger (no-op if they exist); a scheduler refusal fails the run with the reason.</summary>
    public async Task ScheduleAsync(string runId, CancellationToken ct = default)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            var detail = JobBuilder.Create<PublishRunJob>()
                .WithIdentity(QuartzJobKey(runId))
                .WithDescription("Publish run " + runId)
                .UsingJobData(RunIdKey, runId)
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(runId, QuartzGroup)
                .ForJob(detail)
                .StartNow()
                .Build();
            await scheduler.ScheduleJob(detail, trigger, default, ct);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Already queued (the start-up sweep, or Quartz recovering it): nothing to do.
        }
        catch (SchedulerException e)
        {
            logger.LogError(e, "Could not schedule publish run {RunId}", runId);
            await db.PublishRuns
                .Where(r => r.RunId == runId && r.Status == PublishRunStatuses.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, PublishRunStatuses.Failed)
                    .SetProperty(r => r.Error, "The run could not be queued: " + e.Message)
                    .SetProperty(r => r.FinishedUtc, time.GetUtcNow().UtcDateTime), CancellationToken.None);
        }
    }

    /// <summary>
    /// Queues again the runs the database says are unfinished but the scheduler no longer holds (a
    /// graceful shutdown interrupted them). Runs Quartz is recovering itself still have their job.
    /// </summary>
    public async Task<int> RequeueOrphansAsync(CancellationToken ct = default)
    {
        var pending = await db.PublishRuns.AsNoTracking()
            .Where(r => r.Status == PublishRunStatuses.Queued || r.Status == PublishRunStatuses.Running)
            .Select(r => r.RunId)
            .ToListAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        var requeued = 0;
        foreach (var runId in pending)
        {
            if (!await scheduler.Exists(QuartzJobKey(runId), ct))
            {
                await ScheduleAsync(runId, ct);
                requeued++;
            }
        }

        return requeued;
    }
}

/// <summary>The Quartz job of one publish run (job data <c>run_id</c>); the work is in <see cref="PublishCoordinator"/>.</summary>
public sealed class PublishRunJob(PublishCoordinator coordinator, ILogger<PublishRunJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var runId = context.MergedJobDataMap.GetString(PublishRunQueue.RunIdKey);
        if (string.IsNullOrEmpty(runId))
        {
            logger.LogError("Publish trigger {Trigger} carries no run id", context.Trigger.Key);
            return;
        }

        var outcome = await coordinator.RunAsync(runId, cancellationToken);
        context.Result = outcome == PublishRunStatuses.Failed
            ? JobRunReport.Failed($"{runId}: failed (see the run's error)")
            : JobRunReport.Succeeded($"{runId}: {outcome}{(context.Recovering ? " (recovered after an interruption)" : "")}");
    }
}
