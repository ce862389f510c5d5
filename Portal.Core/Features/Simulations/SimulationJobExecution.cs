using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// Runs one kind of <see cref="SimulationJob"/> (<see cref="SimulationJobKinds"/>). Registered in DI,
/// several at once; <see cref="SimulationJobRunner"/> dispatches by <see cref="Kind"/>. The returned
/// JSON is stored as the job's result. Throwing fails the job with the exception's message.
/// </summary>
public interface ISimulationJobExecutor
{
    string Kind { get; }

    Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct);
}

/// <summary>Where a running job reports how far it got. Writes are throttled; callers may report as often as they like.</summary>
public interface IJobProgress
{
    /// <param name="progress">0–1.</param>
    Task ReportAsync(double progress, string stage);

    /// <summary>The same for synchronous callbacks (e.g. inside the engine): never blocks on the database.</summary>
    void Report(double progress, string stage);
}

/// <summary>
/// Persists progress and stage on the job row, at most once per <see cref="SimulationOptions.ProgressInterval"/>
/// (the latest value wins), each write in its own short-lived context so it never shares the
/// runner's. Only a job that is still running is updated, so a late write cannot undo completion.
/// </summary>
public sealed class DatabaseJobProgress(IServiceScopeFactory scopes, string jobId, TimeSpan interval, TimeProvider time) : IJobProgress
{
    private readonly Lock gate = new();
    private double latestProgress;
    private string latestStage = "";
    private long lastWriteTicks = long.MinValue;
    private Task pending = Task.CompletedTask;

    public Task ReportAsync(double progress, string stage)
    {
        Report(progress, stage);
        lock (gate)
        {
            return pending;
        }
    }

    public void Report(double progress, string stage)
    {
        lock (gate)
        {
            latestProgress = Math.Clamp(double.IsFinite(progress) ? progress : 0, 0, 1);
            latestStage = stage.Length > 200 ? stage[..200] : stage;
            var now = time.GetTimestamp();
            if (!pending.IsCompleted || (lastWriteTicks != long.MinValue && time.GetElapsedTime(lastWriteTicks, now) < interval))
            {
                return;
            }

            lastWriteTicks = now;
            pending = Task.Run(WriteLatestAsync);
        }
    }

    /// <summary>Writes the latest reported value now (used before the runner's final update).</summary>
    public async Task FlushAsync()
    {
        Task previous;
        lock (gate)
        {
            previous = pending;
        }

        await previous;
    }

    private async Task WriteLatestAsync()
    {
        double progress;
        string stage;
        lock (gate)
        {
            progress = latestProgress;
            stage = latestStage;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.SimulationJobs
                .Where(j => j.JobId == jobId && j.Status == SimulationJobStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Progress, progress).SetProperty(j => j.Stage, stage));
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Progress is advisory: a busy database must not fail the simulation.
        }
    }
}
