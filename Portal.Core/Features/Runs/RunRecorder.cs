using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Called when a gateway job finishes (the runner's completion hook) and by the submit paths that find
/// their job already finished: completes every pending run that owns the job (writing its artifacts),
/// and gives a top-level gateway job that no run owns its own registry row (kind <c>gateway</c>), so
/// every execution in Portal has provenance. Each run is claimed by one conditional update
/// (<c>submitted → writing</c>), so two callers never both write it.
/// </summary>
public sealed class RunRecorder(PortalDbContext db, RunArtifactWriter writer, ReportRunRecorder reports, TimeProvider time, ILogger<RunRecorder> logger) : ISimulationJobCompletionHook
{
    public async Task JobFinishedAsync(string jobId, CancellationToken ct = default)
    {
        var job = await db.SimulationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.JobId == jobId, ct);
        if (job is null || job.ParentJobId is not null || !SimulationJobStatuses.IsTerminal(job.Status))
        {
            return;
        }

        if (job.Kind == ReportJobs.Kind)
        {
            if (await reports.AddAsync(job, ct) is { } added)
            {
                await CompleteAsync(added.Run.RunId, added.Outcome, ct);
            }

            return;
        }

        // A run inserts its row before its job exists, so a job that finishes before the run has stored
        // the job id is found by the run id it was submitted with.
        var owners = await db.Runs.AsNoTracking()
            .Where(r => r.JobId == jobId || (r.JobId == null && r.RunId == job.RunId))
            .ToListAsync(ct);
        if (owners.Count == 0)
        {
            owners.Add(await AddGatewayRunAsync(job, ct));
        }

        foreach (var run in owners.Where(r => r.Status == RunStatuses.Submitted))
        {
            await CompleteAsync(run.RunId, job, ct);
        }
    }

    /// <summary>Completes <paramref name="runId"/> from its finished job; no-op unless the run is still submitted.</summary>
    public async Task CompleteAsync(string runId, SimulationJob job, CancellationToken ct = default)
    {
        var claimed = await db.Runs
            .Where(r => r.RunId == runId && r.Status == RunStatuses.Submitted)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatuses.Writing).SetProperty(r => r.JobId, job.JobId), ct);
        if (claimed == 0)
        {
            return;
        }

        var run = await db.Runs.AsNoTracking().FirstAsync(r => r.RunId == runId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (job.Status != SimulationJobStatuses.Complete || job.ResultJson is null)
        {
            await FinishAsync(runId, RunStatuses.Failed, null, job.Error ?? "The simulation failed.", null, now);
            return;
        }

        try
        {
            var written = await writer.WriteAsync(run, job, ct);
            string? outcome = null;
            if (run.ReplayOf is not null)
            {
                var original = await db.Runs.AsNoTracking().Where(r => r.RunId == run.ReplayOf).Select(r => r.ResultSha256).FirstOrDefaultAsync(ct);
                outcome = original == written.ResultSha256 ? "identical" : "different";
            }

            await FinishAsync(runId, RunStatuses.Complete, written.ResultSha256, null, outcome, now);
        }
#pragma warning disable CA1031 // A run whose files cannot be written is failed with the reason; the job itself stays complete.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Writing the artifacts of run {RunId} failed", runId);
            await FinishAsync(runId, RunStatuses.Failed, null, "Writing the run's artifacts failed: " + e.Message, null, now);
        }
    }

    private Task<int> FinishAsync(string runId, string status, string? resultSha256, string? error, string? replayOutcome, DateTime now) =>
        db.Runs.Where(r => r.RunId == runId && r.Status == RunStatuses.Writing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.ResultSha256, resultSha256)
                .SetProperty(r => r.Error, error)
                .SetProperty(r => r.ReplayOutcome, replayOutcome)
                .SetProperty(r => r.CompletedAt, now), CancellationToken.None);

    /// <summary>
    /// The registry row of a plain gateway job: its stored inputs are the spec, the submit is the
    /// provenance. When another instance recorded the same job a moment earlier, the unique index
    /// (one row per gateway job) refuses this insert and that row is used instead.
    /// </summary>
    private async Task<RunRecord> AddGatewayRunAsync(SimulationJob job, CancellationToken ct)
    {
        var spec = GatewaySpec.From(job);
        var inputs = GatewayInputs.Parse(job.RequestJson);
        var request = JsonNode.Parse(job.RequestJson) as JsonObject;
        var provenance = new JsonObject
        {
            ["source"] = RunKinds.Gateway,
            ["job_id"] = job.JobId,
            ["job_kind"] = job.Kind,
            ["telemetry_run_id"] = job.RunId,
            ["submitted_by"] = job.SubmittedBy,
            ["requested"] = request?["requested"]?.DeepClone(),
            ["resolved_via"] = request?["resolved_via"]?.DeepClone(),
            ["received_at"] = job.SubmittedUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        var run = RunRecord.ForFinishedJob(RunKinds.Gateway, inputs.Title, job, (string?)provenance["requested"]?["bundle"], spec, provenance);
        db.Runs.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var raced = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == job.JobId && r.Kind != RunKinds.Template, ct);
            if (raced is null)
            {
                throw;
            }

            return raced;
        }

        db.ChangeTracker.Clear();
        return run;
    }
}

/// <summary>What a gateway job computes, as the spec of its run: the stored inputs without how the bundle was named (that is provenance).</summary>
public static class GatewaySpec
{
    public static JsonObject From(SimulationJob job)
    {
        var spec = JsonNode.Parse(job.RequestJson) as JsonObject ?? [];
        spec.Remove("requested");
        spec.Remove("resolved_via");
        spec["bundle_id"] = job.BundleId;
        return spec;
    }
}

/// <summary>The lower-case text the registry's <c>search</c> filter matches.</summary>
public static class RunSearch
{
    public static string Text(RunRecord run) => string.Join(' ', new[]
    {
        run.RunId, run.Kind, run.Source, run.TemplateId, run.ModelId, run.Title, run.Country, run.BundleId, run.BundleRequested, run.JobId,
    }.Where(s => !string.IsNullOrEmpty(s))).ToLowerInvariant();
}
