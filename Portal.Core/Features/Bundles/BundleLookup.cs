using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.Bundles;

/// <summary>How a bundle reference was resolved: directly by id, or through an alias (which may move later).</summary>
public sealed record ResolvedBundle(ExecutionBundle Bundle, string? ViaAlias, long? AliasRevision);

/// <summary>
/// Finds bundles by full id (64 hex), display id (<c>bnd_</c> + 16 hex) or, for a country, an alias
/// name. Shared by the bundle pages, the alias use cases and the gateway so every caller resolves
/// a reference the same way.
/// </summary>
public static class BundleLookup
{
    public static bool LooksLikeBundleId(string reference) =>
        (reference.Length == 64 && reference.All(char.IsAsciiHexDigitLower))
        || (reference.Length == BundleIdentity.DisplayPrefix.Length + 16
            && reference.StartsWith(BundleIdentity.DisplayPrefix, StringComparison.Ordinal)
            && reference[BundleIdentity.DisplayPrefix.Length..].All(char.IsAsciiHexDigitLower));

    /// <summary>The bundle with this full or display id, or null.</summary>
    public static Task<ExecutionBundle?> FindByIdAsync(PortalDbContext db, string bundleId, CancellationToken ct = default) =>
        bundleId.StartsWith(BundleIdentity.DisplayPrefix, StringComparison.Ordinal)
            ? db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.DisplayId == bundleId, ct)
            : db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == bundleId, ct);

    /// <summary>
    /// A bundle id, display id or alias name of <paramref name="country"/>, or null when nothing
    /// matches. A bundle found by id but of another country is not a match.
    /// </summary>
    public static async Task<ResolvedBundle?> ResolveAsync(PortalDbContext db, string country, string reference, CancellationToken ct = default)
    {
        if (LooksLikeBundleId(reference))
        {
            var bundle = await FindByIdAsync(db, reference, ct);
            return bundle is not null && bundle.Country == country ? new ResolvedBundle(bundle, null, null) : null;
        }

        var alias = await db.BundleAliases.AsNoTracking().FirstOrDefaultAsync(a => a.Country == country && a.Name == reference, ct);
        if (alias is null)
        {
            return null;
        }

        var target = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == alias.BundleId, ct);
        return target is null ? null : new ResolvedBundle(target, alias.Name, alias.Revision);
    }
}
