using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;

namespace Portal.Core.Features.AccessTokens;

/// <summary>
/// Revokes a token; the next request that presents it fails. Owners revoke their own,
/// administrators anybody's. Revoking twice is not an error.
/// </summary>
public sealed class RevokeAccessTokenHandler(PortalDbContext db, TimeProvider time)
{
    public async Task<Result<AccessTokenSummary>> HandleAsync(long tokenId, Actor actor, CancellationToken ct = default)
    {
        var row = await db.AccessTokens.Where(t => t.Id == tokenId).Select(t => new { Token = t, Email = t.User!.Email }).FirstOrDefaultAsync(ct);

        // Someone else's token looks the same as a missing one to non-administrators.
        if (row is null || (row.Token.UserId != actor.UserId && !actor.IsAdmin))
        {
            return Problem.NotFound($"Token {tokenId}");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (row.Token.RevokedUtc is null)
        {
            row.Token.RevokedUtc = now;
            row.Token.RevokedBy = actor.Name;
            AuditLog.Record(db, actor, now, "token.revoked", $"user:{row.Email}", $"name={row.Token.Name}; prefix={row.Token.DisplayPrefix}");
            await db.SaveChangesAsync(ct);
        }

        return ListAccessTokensHandler.ToSummary(row.Token, row.Email ?? "", now);
    }
}
