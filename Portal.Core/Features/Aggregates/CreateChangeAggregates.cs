using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.V2;
using Portal.Core.Identity;

namespace Portal.Core.Features.Aggregates;

/// <summary>
/// Computes statistics of reform − baseline per row between two completed v2 simulations and stores
/// them in one transaction. The two must cover the same rows — same bundle, period and region —
/// otherwise a per-row difference means nothing (400). Filters and quantiles read baseline values;
/// weights are the baseline's (weights are data, equal in both).
/// </summary>
public sealed class CreateChangeAggregatesHandler(PortalDbContext db, ModelCatalog catalog, V2SimulationCache cache, TimeProvider time)
{
    public async Task<Result<IReadOnlyList<ChangeAggregateView>>> HandleAsync(IReadOnlyList<ChangeAggregateRequest> requests, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Computing change aggregates needs the Analyst, Maintainer or Admin role.");
        }

        if (requests.Count is 0 or > CreateAggregatesHandler.MaxBatch)
        {
            return Problem.Invalid("change_aggregates", $"Send one change aggregate or a list of 1 to {CreateAggregatesHandler.MaxBatch}.");
        }

        var loaded = await SimulationRows.LoadAsync(db, catalog, requests.SelectMany(r => new[] { r.BaselineSimulationId, r.ReformSimulationId }), ct);
        if (!loaded.Succeeded)
        {
            return loaded.Problem!;
        }

        var simulations = loaded.Value!;
        var validation = new Validation();
        var queries = new AggregateQuery?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var (r, prefix) = (requests[i], AggregateCompute.Prefix(requests, i));
            var (baseline, reform) = (simulations[r.BaselineSimulationId], simulations[r.ReformSimulationId]);
            if (baseline.Job.BundleId != reform.Job.BundleId || baseline.Inputs.TimePeriod != reform.Inputs.TimePeriod || baseline.Inputs.Region != reform.Inputs.Region)
            {
                validation.Add(prefix + "reform_simulation_id",
                    $"Baseline {baseline.Id} ({baseline.Bundle.DisplayId}, {baseline.Inputs.TimePeriod}, {baseline.Inputs.Region}) and reform {reform.Id} " +
                    $"({reform.Bundle.DisplayId}, {reform.Inputs.TimePeriod}, {reform.Inputs.Region}) must share bundle, time period and region to be compared row by row.");
                continue;
            }

            queries[i] = AggregateQuery.Resolve(prefix, r.Variable, r.AggregateType, r.Entity, r.Filters, r.Quantile, baseline.Model, validation) is { } query
                ? query with { ChangeGeq = r.ChangeGeq, ChangeLeq = r.ChangeLeq }
                : null;
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        foreach (var row in simulations.Values)
        {
            if (SimulationRows.RequireCompleted(row) is { } notCompleted)
            {
                return notCompleted;
            }
        }

        var values = new AggregateValue?[requests.Count];
        var pairs = Enumerable.Range(0, requests.Count).GroupBy(i => (requests[i].BaselineSimulationId, requests[i].ReformSimulationId));
        foreach (var pair in pairs)
        {
            var baseline = await AggregateCompute.HandleOfAsync(cache, simulations[pair.Key.BaselineSimulationId], ct);
            var reform = await AggregateCompute.HandleOfAsync(cache, simulations[pair.Key.ReformSimulationId], ct);
            if (!baseline.Succeeded || !reform.Succeeded)
            {
                return (baseline.Problem ?? reform.Problem)!;
            }

            await SimulationHandle.UseBothAsync(baseline.Value!, reform.Value!, (b, r) =>
                AggregateCompute.Each(pair, i => values[i] = AggregateCalculator.ComputeChange(b, r, queries[i]!), i => AggregateCompute.Prefix(requests, i), validation), ct);
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rows = requests.Select((r, i) => new ChangeAggregate
        {
            Id = PublicIds.New("chg"),
            BaselineSimulationId = r.BaselineSimulationId,
            ReformSimulationId = r.ReformSimulationId,
            BundleId = simulations[r.BaselineSimulationId].Job.BundleId,
            Variable = queries[i]!.Variable,
            AggregateType = queries[i]!.TypeName,
            Entity = queries[i]!.Entity,
            FiltersJson = AggregateJson.ToJson(r.Filters),
            QuantileJson = AggregateJson.ToJson(r.Quantile),
            ChangeGeq = r.ChangeGeq,
            ChangeLeq = r.ChangeLeq,
            Result = values[i]!.Result,
            SampleSize = values[i]!.SampleSize,
            CreatedBy = actor.Name,
            CreatedUtc = now,
            UpdatedUtc = now,
        }).ToList();
        db.ChangeAggregates.AddRange(rows);
        await db.SaveChangesAsync(ct);
        return rows.Select(ChangeAggregateView.Of).ToList();
    }
}
