using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Bundles;

/// <param name="Alias">Only bundles an alias of this name points at now (of <paramref name="Country"/> when given).</param>
/// <param name="Sort">One of <see cref="ListBundlesHandler.SortKeys"/> (default <c>created</c>); <paramref name="Dir"/> <c>desc</c> (default) or <c>asc</c>.</param>
public sealed record ListBundlesRequest(
    string? Country = null, bool? Certified = null, string? Alias = null, int? Page = null, int? PageSize = null, string? Sort = null, string? Dir = null);

/// <summary>Bundles, newest first, with filters and paging.</summary>
public sealed class ListBundlesHandler(PortalDbContext db)
{
    public static readonly string[] SortKeys = ["created", "country", "data"];

    public async Task<Page<BundleView>> HandleAsync(ListBundlesRequest request, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(request.Page, request.PageSize);
        var query = db.ExecutionBundles.AsNoTracking();
        var country = Trimmed(request.Country);
        if (country is not null)
        {
            query = query.Where(b => b.Country == country);
        }

        if (request.Certified is { } certified)
        {
            query = query.Where(b => b.Certified == certified);
        }

        if (Trimmed(request.Alias) is { } alias)
        {
            var targets = db.BundleAliases.Where(a => a.Name == alias && (country == null || a.Country == country)).Select(a => a.BundleId);
            query = query.Where(b => targets.Contains(b.BundleId));
        }

        var total = await query.CountAsync(ct);
        var sorting = Sorting.Normalize(request.Sort, request.Dir, SortKeys);
        var sorted = sorting.Key switch
        {
            "country" => sorting.Apply(query, b => b.Country, b => b.Id),
            "data" => sorting.Apply(query, b => b.DataVersion, b => b.Id),
            _ => sorting.Apply(query, b => b.Id, b => b.Id),
        };
        // The page's ids first (see ListSimulationJobsHandler), then those bundles in that order.
        var ids = await sorted.Select(b => b.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var found = await db.ExecutionBundles.AsNoTracking().Where(b => ids.Contains(b.Id)).ToListAsync(ct);
        var rows = found.OrderBy(b => ids.IndexOf(b.Id)).ToList();
        var aliases = await BundleMapping.AliasesOfAsync(db, [.. rows.Select(b => b.BundleId)], ct);
        return new Page<BundleView>([.. rows.Select(b => BundleMapping.View(b, [.. aliases[b.BundleId]]))], number, size, total);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One bundle by full or display id, with the aliases that point at it now and did before, and its recent jobs.</summary>
public sealed class GetBundleHandler(PortalDbContext db)
{
    public const int RecentJobs = 50;

    public async Task<Result<BundleDetail>> HandleAsync(string reference, CancellationToken ct = default)
    {
        var id = (reference ?? "").Trim().ToLowerInvariant();
        var bundle = BundleLookup.LooksLikeBundleId(id) ? await BundleLookup.FindByIdAsync(db, id, ct) : null;
        if (bundle is null)
        {
            return Problem.NotFound($"Bundle '{reference}'");
        }

        var view = await BundleMapping.ViewAsync(db, bundle, ct);
        var events = await db.AliasEvents.AsNoTracking()
            .Where(e => e.Country == bundle.Country && (e.ToBundle == bundle.BundleId || e.FromBundle == bundle.BundleId))
            .OrderByDescending(e => e.AtUtc).ThenByDescending(e => e.Id)
            .ToListAsync(ct);
        var history = events
            .Select(e => new BundleAliasEvent(e.Alias, e.Revision, e.FromBundle, e.ToBundle, e.Actor, e.Reason, e.AtUtc, e.ToBundle == bundle.BundleId))
            .ToList();
        var jobs = await db.SimulationJobs.AsNoTracking()
            .Where(j => j.BundleId == bundle.BundleId)
            .OrderByDescending(j => j.SubmittedUtc).ThenByDescending(j => j.Id)
            .Take(RecentJobs)
            .Select(j => new BundleJob(j.JobId, j.Kind, j.Status, j.Progress, j.SubmittedUtc, j.CompletedUtc, j.SubmittedBy))
            .ToListAsync(ct);
        return new BundleDetail(view, history, jobs);
    }
}
