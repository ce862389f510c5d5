using Quartz;
using Quartz.Extensibility;

namespace Portal.Core.Features.Jobs;

public sealed record ScheduledTrigger(
    string JobGroup,
    string JobName,
    string TriggerGroup,
    string TriggerName,
    string? Description,
    string Type,
    string State,
    DateTimeOffset? NextFireUtc,
    DateTimeOffset? PreviousFireUtc);

public sealed record RunningJob(string FireInstanceId, string JobGroup, string JobName, string Node, DateTimeOffset StartedUtc, int? Progress, string? Message);

public sealed record JobExecution(
    string JobGroup,
    string JobName,
    string TriggerName,
    string Node,
    DateTimeOffset FiredUtc,
    TimeSpan Duration,
    string Result,
    string? Summary,
    string? Error,
    bool Manual);

public sealed record SchedulerNode(string InstanceId, string State, DateTimeOffset? LastCheckInUtc, bool IsCurrent);

public sealed record JobsOverview(
    string SchedulerName,
    string InstanceId,
    string Status,
    IReadOnlyList<SchedulerNode> Nodes,
    IReadOnlyList<ScheduledTrigger> Scheduled,
    IReadOnlyList<RunningJob> Running,
    IReadOnlyList<JobExecution> Recent,
    int RecentTotal);

/// <summary>
/// What the scheduler has planned, is running and has run, read from the job store and the
/// execution history in the database — so in a cluster every node shows the same picture.
/// </summary>
public sealed class JobsOverviewHandler(ISchedulerFactory schedulers, IExecutionHistoryStore history)
{
    public async Task<JobsOverview> HandleAsync(int recentCount = 50, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var triggers = (await scheduler.QueryTriggers(new TriggerQuery { Take = PagedQuery.All }, ct)).Items;
        var firing = (await scheduler.QueryFireInstances(new FireInstanceQuery { Take = PagedQuery.All }, ct)).Items;
        var nodes = await scheduler.QueryClusterNodes(ct);
        var recent = await history.QueryExecutions(
            new ExecutionHistoryQuery { SchedulerName = scheduler.SchedulerName, Take = Math.Clamp(recentCount, 1, 500), IncludeTotalCount = true },
            ct);

        return new JobsOverview(
            scheduler.SchedulerName,
            scheduler.SchedulerInstanceId,
            (await scheduler.GetStatus(ct)).ToString(),
            nodes.Select(n => new SchedulerNode(n.InstanceId, n.State.ToString(), n.LastCheckInUtc, n.IsCurrentNode)).ToList(),
            triggers.Select(t => new ScheduledTrigger(
                t.JobKey.Group, t.JobKey.Name, t.Key.Group, t.Key.Name, t.Description, t.TriggerType, t.State.ToString(), t.NextFireTimeUtc, t.PreviousFireTimeUtc)).ToList(),
            firing.Select(f => new RunningJob(
                f.FireInstanceId, f.JobKey?.Group ?? "", f.JobKey?.Name ?? "(starting)", f.SchedulerInstanceId, f.FireTimeUtc, f.Progress, f.ProgressMessage)).ToList(),
            recent.Items.Select(e => new JobExecution(
                e.JobGroup, e.JobName, e.TriggerName, e.SchedulerInstanceId, e.FiredAtUtc, e.Duration, e.EffectiveResult.ToString(), e.Summary, e.ExceptionMessage, e.Manual)).ToList(),
            recent.TotalCount ?? recent.Items.Count);
    }
}
