using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Aggregates;

/// <summary>Aggregates, newest first, optionally of one simulation.</summary>
public sealed class ListAggregatesHandler(PortalDbContext db)
{
    public async Task<Page<AggregateView>> HandleAsync(string? simulationId, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var query = db.AggregateOutputs.AsNoTracking();
        if (!string.IsNullOrEmpty(simulationId))
        {
            query = query.Where(a => a.SimulationId == simulationId);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.CreatedUtc).ThenByDescending(a => a.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new Page<AggregateView>([.. rows.Select(AggregateView.Of)], number, size, total);
    }
}

public sealed class GetAggregateHandler(PortalDbContext db)
{
    public async Task<Result<AggregateView>> HandleAsync(string id, CancellationToken ct = default)
    {
        var row = PublicIds.LooksLike(id, "agg") ? await db.AggregateOutputs.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) : null;
        return row is null ? Problem.NotFound($"Aggregate '{id}'") : AggregateView.Of(row);
    }
}

/// <summary>Change aggregates, newest first, optionally involving one simulation (as baseline or reform).</summary>
public sealed class ListChangeAggregatesHandler(PortalDbContext db)
{
    public async Task<Page<ChangeAggregateView>> HandleAsync(string? simulationId, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var query = db.ChangeAggregates.AsNoTracking();
        if (!string.IsNullOrEmpty(simulationId))
        {
            query = query.Where(a => a.BaselineSimulationId == simulationId || a.ReformSimulationId == simulationId);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.CreatedUtc).ThenByDescending(a => a.Id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new Page<ChangeAggregateView>([.. rows.Select(ChangeAggregateView.Of)], number, size, total);
    }
}

public sealed class GetChangeAggregateHandler(PortalDbContext db)
{
    public async Task<Result<ChangeAggregateView>> HandleAsync(string id, CancellationToken ct = default)
    {
        var row = PublicIds.LooksLike(id, "chg") ? await db.ChangeAggregates.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) : null;
        return row is null ? Problem.NotFound($"Change aggregate '{id}'") : ChangeAggregateView.Of(row);
    }
}
