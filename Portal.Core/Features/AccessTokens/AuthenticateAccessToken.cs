using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Users;

namespace Portal.Core.Features.AccessTokens;

/// <summary>Who a valid token acts for, with that user's roles as of now.</summary>
public sealed record TokenIdentity(long TokenId, string TokenName, string UserId, string Email, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>
/// Resolves a bearer token to its user. Checked on every request (revocation, expiry,
/// lock and role changes apply immediately); the last-used time is written at most once
/// a minute per token so reads do not turn into writes.
/// </summary>
public sealed class AuthenticateAccessTokenHandler(PortalDbContext db, TimeProvider time)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<(TokenIdentity? Identity, string? Failure)> HandleAsync(string? token, CancellationToken ct = default)
    {
        if (!AccessTokenSecret.HasValidShape(token))
        {
            return (null, "The bearer token is malformed.");
        }

        var hash = AccessTokenSecret.Hash(token!);
        var row = await db.AccessTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Select(t => new
            {
                t.Id, t.Name, t.UserId, t.RevokedUtc, t.ExpiresUtc, t.LastUsedUtc, t.User!.Email, t.User.DisplayName, t.User.LockoutEnd,

                // In the same round trip: this runs on every API request.
                Roles = (from ur in db.UserRoles
                         join r in db.Roles on ur.RoleId equals r.Id
                         where ur.UserId == t.UserId
                         select r.Name).ToList(),
            })
            .FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        if (row is null)
        {
            return (null, "The bearer token is not valid.");
        }

        if (row.RevokedUtc is not null)
        {
            return (null, "The bearer token has been revoked.");
        }

        if (row.ExpiresUtc <= nowUtc)
        {
            return (null, "The bearer token has expired.");
        }

        if (row.LockoutEnd is { } end && end > now)
        {
            return (null, "The account that owns this token is locked.");
        }

        if (row.LastUsedUtc is null || nowUtc - row.LastUsedUtc > LastUsedResolution)
        {
            var threshold = nowUtc - LastUsedResolution;
            await db.AccessTokens
                .Where(t => t.Id == row.Id && (t.LastUsedUtc == null || t.LastUsedUtc < threshold))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, nowUtc), ct);
        }

        var roles = row.Roles.OfType<string>().OrderBy(UserQueries.RoleOrder).ToList();
        return (new TokenIdentity(row.Id, row.Name, row.UserId, row.Email ?? "", row.DisplayName, roles), null);
    }
}
