using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Reports;

/// <summary>What a rerun would reset (the UI's confirmation), computed with the rerun's own checks and cache key.</summary>
/// <param name="Computing">True while the report is pending or running: a rerun now would be a 409.</param>
public sealed record RerunPlan(
    long ReportId, string ReportType, string ReportStatus, IReadOnlyList<long> SimulationIds, IReadOnlyList<ReformImpactRowView> CacheRows,
    IReadOnlyList<long> AlsoAffectedReportIds, bool Computing, string? JobId);

public sealed class PlanRerunHandler(PortalDbContext db)
{
    public async Task<Result<RerunPlan>> HandleAsync(string country, long reportId, Actor actor, CancellationToken ct = default)
    {
        var linkage = await RerunLinkage.LoadAsync(db, country, reportId, actor, ct);
        if (!linkage.Succeeded)
        {
            return linkage.Problem!;
        }

        var link = linkage.Value!;
        var rows = link.CacheKey is null
            ? []
            : (await link.CacheKey.Match(db.ReformImpacts.AsNoTracking()).OrderBy(r => r.ReformImpactId).ToListAsync(ct)).Select(ReformImpactRowView.Of).ToList();
        return new RerunPlan(link.Report.Id, link.Report.ReportType, link.Report.Status, link.SimulationIds, rows, link.AlsoAffectedReportIds,
            ReportStatuses.IsComputing(link.Report.Status), link.Report.JobId);
    }
}
