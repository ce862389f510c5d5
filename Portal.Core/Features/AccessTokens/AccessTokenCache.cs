using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Core.Identity;

namespace Portal.Core.Features.AccessTokens;

/// <summary>
/// Recently validated tokens (keyed by the token's hash), so that a client polling many times a
/// second costs one token query per <see cref="Lifetime"/> instead of one per request — the query
/// was a third of a small API request's CPU. Only valid tokens are kept. Expiry and lock end are
/// still compared with the clock on every request; any save that touches a token, a user or a
/// user's roles in this process (revocation, lock, role change, deletion) drops every entry at
/// once (<see cref="ChangeInterceptor"/>); changes made by another process (the CLI, a second
/// node) apply within <see cref="Lifetime"/>. That is why the cache is off by default on
/// PostgreSQL (<c>Auth:TokenCacheSeconds</c>, see <see cref="TokenCacheSettings"/>): instances of a
/// cluster cannot see each other's saves, and a token revoked on one must fail on the next request
/// to any other.
/// </summary>
public sealed class AccessTokenCache(TimeProvider time, TimeSpan lifetime)
{
    public AccessTokenCache(TimeProvider time)
        : this(time, TokenCacheSettings.DefaultLifetime)
    {
    }

    /// <summary>How long a validated token is trusted without a query; zero turns the cache off.</summary>
    public TimeSpan Lifetime { get; } = lifetime < TimeSpan.Zero ? TimeSpan.Zero : lifetime;

    // Bumped by every identity-changing save in the process; an entry read under an older
    // generation is stale even if it was stored after the bump (its query may predate the save).
    private static long generation;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The generation to pass to <see cref="Add"/>: read it before querying the token.</summary>
    public static long Generation => Interlocked.Read(ref generation);

    /// <summary>Forgets every validated token (also done automatically by <see cref="ChangeInterceptor"/>).</summary>
    public static void InvalidateAll() => Interlocked.Increment(ref generation);

    public bool TryGet(string hash, out CachedToken token)
    {
        if (entries.TryGetValue(hash, out var entry))
        {
            // The clock (not a stopwatch) so that a test clock ages entries too; one set back ends them.
            var now = time.GetUtcNow().UtcTicks;
            if (entry.Generation == Generation && now >= entry.StoredAt && now < entry.StoredAt + Lifetime.Ticks)
            {
                token = entry.Token;
                return true;
            }

            entries.TryRemove(new KeyValuePair<string, Entry>(hash, entry));
        }

        token = null!;
        return false;
    }

    public void Add(string hash, CachedToken token, long readGeneration)
    {
        if (Lifetime == TimeSpan.Zero || readGeneration != Generation)
        {
            return;
        }

        if (entries.Count > 10_000)
        {
            // Only valid tokens get here, so this is a very large installation: start over rather than grow.
            entries.Clear();
        }

        entries[hash] = new Entry(token, readGeneration, time.GetUtcNow().UtcTicks);
    }

    private sealed record Entry(CachedToken Token, long Generation, long StoredAt);

    /// <summary>
    /// Drops the cache when a save adds, changes or deletes a token, a user or a user-role link:
    /// before the save (requests from then on query again) and after it (nothing read in
    /// between is kept).
    /// </summary>
    public sealed class ChangeInterceptor : SaveChangesInterceptor
    {
        public static readonly ChangeInterceptor Instance = new();

        // Contexts whose pending save touches identity rows; after the save their entries look unchanged.
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.DbContext, object> touched = [];

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Saving(eventData);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Saving(eventData);
            return ValueTask.FromResult(result);
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Saved(eventData);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Saved(eventData);
            return ValueTask.FromResult(result);
        }

        public override void SaveChangesFailed(DbContextErrorEventData eventData) => Saved(eventData);

        public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Saved(eventData);
            return Task.CompletedTask;
        }

        private void Saving(DbContextEventData eventData)
        {
            if (eventData.Context is not { } context)
            {
                return;
            }

            foreach (var entry in context.ChangeTracker.Entries())
            {
                if (entry.Entity is AccessToken or PortalUser or IdentityUserRole<string>
                    && entry.State is Microsoft.EntityFrameworkCore.EntityState.Added or Microsoft.EntityFrameworkCore.EntityState.Modified or Microsoft.EntityFrameworkCore.EntityState.Deleted)
                {
                    touched.AddOrUpdate(context, context);
                    InvalidateAll();
                    return;
                }
            }
        }

        private void Saved(DbContextEventData eventData)
        {
            if (eventData.Context is { } context && touched.Remove(context))
            {
                InvalidateAll();
            }
        }
    }
}

/// <summary>What a valid token resolved to, as cached: the identity plus the times that can end its validity.</summary>
public sealed record CachedToken(TokenIdentity Identity, DateTime? ExpiresUtc, DateTimeOffset? LockoutEnd);

/// <summary>
/// <c>Auth:TokenCacheSeconds</c>: how long a validated bearer token is trusted without a database
/// query. Default 2 s on SQLite (one node: its own saves drop the cache at once) and 0 (off) on
/// PostgreSQL, where another instance's revocation must apply on the very next request.
/// </summary>
public static class TokenCacheSettings
{
    public const string Key = "Auth:TokenCacheSeconds";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(2);

    public static TimeSpan Lifetime(Microsoft.Extensions.Configuration.IConfiguration configuration, Data.DatabaseSettings database)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return database.IsSqlite ? DefaultLifetime : TimeSpan.Zero;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"{Key} '{text}' must be a number of seconds between 0 and 3600 (0 turns the token cache off).");
    }
}
