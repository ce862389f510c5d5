using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Starts the replay of a report run: the new run row first (the registry promise), then a
/// <see cref="ReportReplayExecutor"/> job whose request is the recorded <c>request.json</c> and whose
/// bundle is the recorded full bundle id. No cache key, no report row: it computes again, and the
/// <see cref="RunRecorder"/> completes the run (and sets <c>replay_outcome</c>) when the job finishes.
/// </summary>
public sealed class ReportReplay(PortalDbContext db, SimulationJobQueue queue, RunRecorder recorder, TimeProvider time, ILogger<ReportReplay> logger)
{
    public async Task<Result<RunRecord>> StartAsync(RunRecord original, Actor actor, CancellationToken ct)
    {
        if (!await db.ExecutionBundles.AnyAsync(b => b.BundleId == original.BundleId, ct))
        {
            return Problem.Conflict($"Bundle {original.BundleId}, which run {original.RunId} executed on, no longer exists.");
        }

        var replay = new RunRecord
        {
            RunId = RunIds.New(),
            Kind = original.Kind,
            Source = original.Source,
            Title = original.Title,
            Country = original.Country,
            BundleId = original.BundleId,
            BundleRequested = original.BundleId,
            SpecSha256 = original.SpecSha256,
            SpecText = original.SpecText,
            ProvenanceJson = original.ProvenanceJson,
            ReplayOf = original.RunId,
            SubmittedBy = actor.Name,
            CreatedAt = time.GetUtcNow().UtcDateTime,
            Status = RunStatuses.Submitted,
        };
        replay.SearchText = RunSearch.Text(replay);
        db.Runs.Add(replay);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        try
        {
            var job = new SimulationJob
            {
                Kind = ReportReplayExecutor.JobKind,
                Country = original.Country,
                BundleId = original.BundleId,
                CacheKey = null,
                RequestJson = original.SpecText,
                RunId = replay.RunId,
                SubmittedBy = actor.Name,
            };
            var (stored, _) = await queue.SubmitAsync(job, ct);
            await db.Runs.Where(r => r.RunId == replay.RunId && r.JobId == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.JobId, stored.JobId), ct);
            var state = await db.SimulationJobs.AsNoTracking().FirstAsync(j => j.JobId == stored.JobId, ct);
            if (SimulationJobStatuses.IsTerminal(state.Status))
            {
                await recorder.CompleteAsync(replay.RunId, state, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Queuing the replay {RunId} failed", replay.RunId);
            await db.Runs.Where(r => r.RunId == replay.RunId && r.Status == RunStatuses.Submitted)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatuses.Failed)
                    .SetProperty(r => r.Error, "The replay could not be queued: " + e.Message)
                    .SetProperty(r => r.CompletedAt, time.GetUtcNow().UtcDateTime), CancellationToken.None);
            throw;
        }

        return await db.Runs.AsNoTracking().FirstAsync(r => r.RunId == replay.RunId, ct);
    }
}
