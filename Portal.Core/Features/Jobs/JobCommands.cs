using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Quartz;

namespace Portal.Core.Features.Jobs;

/// <summary>Operator actions on scheduled jobs: run now, pause and resume a trigger. Each is audited.</summary>
public sealed class JobCommandsHandler(ISchedulerFactory schedulers, PortalDbContext db, TimeProvider time)
{
    public async Task<Result<string>> RunNowAsync(string group, string name, Actor actor, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new JobKey(name, group);
        if (!await scheduler.Exists(key, ct))
        {
            return Problem.NotFound($"Job {group}.{name}");
        }

        await scheduler.TriggerJob(key, ct);
        await AuditAsync(actor, "job.triggered", $"job:{group}.{name}", ct);
        return $"{group}.{name} was queued to run now.";
    }

    public async Task<Result<string>> SetPausedAsync(string group, string name, bool paused, Actor actor, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = new TriggerKey(name, group);
        if (!await scheduler.Exists(key, ct))
        {
            return Problem.NotFound($"Trigger {group}.{name}");
        }

        if (paused)
        {
            await scheduler.PauseTrigger(key, ct);
        }
        else
        {
            await scheduler.ResumeTrigger(key, ct);
        }

        await AuditAsync(actor, paused ? "trigger.paused" : "trigger.resumed", $"trigger:{group}.{name}", ct);
        return paused ? $"Trigger {group}.{name} is paused." : $"Trigger {group}.{name} is resumed.";
    }

    private async Task AuditAsync(Actor actor, string action, string target, CancellationToken ct)
    {
        AuditLog.Record(db, actor, time.GetUtcNow().UtcDateTime, action, target);
        await db.SaveChangesAsync(ct);
    }
}
