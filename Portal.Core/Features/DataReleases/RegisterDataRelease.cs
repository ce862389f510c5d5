using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.DataReleases;

/// <summary>
/// Records a release whose artifacts are already in the store, in one transaction. Registering
/// the same (country, version) again with the identical manifest is a no-op; with a different
/// manifest it is a conflict: a version means one exact set of bytes forever.
/// </summary>
public sealed class RegisterDataReleaseHandler(PortalDbContext db, IArtifactStore store, TimeProvider time)
{
    public async Task<Result<DataReleaseDetail>> HandleAsync(DataReleaseManifest manifest, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Publishing data releases needs the Maintainer or Admin role.");
        }

        var validation = new Validation()
            .RequireRelease(manifest.Country, manifest.Version)
            .Require(manifest.Artifacts.Count > 0, "artifacts", "A release needs at least one artifact.")
            .Require(manifest.Artifacts.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() == manifest.Artifacts.Count, "artifacts", "Artifact names must be unique.");
        foreach (var artifact in manifest.Artifacts.Where(a => !store.Exists(a.Sha256)))
        {
            validation.Add("artifacts", $"Artifact '{artifact.Name}' ({artifact.Sha256}) is not in the artifact store.");
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var revision = manifest.Revision;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.DataReleases.Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == manifest.Country && r.Version == manifest.Version, ct);
        if (existing is not null)
        {
            return existing.ManifestRevision == revision
                ? DataReleaseMapping.Detail(existing)
                : Problem.Conflict($"{manifest.Country}@{manifest.Version} is already registered with manifest revision {existing.ManifestRevision}; " +
                                   $"this manifest has revision {revision}. Publish changed data under a new version.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var release = new DataRelease
        {
            Country = manifest.Country,
            Version = manifest.Version,
            ManifestRevision = revision,
            ManifestJson = manifest.ToCanonicalJson(),
            Period = manifest.Period,
            CreatedUtc = now,
            CreatedBy = actor.Name,
            Artifacts = manifest.Artifacts.Select(a => new DataReleaseArtifact
            {
                Name = a.Name,
                Path = a.Path,
                Sha256 = a.Sha256,
                SizeBytes = a.SizeBytes,
                RowsJson = DataReleaseManifest.Canonicalize(System.Text.Json.JsonSerializer.SerializeToNode(a.Rows)!),
            }).ToList(),
        };
        db.DataReleases.Add(release);
        AuditLog.Record(db, actor, now, "data_release.registered", $"{release.Country}@{release.Version}", $"revision {revision}");
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent registration of the same version won the unique index.
            return Problem.Conflict($"{manifest.Country}@{manifest.Version} was registered concurrently; fetch it and compare its revision with {revision}.");
        }

        return DataReleaseMapping.Detail(release);
    }
}
