using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Reports;

/// <summary>
/// Replays a report run (job kind <c>report_replay</c>): computes from the run's recorded
/// <see cref="ReportRunSpec"/> (the job's request) on the recorded bundle, through the same
/// <see cref="ReportComputation"/> as the report job, and returns the output in the report's shape.
/// It reads and writes no report row and no <c>reform_impact</c> cache row, so it truly recomputes.
/// </summary>
public sealed class ReportReplayExecutor(PortalDbContext db, ReportComputation computation) : ISimulationJobExecutor
{
    public const string JobKind = "report_replay";

    public string Kind => JobKind;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        var spec = JsonNode.Parse(job.RequestJson) as JsonObject ?? throw new ReportComputationException("The replay's recorded request is not a JSON object.");
        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == job.BundleId, ct)
            ?? throw new ReportComputationException($"Bundle {job.BundleId} does not exist.");
        var country = (string)spec["country"]!;
        var year = (string)spec["year"]!;
        if ((string?)spec["report_type"] == ReportTypes.Household)
        {
            var combined = new JsonObject();
            foreach (var simulation in spec["simulations"]!.AsArray().Select(s => s!.AsObject()).OrderBy(s => (long)s["simulation_id"]!))
            {
                var id = (long)simulation["simulation_id"]!;
                var household = simulation["household"] as JsonObject ?? throw new ReportComputationException($"Simulation #{id} has no recorded household.");
                combined[id.ToString(CultureInfo.InvariantCulture)] = computation.Household(country, year, (JsonObject)household.DeepClone(), simulation["policy"]?.DeepClone(), bundle, id);
            }

            return combined;
        }

        var (baseline, reform) = ReportRunSpec.EconomyPair(spec);
        var target = ReportOptions.Target(spec["options"]?.ToJsonString() ?? "{}");
        return await computation.EconomyAsync(country, (string)baseline["population_id"]!, year, reform["policy"]?.DeepClone(), baseline["policy"]?.DeepClone(),
            target == EconomyTargets.Cliff, bundle, progress, ct);
    }
}
