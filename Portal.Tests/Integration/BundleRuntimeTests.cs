using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Engine;
using Portal.Core.Features.DataReleases;
using Portal.Core.Features.Simulations;

namespace Portal.Tests.Integration;

/// <summary>The workers' bundle loader: exactly the bundle's model and dataset, cached, loaded once.</summary>
public sealed class BundleRuntimeTests(GatewayFixture portal) : IClassFixture<GatewayFixture>
{
    private BundleRuntime NewRuntime(int cacheSize) => new(
        portal.Services.GetRequiredService<ModelCatalog>(),
        portal.Services.GetRequiredService<IServiceScopeFactory>(),
        portal.Services.GetRequiredService<IArtifactStore>(),
        new SimulationOptions { PopulationCacheSize = cacheSize });

    [Fact]
    public async Task Concurrent_loads_of_a_bundle_share_one_population_of_its_own_dataset()
    {
        var runtime = NewRuntime(4);
        var loads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => runtime.LoadAsync(portal.Latest)));
        Assert.All(loads, l => Assert.Same(loads[0].Population, l.Population));
        Assert.Equal("1.1.0", loads[0].Model.Version);
        Assert.Equal(300, loads[0].Population.Count("household"));
        Assert.Equal(2024, loads[0].DataPeriod);
        Assert.Equal([portal.Latest.BundleId], runtime.CachedBundleIds);
    }

    [Fact]
    public async Task The_least_recently_used_population_is_evicted()
    {
        var runtime = NewRuntime(1);
        var first = await runtime.LoadAsync(portal.Latest);
        await runtime.LoadAsync(portal.Older);
        Assert.Equal([portal.Older.BundleId], runtime.CachedBundleIds);
        Assert.NotSame(first.Population, (await runtime.LoadAsync(portal.Latest)).Population);
    }

    [Fact]
    public async Task A_bundle_is_refused_when_its_model_or_data_is_not_what_it_names()
    {
        var runtime = NewRuntime(4);
        var otherModel = CopyOf(portal.Latest);
        otherModel.BundleId = new string('a', 64);
        otherModel.ModelSha256 = new string('0', 64);
        var modelError = await Assert.ThrowsAsync<BundleLoadException>(() => runtime.LoadAsync(otherModel));
        Assert.Contains("refusing", modelError.Message, StringComparison.Ordinal);

        var otherData = CopyOf(portal.Latest);
        otherData.BundleId = new string('b', 64);
        otherData.DatasetSha256 = new string('1', 64);
        var dataError = await Assert.ThrowsAsync<BundleLoadException>(() => runtime.LoadAsync(otherData));
        Assert.Contains("not the bundle's", dataError.Message, StringComparison.Ordinal);
        Assert.Empty(runtime.CachedBundleIds);
    }

    private static Portal.Core.Features.Bundles.ExecutionBundle CopyOf(Portal.Core.Features.Bundles.ExecutionBundle b) => new()
    {
        BundleId = b.BundleId, DisplayId = b.DisplayId, Country = b.Country, ModelVersion = b.ModelVersion, ModelSha256 = b.ModelSha256,
        DataVersion = b.DataVersion, DataManifestRevision = b.DataManifestRevision, Dataset = b.Dataset, DatasetSha256 = b.DatasetSha256,
        EngineVersion = b.EngineVersion, CanonicalJson = b.CanonicalJson, Certified = b.Certified,
    };
}
