using System.Text.Json.Nodes;
using Portal.Core.Common;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// <c>POST /simulate/economy/budget-window</c>: one parent job (kind <c>budget_window</c>) plus one
/// child row per year (<c>budget_window_year</c>, job id = parent id + <c>_</c> + year), stored in
/// one transaction. Only the parent is queued; it runs the years itself, in order, on one worker
/// slot (see <see cref="BudgetWindowExecutor"/>). Same resolution and dedupe as a comparison; the
/// cache key's options carry the window.
/// </summary>
public sealed class SubmitBudgetWindowHandler(GatewayPreparation preparation, SimulationJobQueue queue)
{
    public async Task<Result<GatewaySubmission>> HandleAsync(GatewayRequest request, Actor actor, CancellationToken ct = default)
    {
        if (request.StartYear is not { } start || request.WindowSize is not { } size)
        {
            return Problem.Invalid("start_year", "start_year and window_size are required.");
        }

        var prepared = await preparation.PrepareAsync(request with { TimePeriod = start }, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var p = prepared.Value!;
        var bundle = p.Resolved.Bundle;
        var region = p.Region.ToString();
        var options = new JsonObject
        {
            ["budget_window"] = new JsonObject { ["start_year"] = start, ["window_size"] = size },
            ["include_cliffs"] = false,
        };
        var inputs = new GatewayInputs(SimulationJobKinds.BudgetWindow, request.Country, region, start, request.Reform, request.Baseline, false, request.Title, start, size);
        var parent = new SimulationJob
        {
            JobId = SimulationJobQueue.NewJobId(),
            Kind = SimulationJobKinds.BudgetWindow,
            Country = request.Country,
            BundleId = bundle.BundleId,
            CacheKey = GatewayCacheKey.Compute(bundle.BundleId, p.Reform, p.Baseline, region, start, options, p.Model),
            RequestJson = inputs.ToJson(request, p.Resolved).ToJsonString(),
            RunId = request.RunId ?? "",
            SubmittedBy = actor.Name,
        };
        var children = Enumerable.Range(start, size).Select(year => new SimulationJob
        {
            JobId = $"{parent.JobId}_{year}",
            Kind = SimulationJobKinds.BudgetWindowYear,
            Country = request.Country,
            BundleId = bundle.BundleId,
            RequestJson = GatewayInputs.ChildJson(year),
            RunId = request.RunId ?? "",
            SubmittedBy = actor.Name,
        }).ToList();
        var (stored, created) = await queue.SubmitAsync(parent, children, ct);
        return new GatewaySubmission(stored, PolicyEngineBundle.From(bundle), created, request.RunId ?? stored.RunId);
    }
}
