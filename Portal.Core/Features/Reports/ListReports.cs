using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Reports;

/// <param name="Owner">A user id, or <c>me</c> for the caller.</param>
/// <param name="Sort">One of <see cref="ListReportsHandler.SortKeys"/> (default <c>created</c>); <paramref name="Dir"/> <c>desc</c> (default) or <c>asc</c>.</param>
public sealed record ListReportsRequest(
    string? Country = null, string? Type = null, string? Status = null, string? Owner = null, string? Year = null, int? Page = null, int? PageSize = null,
    string? Sort = null, string? Dir = null);

/// <summary>The reports list: newest first, filtered by country, type, status, owner and year, paged.</summary>
public sealed class ListReportsHandler(PortalDbContext db)
{
    public static readonly string[] SortKeys = ["created", "status", "year", "country"];

    public async Task<Page<ReportSummary>> HandleAsync(ListReportsRequest request, Actor actor, CancellationToken ct = default)
    {
        var (page, size) = Paging.Normalize(request.Page, request.PageSize);
        var query = db.ReportOutputs.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Country))
        {
            query = query.Where(r => r.CountryId == request.Country);
        }

        if (!string.IsNullOrWhiteSpace(request.Type))
        {
            query = query.Where(r => r.ReportType == request.Type);
        }

        if (!string.IsNullOrWhiteSpace(request.Status))
        {
            query = query.Where(r => r.Status == request.Status);
        }

        if (!string.IsNullOrWhiteSpace(request.Owner))
        {
            var owner = request.Owner == "me" ? actor.UserId : request.Owner;
            query = query.Where(r => r.OwnerId == owner || r.OwnerName == request.Owner);
        }

        if (!string.IsNullOrWhiteSpace(request.Year))
        {
            query = query.Where(r => r.Year == request.Year);
        }

        var total = await query.CountAsync(ct);
        var sorting = Sorting.Normalize(request.Sort, request.Dir, SortKeys);
        var sorted = sorting.Key switch
        {
            "status" => sorting.Apply(query, r => r.Status, r => r.Id),
            "year" => sorting.Apply(query, r => r.Year, r => r.Id),
            "country" => sorting.Apply(query, r => r.CountryId, r => r.Id),
            _ => sorting.Apply(query, r => r.CreatedAt, r => r.Id),
        };
        // The page's ids first (a narrow sort), then their rows: see ListSimulationJobsHandler.
        var ids = await sorted.Select(r => r.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        // Left joins for the two simulations: a correlated FirstOrDefault() here became a window
        // function over the whole simulations table on every render.
        var rows = await (
                from r in db.ReportOutputs.AsNoTracking().Where(r => ids.Contains(r.Id))
                join s1 in db.ReportSimulations on r.Simulation1Id equals s1.Id into baselines
                from baseline in baselines.DefaultIfEmpty()
                join s2 in db.ReportSimulations on r.Simulation2Id equals (long?)s2.Id into reforms
                from reform in reforms.DefaultIfEmpty()
                select new
                {
                    Report = new
                    {
                        r.Id, r.CountryId, r.ReportType, r.Status, r.Year, r.Simulation1Id, r.Simulation2Id, r.BundleId, r.ApiVersion,
                        r.OwnerId, r.OwnerName, r.CreatedAt, r.UpdatedAt, r.CompletedAt,
                    },
                    BaselinePopulationId = baseline == null ? null : baseline.PopulationId,
                    BaselinePolicyId = baseline == null ? (long?)null : baseline.PolicyId,
                    ReformPolicyId = reform == null ? (long?)null : reform.PolicyId,
                })
            .ToListAsync(ct);
        var policyIds = rows.SelectMany(r => new[] { r.BaselinePolicyId, r.ReformPolicyId }).OfType<long>().Distinct().ToList();
        var labels = await db.LegacyPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Label, ct);
        var items = rows.OrderBy(x => ids.IndexOf(x.Report.Id)).Select(x =>
        {
            var r = x.Report;
            var baselineId = x.BaselinePolicyId ?? 0;
            return new ReportSummary(r.Id, r.CountryId, r.ReportType, r.Status, r.Year, r.Simulation1Id, r.Simulation2Id, x.BaselinePopulationId ?? "",
                baselineId, x.ReformPolicyId, labels.GetValueOrDefault(baselineId), x.ReformPolicyId is { } rid ? labels.GetValueOrDefault(rid) : null,
                r.BundleId, r.ApiVersion, r.OwnerId, r.OwnerName, r.CreatedAt, r.UpdatedAt, r.CompletedAt);
        }).ToList();
        return new Page<ReportSummary>(items, page, size, total);
    }
}
