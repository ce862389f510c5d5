using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Reports;

/// <summary>
/// <c>GET /{country}/report/{id}</c> and the report page: the report with both simulations, their
/// policies, the household, the bundle, the current job and the other reports sharing a simulation.
/// </summary>
public sealed class GetReportHandler(PortalDbContext db)
{
    public async Task<Result<ReportDetail>> HandleAsync(string country, long reportId, CancellationToken ct = default)
    {
        var report = await db.ReportOutputs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reportId && r.CountryId == country, ct);
        if (report is null)
        {
            return Problem.NotFound($"Report #{reportId} of {country}");
        }

        var ids = LinkedSimulationIds(report);
        var simulations = await db.ReportSimulations.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        var simulation1 = simulations.FirstOrDefault(s => s.Id == report.Simulation1Id);
        var simulation2 = report.Simulation2Id is { } id2 ? simulations.FirstOrDefault(s => s.Id == id2) : null;
        if (simulation1 is null || (report.Simulation2Id is not null && simulation2 is null))
        {
            var missing = simulation1 is null ? report.Simulation1Id : report.Simulation2Id!.Value;
            return Problem.Conflict($"Report #{reportId} references simulation #{missing}, which does not exist for {country}.");
        }

        var policyIds = simulations.Select(s => s.PolicyId).Distinct().ToList();
        var policies = await db.LegacyPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        if (!policies.TryGetValue(simulation1.PolicyId, out var baseline))
        {
            return Problem.Conflict($"Simulation #{simulation1.Id} references policy #{simulation1.PolicyId}, which does not exist.");
        }

        var reform = simulation2 is null ? null : policies.GetValueOrDefault(simulation2.PolicyId);
        LegacyHouseholdView? household = null;
        if (simulation1.PopulationType == PopulationTypes.Household
            && long.TryParse(simulation1.PopulationId, NumberStyles.None, CultureInfo.InvariantCulture, out var householdId))
        {
            var row = await db.LegacyHouseholds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, ct);
            household = row is null ? null : LegacyHouseholdView.Of(row);
        }

        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == report.BundleId, ct);
        var job = report.JobId is null ? null : await db.SimulationJobs.AsNoTracking()
            .Where(j => j.JobId == report.JobId)
            .Select(j => new ReportJobView(j.JobId, j.Status, j.Progress, j.Stage, j.Error, j.SubmittedUtc, j.StartedUtc, j.CompletedUtc))
            .FirstOrDefaultAsync(ct);
        var sharing = await SharingReportIdsAsync(db, report, ct);
        return new ReportDetail(
            ReportView.Of(report), ReportSimulationView.Of(simulation1), simulation2 is null ? null : ReportSimulationView.Of(simulation2),
            LegacyPolicyView.Of(baseline), reform is null ? null : LegacyPolicyView.Of(reform), household,
            bundle is null ? null : ReportBundleView.Of(bundle), job, sharing);
    }

    public static long[] LinkedSimulationIds(ReportOutput report) =>
        report.Simulation2Id is { } id2 && id2 != report.Simulation1Id ? [report.Simulation1Id, id2] : [report.Simulation1Id];

    /// <summary>Other reports of the country that link one of this report's simulations (a rerun resets those simulations for them too).</summary>
    public static async Task<IReadOnlyList<long>> SharingReportIdsAsync(PortalDbContext db, ReportOutput report, CancellationToken ct)
    {
        var ids = LinkedSimulationIds(report);
        return await db.ReportOutputs.AsNoTracking()
            .Where(r => r.Id != report.Id && r.CountryId == report.CountryId
                && (ids.Contains(r.Simulation1Id) || (r.Simulation2Id != null && ids.Contains(r.Simulation2Id.Value))))
            .OrderBy(r => r.Id)
            .Select(r => r.Id)
            .ToListAsync(ct);
    }
}
