using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Simulations;

/// <param name="Bundle">Full or display bundle id.</param>
/// <param name="Sort">One of <see cref="ListSimulationJobsHandler.SortKeys"/> (default <c>submitted</c>); <paramref name="Dir"/> <c>desc</c> (default) or <c>asc</c>.</param>
public sealed record ListSimulationJobsRequest(
    string? Country = null, string? Status = null, string? Bundle = null, string? Kind = null, int? Page = null, int? PageSize = null, string? Sort = null, string? Dir = null);

public sealed record SimulationJobSummary(
    string JobId,
    string Kind,
    string Country,
    string Status,
    double Progress,
    string? Stage,
    string BundleId,
    string BundleDisplayId,
    string ModelVersion,
    string DataVersion,
    string? Title,
    string Region,
    int TimePeriod,
    string SubmittedBy,
    DateTime SubmittedUtc,
    DateTime? CompletedUtc,
    string? Error);

/// <summary>Top-level simulation jobs (budget-window years are shown inside their parent), newest first (or sorted), filtered and paged.</summary>
public sealed class ListSimulationJobsHandler(PortalDbContext db)
{
    public static readonly string[] SortKeys = ["submitted", "status", "country"];

    public async Task<Page<SimulationJobSummary>> HandleAsync(ListSimulationJobsRequest request, CancellationToken ct = default)
    {
        var (page, size) = Paging.Normalize(request.Page, request.PageSize);
        var jobs = db.SimulationJobs.AsNoTracking().Where(j => j.ParentJobId == null);
        if (!string.IsNullOrWhiteSpace(request.Country))
        {
            var country = request.Country.Trim().ToLowerInvariant();
            jobs = jobs.Where(j => j.Country == country);
        }

        if (!string.IsNullOrWhiteSpace(request.Status))
        {
            var status = request.Status.Trim().ToLowerInvariant();
            jobs = jobs.Where(j => j.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(request.Kind))
        {
            var kind = request.Kind.Trim();
            jobs = jobs.Where(j => j.Kind == kind);
        }

        if (!string.IsNullOrWhiteSpace(request.Bundle))
        {
            var reference = request.Bundle.Trim();
            var bundleId = reference.StartsWith(BundleIdentity.DisplayPrefix, StringComparison.Ordinal)
                ? await db.ExecutionBundles.AsNoTracking().Where(b => b.DisplayId == reference).Select(b => b.BundleId).FirstOrDefaultAsync(ct) ?? reference
                : reference;
            jobs = jobs.Where(j => j.BundleId == bundleId);
        }

        var total = await jobs.CountAsync(ct);

        // Two steps: the page's ids in order (the database sorts narrow rows, not whole jobs with
        // their request JSON: on 10,000 jobs that was most of the page's time), then those jobs with
        // their bundles, put back in that order.
        var sorting = Sorting.Normalize(request.Sort, request.Dir, SortKeys);
        var sorted = sorting.Key switch
        {
            "status" => sorting.Apply(jobs, j => j.Status, j => j.Id),
            "country" => sorting.Apply(jobs, j => j.Country, j => j.Id),
            _ => sorting.Apply(jobs, j => j.SubmittedUtc, j => j.Id),
        };
        var ids = await sorted.Select(j => j.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var rows = await db.SimulationJobs.AsNoTracking()
            .Where(j => ids.Contains(j.Id))
            .Join(db.ExecutionBundles, j => j.BundleId, b => b.BundleId, (j, b) => new
            {
                j.JobId, j.Kind, j.Country, j.Status, j.Progress, j.Stage, j.BundleId, b.DisplayId, b.ModelVersion, b.DataVersion,
                j.RequestJson, j.SubmittedBy, j.SubmittedUtc, j.CompletedUtc, j.Error, j.Id,
            })
            .ToListAsync(ct);
        var inOrder = rows.OrderBy(r => ids.IndexOf(r.Id));
        var items = inOrder
            .Select(r =>
            {
                var inputs = GatewayInputs.Parse(r.RequestJson);
                return new SimulationJobSummary(r.JobId, r.Kind, r.Country, r.Status, r.Progress, r.Stage, r.BundleId, r.DisplayId, r.ModelVersion, r.DataVersion,
                    inputs.Title, inputs.Region, inputs.TimePeriod, r.SubmittedBy, r.SubmittedUtc, r.CompletedUtc, r.Error);
            })
            .ToList();
        return new Page<SimulationJobSummary>(items, page, size, total);
    }
}
