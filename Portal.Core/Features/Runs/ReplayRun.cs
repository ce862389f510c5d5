using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Core.Features.Runs;

/// <summary>
/// <c>POST /v1/artifacts/{run_id}/replay</c> (CanRun): runs a complete run again from its stored spec
/// (a spec run's <c>spec.yaml</c>, a gateway job's stored inputs — an economy comparison, or a whole
/// budget window with fresh year jobs —, a report run's <c>request.json</c> through
/// <see cref="ReportReplay"/>) on its <b>recorded</b> bundle id, never
/// the alias the spec names, as a new run linked by <c>replay_of</c>. The new job has no cache key, so
/// it really computes. When it completes its <c>replay_outcome</c> is <c>identical</c> (same
/// <c>result_sha256</c>) or <c>different</c>, with the changed outputs on the run's detail.
/// </summary>
public sealed class ReplayRunHandler(PortalDbContext db, RunExecution execution, ReportReplay reports)
{
    public async Task<Result<RunRecord>> HandleAsync(string runId, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Replaying a run needs the Analyst, Maintainer or Admin role.");
        }

        var original = RunIds.IsValid(runId) ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct) : null;
        if (original is null)
        {
            return Problem.NotFound($"Run '{runId}'");
        }

        if (original.Status != RunStatuses.Complete)
        {
            return Problem.Conflict($"Run {runId} is {original.Status}; only a complete run can be replayed.");
        }

        if (original.Kind == RunKinds.Report)
        {
            return await reports.StartAsync(original, actor, ct);
        }

        var replayId = RunIds.New();
        GatewayRequest request;
        if (original.Kind == RunKinds.Template)
        {
            var spec = RunSpecs.Parse(original.SpecText);
            if (!spec.Succeeded)
            {
                return Problem.Conflict($"The stored spec of {runId} no longer parses: {spec.Problem!.Describe()}");
            }

            request = RunSpecs.ToGatewayRequest(spec.Value!.Spec, original.BundleId, replayId, original.Title);
        }
        else
        {
            var job = await db.SimulationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.JobId == original.JobId, ct);
            if (job is null)
            {
                return Problem.Conflict($"The job of run {runId} ({original.JobId ?? "none"}) no longer exists, so its inputs cannot be rebuilt.");
            }

            if (job.Kind is not (SimulationJobKinds.EconomyComparison or SimulationJobKinds.BudgetWindow))
            {
                return Problem.Invalid("run_id", $"Run {runId} is a {job.Kind} job; replay covers spec runs, reports, economy comparisons and budget windows.");
            }

            var inputs = GatewayInputs.Parse(job.RequestJson);
            if (job.Kind == SimulationJobKinds.BudgetWindow)
            {
                return await ReplayBudgetWindowAsync(original, inputs, replayId, actor, ct);
            }

            request = new GatewayRequest(inputs.Country, original.BundleId, null, null, null, null, inputs.TimePeriod, inputs.Reform, inputs.Baseline,
                inputs.Region, inputs.Title, inputs.IncludeCliffs, replayId, null, null);
        }

        var prepared = await PrepareAsync(original, request, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var replay = RunRecord.NewReplay(original, replayId, actor.Name);
        return await execution.StartAsync(replay, request, prepared.Value!, reuseCache: false, ct);
    }

    /// <summary>
    /// The whole window again — same country, region, years, policies and title on the recorded bundle —
    /// as a new parent job with fresh year jobs (<see cref="RunExecution.StartBudgetWindowAsync"/>).
    /// </summary>
    private async Task<Result<RunRecord>> ReplayBudgetWindowAsync(RunRecord original, GatewayInputs inputs, string replayId, Actor actor, CancellationToken ct)
    {
        if (inputs.StartYear is not { } start || inputs.WindowSize is not { } size)
        {
            return Problem.Conflict($"The stored request of run {original.RunId} names no window (start_year, window_size), so the window cannot be rebuilt.");
        }

        var request = new GatewayRequest(inputs.Country, original.BundleId, null, null, null, null, start, inputs.Reform, inputs.Baseline,
            inputs.Region, inputs.Title, false, replayId, null, null, start, size);
        var prepared = await PrepareAsync(original, request, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var replay = RunRecord.NewReplay(original, replayId, actor.Name);
        return await execution.StartBudgetWindowAsync(replay, request, prepared.Value!, start, size, ct);
    }

    /// <summary>
    /// The gateway's own checks on the recorded inputs. The run id the caller sent is fine, so whatever
    /// fails here (the recorded bundle is no longer certified, its model release is gone) is the state
    /// of this Portal: 409 naming the run and the reason, not a 400 about fields the caller never sent.
    /// </summary>
    private async Task<Result<PreparedGatewayRequest>> PrepareAsync(RunRecord original, GatewayRequest request, Actor actor, CancellationToken ct)
    {
        var prepared = await execution.PrepareAsync(request, actor, ct);
        return prepared.Succeeded || prepared.Problem!.Kind == ProblemKind.Forbidden
            ? prepared
            : Problem.Conflict($"Run {original.RunId} cannot be replayed on its recorded bundle {original.BundleId}: {prepared.Problem.Describe()}");
    }
}
