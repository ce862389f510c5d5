using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.V2;

/// <summary>One v2 simulation with its status, resolved bundle and (when completed) its summary. Polling never recomputes.</summary>
public sealed class GetSimulationHandler(PortalDbContext db)
{
    public async Task<Result<SimulationView>> HandleAsync(string id, CancellationToken ct = default)
    {
        var job = PublicIds.LooksLike(id, "sim")
            ? await db.SimulationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.JobId == id && j.Kind == SimulationJobKinds.Simulation, ct)
            : null;
        if (job is null)
        {
            return Problem.NotFound($"Simulation '{id}'");
        }

        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == job.BundleId, ct);
        return SimulationView.Of(job, bundle);
    }
}

/// <summary>v2 simulations, newest first, optionally of one country and in one status.</summary>
public sealed class ListSimulationsHandler(PortalDbContext db)
{
    public async Task<Result<Page<SimulationView>>> HandleAsync(string? country, string? status, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var query = db.SimulationJobs.AsNoTracking().Where(j => j.Kind == SimulationJobKinds.Simulation);
        if (!string.IsNullOrEmpty(country))
        {
            query = query.Where(j => j.Country == country);
        }

        if (!string.IsNullOrEmpty(status))
        {
            var jobStatus = V2Statuses.ToJob(status);
            if (jobStatus is null)
            {
                return Problem.Invalid("status", $"Status must be one of {string.Join(", ", V2Statuses.All)}.");
            }

            query = query.Where(j => j.Status == jobStatus);
        }

        var total = await query.CountAsync(ct);
        var jobs = await query.OrderByDescending(j => j.SubmittedUtc).ThenByDescending(j => j.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var bundleIds = jobs.Select(j => j.BundleId).Distinct().ToList();
        var bundles = await db.ExecutionBundles.AsNoTracking().Where(b => bundleIds.Contains(b.BundleId)).ToDictionaryAsync(b => b.BundleId, ct);
        return new Page<SimulationView>([.. jobs.Select(j => SimulationView.Of(j, bundles.GetValueOrDefault(j.BundleId)))], number, size, total);
    }
}
