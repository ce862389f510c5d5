using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Executes a run through the gateway's own machinery: the request is checked and resolved by
/// <see cref="GatewayPreparation"/> (bundle, model, policies, region, year), becomes an
/// economy-comparison <see cref="SimulationJob"/> on the Quartz queue, and the run owns that job.
/// Order matters for the registry promise: the run row is inserted first (a registry query right
/// after the submit sees it), then the job is queued with the run id, then the row gets the job id;
/// a job that is already finished (a cache hit) completes the run here, any other completes it
/// through <see cref="RunRecorder"/> when the runner finishes it.
/// </summary>
public sealed class RunExecution(GatewayPreparation preparation, SimulationJobQueue queue, PortalDbContext db, RunRecorder recorder, TimeProvider time, ILogger<RunExecution> logger)
{
    public Task<Result<PreparedGatewayRequest>> PrepareAsync(GatewayRequest request, Actor actor, CancellationToken ct) =>
        preparation.PrepareAsync(request, actor, ct);

    /// <param name="reuseCache">
    /// True for a new run (an identical earlier computation on the same bundle is reused, as the gateway
    /// does); false for a replay, which must compute again (its job has no cache key).
    /// </param>
    public Task<RunRecord> StartAsync(RunRecord run, GatewayRequest request, PreparedGatewayRequest prepared, bool reuseCache, CancellationToken ct) =>
        QueueOwnedJobAsync(run, "run", () =>
        {
            var bundle = prepared.Resolved.Bundle;
            var region = prepared.Region.ToString();
            var options = new JsonObject { ["include_cliffs"] = request.IncludeCliffs };
            var inputs = new GatewayInputs(SimulationJobKinds.EconomyComparison, request.Country, region, prepared.TimePeriod, request.Reform, request.Baseline, request.IncludeCliffs, request.Title);
            return new SimulationJob
            {
                Kind = SimulationJobKinds.EconomyComparison,
                Country = request.Country,
                BundleId = bundle.BundleId,
                CacheKey = reuseCache ? GatewayCacheKey.Compute(bundle.BundleId, prepared.Reform, prepared.Baseline, region, prepared.TimePeriod, options, prepared.Model) : null,
                RequestJson = inputs.ToJson(request, prepared.Resolved).ToJsonString(),
                RunId = run.RunId,
                SubmittedBy = run.SubmittedBy,
            };
        }, ct);

    /// <summary>
    /// Replays a budget window: the whole window (a new parent job and a fresh child job per year, built
    /// like the gateway's submit by <see cref="BudgetWindowJobs"/>) on the prepared (recorded) bundle,
    /// owned by <paramref name="run"/>. The parent has no cache key, so every year really computes; the
    /// run is completed by <see cref="RunRecorder"/> when the parent finishes (failed if any year failed,
    /// so a partial window is never compared).
    /// </summary>
    public Task<RunRecord> StartBudgetWindowAsync(RunRecord run, GatewayRequest request, PreparedGatewayRequest prepared, int startYear, int windowSize, CancellationToken ct) =>
        QueueOwnedJobsAsync(run, "replay", () => BudgetWindowJobs.Build(request, prepared, startYear, windowSize, run.RunId, run.SubmittedBy, reuseCache: false), ct);

    /// <summary>
    /// Inserts <paramref name="run"/>, queues the job it owns (built by <paramref name="job"/>) and links
    /// the two; shared by spec runs and report replays. <paramref name="noun"/> names the run in its
    /// error ("The replay could not be queued: …").
    /// </summary>
    public Task<RunRecord> QueueOwnedJobAsync(RunRecord run, string noun, Func<SimulationJob> job, CancellationToken ct) =>
        QueueOwnedJobsAsync(run, noun, () => (job(), []), ct);

    /// <summary>As <see cref="QueueOwnedJobAsync"/>, for a job stored together with its children (a budget window's years).</summary>
    private async Task<RunRecord> QueueOwnedJobsAsync(RunRecord run, string noun, Func<(SimulationJob Parent, IReadOnlyList<SimulationJob> Children)> jobs, CancellationToken ct)
    {
        run.CreatedAt = time.GetUtcNow().UtcDateTime;
        run.Status = RunStatuses.Submitted;
        run.SearchText = RunSearch.Text(run);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        try
        {
            var (parent, children) = jobs();
            var (stored, _) = await queue.SubmitAsync(parent, children, ct);
            await db.Runs.Where(r => r.RunId == run.RunId && r.JobId == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.JobId, stored.JobId), ct);
            run.JobId = stored.JobId;
            var state = await db.SimulationJobs.AsNoTracking().FirstAsync(j => j.JobId == stored.JobId, ct);
            if (SimulationJobStatuses.IsTerminal(state.Status))
            {
                await recorder.CompleteAsync(run.RunId, state, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The row exists (the registry promise); it must not stay "submitted" forever.
            logger.LogError(e, "Queuing {Noun} {RunId} failed", noun, run.RunId);
            await db.Runs.Where(r => r.RunId == run.RunId && r.Status == RunStatuses.Submitted)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatuses.Failed)
                    .SetProperty(r => r.Error, $"The {noun} could not be queued: " + e.Message)
                    .SetProperty(r => r.CompletedAt, time.GetUtcNow().UtcDateTime), CancellationToken.None);
            throw;
        }

        return await db.Runs.AsNoTracking().FirstAsync(r => r.RunId == run.RunId, ct);
    }
}
