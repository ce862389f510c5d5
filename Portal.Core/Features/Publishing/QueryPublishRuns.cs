using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Publishing;

/// <summary>Publish runs, newest first, optionally for one country.</summary>
public sealed class ListPublishRunsHandler(PortalDbContext db)
{
    public const int Limit = 200;

    public async Task<IReadOnlyList<PublishRunSummary>> HandleAsync(string? country = null, CancellationToken ct = default)
    {
        var query = db.PublishRuns.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(country))
        {
            query = query.Where(r => r.Country == country);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(Limit).ToListAsync(ct);
        return rows.Select(PublishQueries.Summary).ToList();
    }

    /// <summary>One page of runs, newest first (the list page: three queries whatever the table's size).</summary>
    public async Task<Page<PublishRunSummary>> PageAsync(int? page, int? pageSize, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var total = await db.PublishRuns.CountAsync(ct);

        // Ids first: skipping to a deep page then walks the primary key only (PostgreSQL fetched every
        // skipped row, areas JSON and all: 40 ms on page 200 of 400).
        var ids = await db.PublishRuns.OrderByDescending(r => r.Id).Select(r => r.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var rows = await db.PublishRuns.AsNoTracking().Where(r => ids.Contains(r.Id)).OrderByDescending(r => r.Id).ToListAsync(ct);
        return new Page<PublishRunSummary>([.. rows.Select(PublishQueries.Summary)], number, size, total);
    }
}

/// <summary>One run with every area's progress and result, as persisted so far (live while it runs).</summary>
public sealed class GetPublishRunHandler(PortalDbContext db)
{
    public async Task<Result<PublishRunDetail>> HandleAsync(string runId, CancellationToken ct = default)
    {
        if (!PublicIds.LooksLike(runId, "pub"))
        {
            return Problem.NotFound($"Publish run {runId}");
        }

        return await PublishQueries.DetailAsync(db, runId, ct) is { } detail ? detail : Problem.NotFound($"Publish run {runId}");
    }
}
