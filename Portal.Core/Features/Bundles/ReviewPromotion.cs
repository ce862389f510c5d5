using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Models;

namespace Portal.Core.Features.Bundles;

/// <summary>One identity field of the current and the proposed bundle.</summary>
public sealed record BundleFieldChange(string Field, string? Current, string Proposed)
{
    public bool Changed => Current != Proposed;
}

/// <summary>
/// What a promotion would change, for the confirm step: the alias now (null when it would be
/// created), the proposed bundle, field-by-field differences, and the parameter and variable
/// changes between the two model releases. <see cref="ModelNote"/> explains why the model diff is
/// missing when it is (same release, or a release not installed on this Portal).
/// </summary>
public sealed record PromotionReview(AliasView? Current, AliasTarget Proposed, IReadOnlyList<BundleFieldChange> Fields, ReleaseComparison? ModelChanges, string? ModelNote);

public sealed class ReviewPromotionHandler(PortalDbContext db, GetAliasHandler aliases, CompareReleasesHandler compare)
{
    public async Task<Result<PromotionReview>> HandleAsync(string country, string name, string bundleId, CancellationToken ct = default)
    {
        var bundle = BundleLookup.LooksLikeBundleId(bundleId) ? await BundleLookup.FindByIdAsync(db, bundleId, ct) : null;
        if (bundle is null || bundle.Country != country)
        {
            return Problem.NotFound($"A {country} bundle {bundleId}");
        }

        var current = (await aliases.HandleAsync(country, name, ct)).Value;
        var proposed = AliasTarget.Of(bundle);
        var from = current?.Bundle;
        BundleFieldChange Field(string field, Func<AliasTarget, string> value) => new(field, from is null ? null : value(from), value(proposed));
        var fields = new[]
        {
            Field("bundle", b => b.DisplayId),
            Field("model_version", b => b.ModelVersion),
            Field("model_sha256", b => b.ModelSha256),
            Field("data_version", b => b.DataVersion),
            Field("data_manifest_revision", b => b.DataManifestRevision),
            Field("dataset", b => b.Dataset),
            Field("dataset_sha256", b => b.DatasetSha256),
            Field("engine_version", b => b.EngineVersion),
        };

        if (from is null)
        {
            return new PromotionReview(current, proposed, fields, null, current is null ? "A new alias: there is no current bundle to compare with." : null);
        }

        if (from.ModelVersion == proposed.ModelVersion && from.ModelSha256 == proposed.ModelSha256)
        {
            return new PromotionReview(current, proposed, fields, null, $"Both bundles use model release {proposed.ModelVersion}: no parameter changes.");
        }

        var diff = compare.Handle(new CompareReleasesRequest(country, from.ModelVersion, proposed.ModelVersion));
        return diff.Succeeded
            ? new PromotionReview(current, proposed, fields, diff.Value, null)
            : new PromotionReview(current, proposed, fields, null, $"Parameter changes cannot be shown: {diff.Problem!.Describe()}");
    }
}

/// <summary>The certified bundles of a country, newest first: the choices of the promote form.</summary>
public sealed class ListPromotableBundlesHandler(PortalDbContext db)
{
    public async Task<IReadOnlyList<AliasTarget>> HandleAsync(string country, CancellationToken ct = default)
    {
        var rows = await db.ExecutionBundles.AsNoTracking()
            .Where(b => b.Country == country && b.Certified)
            .OrderByDescending(b => b.Id)
            .ToListAsync(ct);
        return rows.Select(AliasTarget.Of).ToList();
    }
}
