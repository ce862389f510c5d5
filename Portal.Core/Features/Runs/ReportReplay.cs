using Microsoft.EntityFrameworkCore;
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
public sealed class ReportReplay(PortalDbContext db, RunExecution execution)
{
    public async Task<Result<RunRecord>> StartAsync(RunRecord original, Actor actor, CancellationToken ct)
    {
        if (!await db.ExecutionBundles.AnyAsync(b => b.BundleId == original.BundleId, ct))
        {
            return Problem.Conflict($"Bundle {original.BundleId}, which run {original.RunId} executed on, no longer exists.");
        }

        var replay = RunRecord.NewReplay(original, RunIds.New(), actor.Name);
        return await execution.QueueOwnedJobAsync(replay, "replay", () => new SimulationJob
        {
            Kind = ReportReplayExecutor.JobKind,
            Country = original.Country,
            BundleId = original.BundleId,
            CacheKey = null,
            RequestJson = original.SpecText,
            RunId = replay.RunId,
            SubmittedBy = actor.Name,
        }, ct);
    }
}
