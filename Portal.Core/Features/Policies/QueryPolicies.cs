using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Policies;

/// <summary>Policies, newest first, optionally of one country.</summary>
public sealed class ListPoliciesHandler(PortalDbContext db)
{
    public async Task<Page<PolicyView>> HandleAsync(string? country, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var query = db.Policies.AsNoTracking();
        if (!string.IsNullOrEmpty(country))
        {
            query = query.Where(p => p.Country == country);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(p => p.CreatedUtc).ThenByDescending(p => p.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new Page<PolicyView>([.. rows.Select(PolicyView.Of)], number, size, total);
    }
}

public sealed class GetPolicyHandler(PortalDbContext db)
{
    public async Task<Result<PolicyView>> HandleAsync(string id, CancellationToken ct = default)
    {
        var policy = PublicIds.LooksLike(id, "pol") ? await db.Policies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) : null;
        return policy is null ? Problem.NotFound($"Policy '{id}'") : PolicyView.Of(policy);
    }
}
