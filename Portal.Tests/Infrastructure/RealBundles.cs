using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A bundle that really runs: a small synthetic data release generated through the real handler,
/// the installed model release's hash, and the release's national artifact. Marked certified
/// directly (certification itself is the bundles feature's to test) and, if asked, made <c>latest</c>.
/// </summary>
public static class RealBundles
{
    public static async Task<ExecutionBundle> CreateAsync(IServiceProvider services, string country, string modelVersion, string dataVersion,
        int households = 300, long seed = 7, bool certified = true, string? alias = "latest")
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var generated = await provider.GetRequiredService<GenerateDataReleaseHandler>()
            .HandleAsync(new GenerateDataReleaseRequest(country, dataVersion, households, seed), Actor.Operator);
        Assert.True(generated.Succeeded, generated.Problem?.Describe());
        var release = generated.Value!.Release;
        var national = release.Artifacts.Single(a => a.Name == DataReleaseManifest.NationalArtifact);
        var model = provider.GetRequiredService<ModelCatalog>().Find(country, modelVersion)!;
        var identity = new BundleIdentity(country, modelVersion, model.Sha256, dataVersion, release.Release.ManifestRevision,
            national.Name, national.Sha256, BundleIdentity.CurrentEngineVersion);
        var bundle = new ExecutionBundle
        {
            BundleId = identity.BundleId,
            DisplayId = BundleIdentity.DisplayIdOf(identity.BundleId),
            Country = country,
            ModelVersion = modelVersion,
            ModelSha256 = model.Sha256,
            DataVersion = dataVersion,
            DataManifestRevision = identity.DataManifestRevision,
            Dataset = national.Name,
            DatasetSha256 = national.Sha256,
            EngineVersion = identity.EngineVersion,
            CanonicalJson = identity.ToCanonicalJson(),
            Certified = certified,
            CertificationJson = $$"""{"passed":{{(certified ? "true" : "false")}},"details":["inserted by the test"]}""",
            CreatedUtc = DateTime.UtcNow,
            CreatedBy = "test",
        };
        var db = provider.GetRequiredService<PortalDbContext>();
        db.ExecutionBundles.Add(bundle);
        await db.SaveChangesAsync();
        if (alias is not null)
        {
            var promoted = await provider.GetRequiredService<PromoteAliasHandler>()
                .HandleAsync(new PromoteAliasRequest(country, alias, bundle.BundleId, "test bundle"), Actor.Operator);
            Assert.True(promoted.Succeeded, promoted.Problem?.Describe());
        }

        return bundle;
    }
}
