using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.V2;

/// <summary>
/// Runs v2 simulation jobs: builds the simulation (bundle population, policy, period) through the
/// <see cref="V2SimulationCache"/> — so aggregate requests that follow find it warm — and stores a
/// summary: weighted totals of the headline variables and entity counts.
/// </summary>
public sealed class V2SimulationExecutor(V2SimulationCache cache) : ISimulationJobExecutor
{
    /// <summary>Summed when the model defines them (both shipped countries define the household four).</summary>
    public static IReadOnlyList<string> HeadlineVariables { get; } =
    [
        "household_net_income", "household_market_income", "household_benefits", "household_tax",
        "income_tax", "state_income_tax", "employee_payroll_tax", "self_employment_tax", "national_insurance",
        "snap", "eitc", "ctc", "universal_credit", "child_benefit",
    ];

    public string Kind => SimulationJobKinds.Simulation;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        await progress.ReportAsync(0.05, "Loading the bundle's population");
        var handle = await cache.GetAsync(job, ct);
        await progress.ReportAsync(0.3, "Computing headline variables");
        var inputs = V2SimulationInputs.Parse(job.RequestJson);
        try
        {
            return await handle.UseAsync(simulation => Summarize(simulation, job, inputs, progress), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            cache.Forget(job.JobId);
            throw;
        }
    }

    public static JsonObject Summarize(Simulation simulation, SimulationJob job, V2SimulationInputs inputs, IJobProgress progress)
    {
        var model = simulation.Model;
        var entities = new JsonObject();
        foreach (var entity in model.Entities)
        {
            var rows = simulation.Population.Count(entity.Key);
            var weighted = entity.WeightVariable is { } weight ? simulation.Calculate(weight).Sum() : rows;
            entities[entity.Key] = new JsonObject { ["rows"] = rows, ["weighted"] = weighted };
        }

        var headline = HeadlineVariables.Where(v => model.FindVariable(v) is not null).ToList();
        var totals = new JsonObject();
        for (var i = 0; i < headline.Count; i++)
        {
            totals[headline[i]] = simulation.Sum(headline[i]);
            progress.Report(0.3 + (0.65 * (i + 1) / headline.Count), $"Computed {headline[i]}");
        }

        var households = model.FindEntity("household");
        var weightedHouseholds = households is null ? (double?)null : (double)entities["household"]!["weighted"]!;
        return new JsonObject
        {
            ["simulation_id"] = job.JobId,
            ["country"] = job.Country,
            ["bundle_id"] = job.BundleId,
            ["model_version"] = model.Version,
            ["policy_id"] = inputs.PolicyId,
            ["policy_hash"] = inputs.PolicyHash,
            ["time_period"] = inputs.TimePeriod,
            ["region"] = inputs.Region,
            ["households"] = weightedHouseholds,
            ["household_count"] = households is null ? null : simulation.Population.Count("household"),
            ["entities"] = entities,
            ["totals"] = totals,
            ["mean_household_net_income"] = weightedHouseholds is > 0 && totals["household_net_income"] is { } net
                ? (double)net / weightedHouseholds.Value
                : null,
        };
    }
}
