using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// Runs an economy comparison on the job's bundle: the bundle's model and exactly its dataset
/// (<see cref="BundleRuntime"/>), the stored policies, region and year. The result is PolicyEngine's
/// single-year economy output plus the <c>policyengine_bundle</c> that produced it.
/// </summary>
public sealed class EconomyComparisonExecutor(PortalDbContext db, BundleRuntime runtime) : ISimulationJobExecutor
{
    public string Kind => SimulationJobKinds.EconomyComparison;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        var inputs = GatewayInputs.Parse(job.RequestJson);
        await progress.ReportAsync(0.02, "Loading the bundle's model and dataset");
        var (bundle, request) = await EconomyJobs.PrepareAsync(db, runtime, job.BundleId, inputs, inputs.TimePeriod, ct);
        await progress.ReportAsync(0.1, "Simulating");
        var result = EconomyComparison.Compute(request, (fraction, stage) => progress.Report(0.1 + (0.9 * fraction), stage), ct);
        result["model_version"] ??= bundle.ModelVersion;
        result["data_version"] ??= bundle.DataVersion;
        result["policyengine_bundle"] = PolicyEngineBundle.From(bundle).ToJson();
        return result;
    }
}

/// <summary>
/// One year of a budget window: the budget impact of the parent's policies in that year. The
/// parent (<see cref="BudgetWindowExecutor"/>) calls this for each of its years.
/// </summary>
public sealed class BudgetWindowYearExecutor(PortalDbContext db, BundleRuntime runtime) : ISimulationJobExecutor
{
    public string Kind => SimulationJobKinds.BudgetWindowYear;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        var parentRequest = await db.SimulationJobs.AsNoTracking().Where(j => j.JobId == job.ParentJobId).Select(j => j.RequestJson).FirstOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"Budget-window year {job.JobId} has no parent job.");
        var year = GatewayInputs.ChildYear(job.RequestJson);
        var (_, request) = await EconomyJobs.PrepareAsync(db, runtime, job.BundleId, GatewayInputs.Parse(parentRequest), year, ct);
        var impact = EconomyComparison.BudgetForYear(request, (fraction, stage) => progress.Report(fraction, stage), ct);
        impact["year"] = year;
        return impact;
    }
}

internal static class EconomyJobs
{
    /// <summary>The job's bundle loaded and its stored inputs turned into an engine request for <paramref name="period"/>.</summary>
    public static async Task<(ExecutionBundle Bundle, EconomyComparisonRequest Request)> PrepareAsync(
        PortalDbContext db, BundleRuntime runtime, string bundleId, GatewayInputs inputs, int period, CancellationToken ct)
    {
        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == bundleId, ct)
            ?? throw new BundleLoadException($"Bundle {bundleId} does not exist.");
        var loaded = await runtime.LoadAsync(bundle, ct);
        var region = EconomyRegion.Parse(inputs.Country, inputs.Region);
        if (!region.Succeeded)
        {
            throw new InvalidOperationException(region.Problem!.Describe());
        }

        var request = new EconomyComparisonRequest(
            loaded.Model, loaded.Population, period, Reform.Parse(inputs.Baseline), Reform.Parse(inputs.Reform), region.Value!,
            bundle.ModelVersion, bundle.DataVersion, inputs.IncludeCliffs);
        return (bundle, request);
    }
}
