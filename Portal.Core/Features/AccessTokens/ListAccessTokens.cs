using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.AccessTokens;

public sealed record AccessTokenSummary(
    long Id,
    string Name,
    string DisplayPrefix,
    string UserId,
    string UserEmail,
    DateTime CreatedUtc,
    string CreatedBy,
    DateTime? ExpiresUtc,
    DateTime? LastUsedUtc,
    DateTime? RevokedUtc,
    string Status);

/// <summary>Tokens of one user, or of everybody (administrators), newest first. Never includes secrets.</summary>
public sealed class ListAccessTokensHandler(PortalDbContext db, TimeProvider time)
{
    public async Task<IReadOnlyList<AccessTokenSummary>> HandleAsync(string? userId, bool includeInactive = true, CancellationToken ct = default)
    {
        var query = db.AccessTokens.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(t => t.UserId == userId);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!includeInactive)
        {
            query = query.Where(t => t.RevokedUtc == null && (t.ExpiresUtc == null || t.ExpiresUtc > now));
        }

        var rows = await query
            .OrderByDescending(t => t.Id)
            .Select(t => new { Token = t, Email = t.User!.Email })
            .ToListAsync(ct);
        return rows.Select(r => ToSummary(r.Token, r.Email ?? "", now)).ToList();
    }

    internal static AccessTokenSummary ToSummary(AccessToken t, string email, DateTime now) =>
        new(t.Id, t.Name, t.DisplayPrefix, t.UserId, email, t.CreatedUtc, t.CreatedBy, t.ExpiresUtc, t.LastUsedUtc, t.RevokedUtc, t.StatusAt(now));
}
