using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.V2;
using Portal.Core.Identity;

namespace Portal.Core.Features.Aggregates;

/// <summary>
/// Computes up to <see cref="MaxBatch"/> aggregates of completed v2 simulations synchronously and
/// stores them in one transaction: all of them, or (any problem) none. Order of checks: every
/// simulation exists (404), every request fits its model (400, all problems at once), every
/// simulation completed (409), then the computation (a mapping the data cannot support is a 400).
/// </summary>
public sealed class CreateAggregatesHandler(PortalDbContext db, ModelCatalog catalog, V2SimulationCache cache, TimeProvider time)
{
    public const int MaxBatch = 100;

    public async Task<Result<IReadOnlyList<AggregateView>>> HandleAsync(IReadOnlyList<AggregateRequest> requests, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Computing aggregates needs the Analyst, Maintainer or Admin role.");
        }

        if (requests.Count is 0 or > MaxBatch)
        {
            return Problem.Invalid("aggregates", $"Send one aggregate or a list of 1 to {MaxBatch}.");
        }

        var loaded = await SimulationRows.LoadAsync(db, catalog, requests.Select(r => r.SimulationId), ct);
        if (!loaded.Succeeded)
        {
            return loaded.Problem!;
        }

        var simulations = loaded.Value!;
        var validation = new Validation();
        var queries = new AggregateQuery?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            queries[i] = AggregateQuery.Resolve(AggregateCompute.Prefix(requests, i), r.Variable, r.AggregateType, r.Entity, r.Filters, r.Quantile, simulations[r.SimulationId].Model, validation);
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
        foreach (var group in Enumerable.Range(0, requests.Count).GroupBy(i => requests[i].SimulationId, StringComparer.Ordinal))
        {
            var handle = await AggregateCompute.HandleOfAsync(cache, simulations[group.Key], ct);
            if (!handle.Succeeded)
            {
                return handle.Problem!;
            }

            await handle.Value!.UseAsync(simulation => AggregateCompute.Each(group, i => values[i] = AggregateCalculator.Compute(simulation, queries[i]!), i => AggregateCompute.Prefix(requests, i), validation), ct);
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rows = requests.Select((r, i) => new AggregateOutput
        {
            Id = PublicIds.New("agg"),
            SimulationId = r.SimulationId,
            BundleId = simulations[r.SimulationId].Job.BundleId,
            Variable = queries[i]!.Variable,
            AggregateType = queries[i]!.TypeName,
            Entity = queries[i]!.Entity,
            FiltersJson = AggregateJson.ToJson(r.Filters),
            QuantileJson = AggregateJson.ToJson(r.Quantile),
            Result = values[i]!.Result,
            SampleSize = values[i]!.SampleSize,
            CreatedBy = actor.Name,
            CreatedUtc = now,
            UpdatedUtc = now,
        }).ToList();
        db.AggregateOutputs.AddRange(rows);
        await db.SaveChangesAsync(ct);
        return rows.Select(AggregateView.Of).ToList();
    }
}

/// <summary>The computation steps shared by aggregates and change aggregates.</summary>
internal static class AggregateCompute
{
    /// <summary>The error-key prefix of item <paramref name="i"/>: none for a single request, <c>[i].</c> in a list.</summary>
    public static string Prefix<T>(IReadOnlyList<T> requests, int i) => requests.Count == 1 ? "" : $"[{i}].";

    /// <summary>The simulation's engine object, or 409 when its bundle cannot be loaded any more.</summary>
    public static async Task<Result<SimulationHandle>> HandleOfAsync(V2SimulationCache cache, SimulationRow row, CancellationToken ct)
    {
        try
        {
            return await cache.GetAsync(row.Job, ct);
        }
        catch (Exception e) when (e is Simulations.BundleLoadException or Simulations.Economy.EconomyComparisonException)
        {
            return Problem.Conflict($"Simulation {row.Id} cannot be loaded again: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="compute"/> for each index; what the data cannot support becomes a validation problem of that item.</summary>
    public static bool Each(IEnumerable<int> indexes, Action<int> compute, Func<int, string> prefix, Validation validation)
    {
        foreach (var i in indexes)
        {
            try
            {
                compute(i);
            }
            catch (Exception e) when (e is EntityMappingException or SimulationException)
            {
                validation.Add(prefix(i) + "variable", e.Message);
            }
        }

        return validation.IsValid;
    }
}
