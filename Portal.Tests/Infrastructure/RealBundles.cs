using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A bundle that really runs: a small synthetic data release generated through the real handler,
/// then a bundle created and certified by the bundles feature (or, for an uncertified one, stored
/// as a failed certification would store it) and, if asked, made <c>latest</c>.
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
        var db = provider.GetRequiredService<PortalDbContext>();
        ExecutionBundle bundle;
        if (certified)
        {
            // The real path: the bundles feature loads the dataset against the model and runs its smoke simulation.
            var created = await provider.GetRequiredService<CreateBundleHandler>()
                .HandleAsync(new CreateBundleRequest(country, modelVersion, dataVersion), Actor.Operator);
            Assert.True(created.Succeeded, created.Problem?.Describe());
            Assert.True(created.Value!.Bundle.Certified, "certification failed");
            bundle = await db.ExecutionBundles.AsNoTracking().SingleAsync(b => b.BundleId == created.Value.Bundle.BundleId);
        }
        else
        {
            bundle = Uncertified(provider.GetRequiredService<ModelCatalog>().Find(country, modelVersion)!, release);
            db.ExecutionBundles.Add(bundle);
            await db.SaveChangesAsync();
        }

        if (alias is not null)
        {
            var promoted = await provider.GetRequiredService<PromoteAliasHandler>()
                .HandleAsync(new PromoteAliasRequest(country, alias, bundle.BundleId, "test bundle"), Actor.Operator);
            Assert.True(promoted.Succeeded, promoted.Problem?.Describe());
        }

        return bundle;
    }

    /// <summary>A bundle row as a failed certification stores it (failing one for real would need broken data).</summary>
    private static ExecutionBundle Uncertified(CountryModel model, DataReleaseDetail release)
    {
        var national = release.Artifacts.Single(a => a.Name == DataReleaseManifest.NationalArtifact);
        var identity = new BundleIdentity(model.Country, model.Version, model.Sha256, release.Release.Version, release.Release.ManifestRevision,
            national.Name, national.Sha256, BundleIdentity.CurrentEngineVersion);
        return identity.ToRow(false, """{"passed":false,"details":["inserted by the test as failed"]}""", DateTime.UtcNow, "test");
    }
}
