using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Reports;

/// <summary>
/// What a report computes, as one self-contained JSON document (the report run's <c>request.json</c>):
/// country, year, type, the recorded bundle id, and per simulation its population and the policy (and
/// household) contents themselves, so a replay recomputes from the record alone and never reads the
/// report's rows. Report and row ids are kept because a household report's output is keyed by simulation id.
/// </summary>
public static class ReportRunSpec
{
    public const string Kind = "report";

    public static async Task<JsonObject> BuildAsync(PortalDbContext db, ReportOutput report, CancellationToken ct)
    {
        var ids = GetReportHandler.LinkedSimulationIds(report);
        var simulations = await db.ReportSimulations.AsNoTracking().Where(s => ids.Contains(s.Id)).OrderBy(s => s.Id).ToListAsync(ct);
        var policyIds = simulations.Select(s => s.PolicyId).Distinct().ToList();
        var policies = await db.LegacyPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.PolicyJson, ct);
        var spec = new JsonObject
        {
            ["kind"] = Kind,
            ["report_type"] = report.ReportType,
            ["country"] = report.CountryId,
            ["year"] = report.Year,
            ["bundle_id"] = report.BundleId,
            ["options"] = JsonNode.Parse(report.OptionsJson),
            ["simulation_1_id"] = report.Simulation1Id,
            ["simulation_2_id"] = report.Simulation2Id,
        };
        var list = new JsonArray();
        foreach (var simulation in simulations)
        {
            var entry = new JsonObject
            {
                ["simulation_id"] = simulation.Id,
                ["population_type"] = simulation.PopulationType,
                ["population_id"] = simulation.PopulationId,
                ["policy_id"] = simulation.PolicyId,
                ["policy"] = policies.TryGetValue(simulation.PolicyId, out var policy) ? JsonNode.Parse(policy) : null,
            };
            if (simulation.PopulationType == PopulationTypes.Household && long.TryParse(simulation.PopulationId, CultureInfo.InvariantCulture, out var householdId))
            {
                var household = await db.LegacyHouseholds.AsNoTracking().Where(h => h.Id == householdId).Select(h => h.HouseholdJson).FirstOrDefaultAsync(ct);
                entry["household"] = household is null ? null : JsonNode.Parse(household);
            }

            list.Add(entry);
        }

        spec["simulations"] = list;
        return spec;
    }

    /// <summary>The economy key's region and policies, exactly as <see cref="ReformImpactKey.ForReport"/> picks them.</summary>
    public static (JsonObject Baseline, JsonObject Reform) EconomyPair(JsonObject spec)
    {
        var simulations = spec["simulations"]!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => (long)s["simulation_id"]!);
        var first = simulations[(long)spec["simulation_1_id"]!];
        var second = spec["simulation_2_id"] is JsonValue v ? simulations[(long)v] : first;
        return (first, second);
    }
}
