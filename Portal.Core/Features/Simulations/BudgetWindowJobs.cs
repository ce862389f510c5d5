using System.Text.Json.Nodes;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// The rows of one budget window: the parent job (kind <c>budget_window</c>) and one child per year
/// (<c>budget_window_year</c>, job id = parent id + <c>_</c> + year). Shared by the gateway submit
/// (<see cref="SubmitBudgetWindowHandler"/>, which dedupes by cache key) and the replay of a
/// budget-window run (no cache key, so it really computes).
/// </summary>
public static class BudgetWindowJobs
{
    /// <param name="reuseCache">
    /// True for a gateway submit (an identical window on the same bundle is reused); false for a
    /// replay, whose parent gets no cache key and so is always queued and computed again.
    /// </param>
    public static (SimulationJob Parent, IReadOnlyList<SimulationJob> Children) Build(
        GatewayRequest request, PreparedGatewayRequest prepared, int start, int size, string runId, string submittedBy, bool reuseCache)
    {
        var bundle = prepared.Resolved.Bundle;
        var region = prepared.Region.ToString();
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
            CacheKey = reuseCache ? GatewayCacheKey.Compute(bundle.BundleId, prepared.Reform, prepared.Baseline, region, start, options, prepared.Model) : null,
            RequestJson = inputs.ToJson(request, prepared.Resolved).ToJsonString(),
            RunId = runId,
            SubmittedBy = submittedBy,
        };
        var children = Enumerable.Range(start, size).Select(year => new SimulationJob
        {
            JobId = $"{parent.JobId}_{year}",
            Kind = SimulationJobKinds.BudgetWindowYear,
            Country = request.Country,
            BundleId = bundle.BundleId,
            RequestJson = GatewayInputs.ChildJson(year),
            RunId = runId,
            SubmittedBy = submittedBy,
        }).ToList();
        return (parent, children);
    }
}
