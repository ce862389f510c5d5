using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.ModelReleases;

/// <summary>The identity of a loaded package release: what the database pins forever.</summary>
public sealed record ModelReleaseFingerprint(string Country, string Version, string Sha256, string Name);

/// <summary>
/// Records every loaded model release at start-up, in one transaction. A version the database
/// already knows with a different hash means someone changed released rules without bumping the
/// version: Portal refuses to start rather than silently running different law under an old name.
/// </summary>
public sealed class RegisterModelReleasesHandler(PortalDbContext db, TimeProvider time)
{
    public async Task<int> HandleAsync(IReadOnlyList<ModelReleaseFingerprint> releases, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var known = await db.ModelReleases.AsNoTracking().ToListAsync(cancellationToken);
        var conflicts = releases
            .Select(r => (Release: r, Known: known.FirstOrDefault(k => k.Country == r.Country && k.Version == r.Version)))
            .Where(p => p.Known is not null && !string.Equals(p.Known.Sha256, p.Release.Sha256, StringComparison.OrdinalIgnoreCase))
            .Select(p => $"{p.Release.Country} {p.Release.Version}: database has sha256 {p.Known!.Sha256}, package has {p.Release.Sha256}")
            .ToList();
        if (conflicts.Count > 0)
        {
            throw new InvalidOperationException(
                "Model release content changed without a version bump (" + string.Join("; ", conflicts) + "). " +
                "Restore the released files or publish the change as a new version.");
        }

        var added = 0;
        foreach (var release in releases.Where(r => !known.Any(k => k.Country == r.Country && k.Version == r.Version)))
        {
            db.ModelReleases.Add(new ModelRelease
            {
                Country = release.Country,
                Version = release.Version,
                Sha256 = release.Sha256,
                Name = release.Name,
                FirstSeenUtc = time.GetUtcNow().UtcDateTime,
            });
            added++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }
}
