using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Core.Data;
using Portal.Core.Features.Users;

namespace Portal.Core.Features.AccessTokens;

/// <summary>Who a valid token acts for, with that user's roles as of now.</summary>
public sealed record TokenIdentity(long TokenId, string TokenName, string UserId, string Email, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>
/// Resolves a bearer token to its user. Checked on every request: expiry and lock end against
/// the clock, the row itself at most every <see cref="AccessTokenCache.Lifetime"/> (revocation,
/// lock and role changes saved by this process apply at once, see <see cref="AccessTokenCache"/>);
/// the last-used time is written at most once a minute per token so reads do not turn into writes.
/// </summary>
public sealed class AuthenticateAccessTokenHandler(PortalDbContext db, TimeProvider time, AccessTokenCache cache)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // Precompiled: this runs on every API request, and translating the LINQ query each time was
    // most of an authenticated request's cost. Compiled queries are bound to one EF model (a
    // process may hold two providers, as the tests do), hence one set per model.
    private static readonly ConditionalWeakTable<IModel, Queries> ByModel = [];

    public async Task<(TokenIdentity? Identity, string? Failure)> HandleAsync(string? token, CancellationToken ct = default)
    {
        if (!AccessTokenSecret.HasValidShape(token))
        {
            return (null, "The bearer token is malformed.");
        }

        var hash = AccessTokenSecret.Hash(token!);
        var now = time.GetUtcNow();
        if (cache.TryGet(hash, out var cached))
        {
            return cached.ExpiresUtc <= now.UtcDateTime ? (null, "The bearer token has expired.")
                : cached.LockoutEnd is { } lockEnd && lockEnd > now ? (null, "The account that owns this token is locked.")
                : (cached.Identity, null);
        }

        var generation = AccessTokenCache.Generation;
        var row = await ByModel.GetValue(db.Model, _ => new Queries()).FindToken(db, hash, ct);
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
        var identity = new TokenIdentity(row.Id, row.Name, row.UserId, row.Email ?? "", row.DisplayName, roles);
        cache.Add(hash, new CachedToken(identity, row.ExpiresUtc, row.LockoutEnd), generation);
        return (identity, null);
    }

    private sealed class TokenRow
    {
        public long Id { get; init; }

        public string Name { get; init; } = "";

        public string UserId { get; init; } = "";

        public DateTime? RevokedUtc { get; init; }

        public DateTime? ExpiresUtc { get; init; }

        public DateTime? LastUsedUtc { get; init; }

        public string? Email { get; init; }

        public string DisplayName { get; init; } = "";

        public DateTimeOffset? LockoutEnd { get; init; }

        public List<string?> Roles { get; init; } = [];
    }

    private sealed class Queries
    {
        public readonly Func<PortalDbContext, string, CancellationToken, Task<TokenRow?>> FindToken = EF.CompileAsyncQuery(
            (PortalDbContext context, string hash, CancellationToken _) => context.AccessTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash)
                .Select(t => new TokenRow
                {
                    Id = t.Id, Name = t.Name, UserId = t.UserId, RevokedUtc = t.RevokedUtc, ExpiresUtc = t.ExpiresUtc, LastUsedUtc = t.LastUsedUtc,
                    Email = t.User!.Email, DisplayName = t.User.DisplayName, LockoutEnd = t.User.LockoutEnd,

                    // In the same round trip.
                    Roles = (from ur in context.UserRoles
                             join r in context.Roles on ur.RoleId equals r.Id
                             where ur.UserId == t.UserId
                             select r.Name).ToList(),
                })
                .FirstOrDefault());
    }
}
