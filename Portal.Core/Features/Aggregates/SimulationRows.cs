using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.V2;

namespace Portal.Core.Features.Aggregates;

/// <summary>A v2 simulation an aggregate refers to, with its bundle, inputs and model release.</summary>
public sealed record SimulationRow(SimulationJob Job, ExecutionBundle Bundle, V2SimulationInputs Inputs, CountryModel Model)
{
    public string Id => Job.JobId;
}

/// <summary>Loads and checks the simulations named by aggregate requests.</summary>
internal static class SimulationRows
{
    /// <summary>Every named simulation, or 404 for the first that does not exist (409 if its model is no longer installed).</summary>
    public static async Task<Result<Dictionary<string, SimulationRow>>> LoadAsync(PortalDbContext db, ModelCatalog catalog, IEnumerable<string?> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
        var valid = wanted.Where(id => PublicIds.LooksLike(id, "sim")).Cast<string>().ToList();
        var jobs = await db.SimulationJobs.AsNoTracking()
            .Where(j => valid.Contains(j.JobId) && j.Kind == SimulationJobKinds.Simulation)
            .ToDictionaryAsync(j => j.JobId, StringComparer.Ordinal, ct);
        foreach (var id in wanted)
        {
            if (id is null || !jobs.ContainsKey(id))
            {
                return Problem.NotFound($"Simulation '{id}'");
            }
        }

        var bundleIds = jobs.Values.Select(j => j.BundleId).Distinct().ToList();
        var bundles = await db.ExecutionBundles.AsNoTracking().Where(b => bundleIds.Contains(b.BundleId)).ToDictionaryAsync(b => b.BundleId, ct);
        var rows = new Dictionary<string, SimulationRow>(StringComparer.Ordinal);
        foreach (var job in jobs.Values)
        {
            var bundle = bundles.GetValueOrDefault(job.BundleId);
            var model = bundle is null ? null : catalog.Find(bundle.Country, bundle.ModelVersion);
            if (bundle is null || model is null)
            {
                return Problem.Conflict($"Simulation {job.JobId} ran on bundle {BundleIdentity.DisplayIdOf(job.BundleId)}, whose model release is not installed here any more.");
            }

            rows[job.JobId] = new SimulationRow(job, bundle, V2SimulationInputs.Parse(job.RequestJson), model);
        }

        return rows;
    }

    /// <summary>409 with the simulation's status (<c>simulation_status</c>: problem details own <c>status</c>) unless it completed.</summary>
    public static Problem? RequireCompleted(SimulationRow row)
    {
        if (row.Job.Status == SimulationJobStatuses.Complete)
        {
            return null;
        }

        var status = V2Statuses.Of(row.Job.Status);
        return Problem.Conflict(status == V2Statuses.Failed
            ? $"Simulation {row.Id} failed ({row.Job.Error}); aggregates need a completed simulation."
            : $"Simulation {row.Id} is {status}; aggregates need a completed simulation. Poll /api/v2/simulations/{row.Id} until it completes.")
            with
        {
            Extensions = new Dictionary<string, object?> { ["simulation_id"] = row.Id, ["simulation_status"] = status },
        };
    }
}
