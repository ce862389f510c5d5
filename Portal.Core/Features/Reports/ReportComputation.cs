using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Models;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.Reports;

/// <summary>
/// The arithmetic of a report, free of report rows and caches: the report job and the replay of a
/// report run (<see cref="ReportReplayExecutor"/>) both call it, so a replay computes exactly what the
/// report computed. Deterministic: no clock, no unordered iteration in what it returns.
/// </summary>
public sealed class ReportComputation(PortalDbContext db, BundleRuntime runtime, CalculateHouseholdHandler households)
{
    public JsonObject Household(string country, string year, JsonObject household, JsonNode? policy, ExecutionBundle bundle, long simulationId)
    {
        var result = households.Handle(new CalculateHouseholdRequest(country, household, policy, bundle.ModelVersion, int.Parse(year, CultureInfo.InvariantCulture)));
        return result.Succeeded
            ? result.Value!.Household
            : throw new ReportComputationException($"Simulation #{simulationId}: {result.Problem!.Describe()}");
    }

    public async Task<JsonObject> EconomyAsync(
        string country, string region, string year, JsonNode? reform, JsonNode? baseline, bool cliffs, ExecutionBundle bundle, IJobProgress progress, CancellationToken ct)
    {
        var inputs = new GatewayInputs(SimulationJobKinds.EconomyComparison, country, region, int.Parse(year, CultureInfo.InvariantCulture), reform, baseline, cliffs, null);
        await progress.ReportAsync(0.05, "Loading the bundle's model and dataset");
        var (_, request) = await EconomyJobs.PrepareAsync(db, runtime, bundle.BundleId, inputs, inputs.TimePeriod, ct);
        await progress.ReportAsync(0.1, "Simulating");
        var result = EconomyComparison.Compute(request, (fraction, stage) => progress.Report(0.1 + (0.85 * fraction), stage), ct);
        result["model_version"] ??= bundle.ModelVersion;
        result["data_version"] ??= bundle.DataVersion;
        result["policyengine_bundle"] = PolicyEngineBundle.From(bundle).ToJson();
        return result;
    }
}
