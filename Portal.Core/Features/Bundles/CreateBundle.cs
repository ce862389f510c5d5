using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Audit;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;

namespace Portal.Core.Features.Bundles;

/// <param name="Dataset">Artifact name within the data release; the release's national dataset when empty.</param>
public sealed record CreateBundleRequest(string? Country, string? ModelVersion, string? DataVersion, string? Dataset = null);

/// <param name="Created">False when a bundle with the same identity already existed and was returned as is.</param>
public sealed record CreatedBundle(BundleView Bundle, bool Created);

/// <summary>
/// Creates and certifies an execution bundle from a model release and a data release. The identity
/// is content-addressed, so the same inputs return the existing row; a new bundle is certified
/// before its single insert, and a failed certification is stored too (it just cannot be promoted).
/// Concurrent identical creates converge on one row through the unique bundle id.
/// </summary>
public sealed class CreateBundleHandler(PortalDbContext db, ModelCatalog catalog, BundleCertifier certifier, TimeProvider time)
{
    public async Task<Result<CreatedBundle>> HandleAsync(CreateBundleRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Creating bundles needs the Maintainer or Admin role.");
        }

        var inputs = await ResolveAsync(request, ct);
        if (!inputs.Succeeded)
        {
            return inputs.Problem!;
        }

        var (model, release, artifact) = inputs.Value!;
        var identity = new BundleIdentity(model.Country, model.Version, model.Sha256, release.Version, release.ManifestRevision,
            artifact.Name, artifact.Sha256, BundleIdentity.CurrentEngineVersion);
        var id = identity.BundleId;
        if (await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == id, ct) is { } existing)
        {
            return new CreatedBundle(await BundleMapping.ViewAsync(db, existing, ct), false);
        }

        var certification = await certifier.CertifyAsync(model, artifact.Sha256, release.Period, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var bundle = identity.ToRow(certification.Passed, certification.ToJson(), now, actor.Name);
        db.ExecutionBundles.Add(bundle);
        AuditLog.Record(db, actor, now, "bundle.created", $"bundle:{bundle.DisplayId}",
            $"{bundle.Country} model {bundle.ModelVersion}, data {bundle.DataVersion}/{bundle.Dataset}; certification {(bundle.Certified ? "passed" : "failed")}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent create of the same identity won the unique index: answer with its row.
            db.ChangeTracker.Clear();
            var winner = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == id, ct);
            if (winner is null)
            {
                throw;
            }

            return new CreatedBundle(await BundleMapping.ViewAsync(db, winner, ct), false);
        }

        return new CreatedBundle(BundleMapping.View(bundle, []), true);
    }

    private async Task<Result<(CountryModel Model, DataRelease Release, DataReleaseArtifact Artifact)>> ResolveAsync(CreateBundleRequest request, CancellationToken ct)
    {
        var country = (request.Country ?? "").Trim().ToLowerInvariant();
        var modelVersion = (request.ModelVersion ?? "").Trim();
        var dataVersion = (request.DataVersion ?? "").Trim();
        var dataset = string.IsNullOrWhiteSpace(request.Dataset) ? DataReleaseManifest.NationalArtifact : request.Dataset.Trim();
        var validation = new Validation()
            .Require(catalog.Countries.Contains(country), "country", $"Country must be one of: {Join(catalog.Countries)}.")
            .Require(modelVersion.Length > 0, "model_version", "Choose a model release.")
            .Require(dataVersion.Length > 0, "data_version", "Choose a data release.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var model = catalog.Find(country, modelVersion);
        if (model is null)
        {
            validation.Add("model_version", $"{country} has no model release '{modelVersion}'. Available: {Join(catalog.Releases(country).Select(m => m.Version))}.");
        }

        var release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == country && r.Version == dataVersion, ct);
        if (release is null)
        {
            var versions = await db.DataReleases.AsNoTracking().Where(r => r.Country == country).OrderByDescending(r => r.Id).Select(r => r.Version).ToListAsync(ct);
            validation.Add("data_version", $"{country} has no data release '{dataVersion}'. Available: {Join(versions)}.");
        }

        var artifact = release?.Artifacts.FirstOrDefault(a => a.Name == dataset);
        if (release is not null && artifact is null)
        {
            validation.Add("dataset", $"{country}@{dataVersion} has no dataset '{dataset}'. Available: {Join(release.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal))}.");
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        // The version → sha256 pin in the database is what every deployment agrees on.
        var pinned = await db.ModelReleases.AsNoTracking().Where(m => m.Country == country && m.Version == modelVersion).Select(m => m.Sha256).FirstOrDefaultAsync(ct);
        if (pinned is not null && !string.Equals(pinned, model!.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return Problem.Conflict($"Model release {country} {modelVersion} is pinned to sha256 {pinned} but the installed package hashes to {model.Sha256}.");
        }

        return (model!, release!, artifact!);
    }

    private static string Join(IEnumerable<string> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
