using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Core.Features.Simulations;

/// <summary>A bundle ready to simulate: its model release and the population of exactly its dataset artifact.</summary>
/// <param name="DataPeriod">The year the dataset's values are stored under (the data release period).</param>
public sealed record LoadedBundle(ExecutionBundle Bundle, CountryModel Model, Population Population, int DataPeriod);

/// <summary>A bundle cannot run here: its model is not installed or changed, or its data is missing or corrupt.</summary>
public sealed class BundleLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads execution bundles for the workers. The model comes from the <see cref="ModelCatalog"/> and
/// must hash to the bundle's model sha256; the population comes from the bundle's own dataset
/// artifact, re-verified against its sha256 on load — never an implicit default dataset. Loaded
/// populations are kept in a small LRU (a 100k-household population takes seconds to read and
/// verify, a comparison on it well under a second), and concurrent loads of one bundle share one read.
/// </summary>
public sealed class BundleRuntime(ModelCatalog catalog, IServiceScopeFactory scopes, IArtifactStore store, SimulationOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string BundleId, Task<LoadedBundle> Load)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string BundleId, Task<LoadedBundle> Load)> recency = new();

    /// <summary>Bundle ids currently cached, most recently used first (diagnostics and tests).</summary>
    public IReadOnlyList<string> CachedBundleIds
    {
        get
        {
            lock (gate)
            {
                return [.. recency.Select(e => e.BundleId)];
            }
        }
    }

    public async Task<LoadedBundle> LoadAsync(ExecutionBundle bundle, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        Task<LoadedBundle> load;
        lock (gate)
        {
            if (entries.TryGetValue(bundle.BundleId, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                load = node.Value.Load;
            }
            else
            {
                // Not bound to the caller's token: other callers may be waiting on the same load.
                load = Task.Run(() => LoadUncachedAsync(bundle, CancellationToken.None), CancellationToken.None);
                entries[bundle.BundleId] = recency.AddFirst((bundle.BundleId, load));
                while (recency.Count > options.PopulationCacheSize)
                {
                    entries.Remove(recency.Last!.Value.BundleId);
                    recency.RemoveLast();
                }
            }
        }

        try
        {
            return await load.WaitAsync(ct);
        }
        catch (Exception) when (load.IsFaulted)
        {
            // A failed load is not cached: the artifact may be restored, the model installed.
            Forget(bundle.BundleId, load);
            throw;
        }
    }

    private void Forget(string bundleId, Task<LoadedBundle> load)
    {
        lock (gate)
        {
            if (entries.TryGetValue(bundleId, out var node) && ReferenceEquals(node.Value.Load, load))
            {
                entries.Remove(bundleId);
                recency.Remove(node);
            }
        }
    }

    private async Task<LoadedBundle> LoadUncachedAsync(ExecutionBundle bundle, CancellationToken ct)
    {
        var model = catalog.Find(bundle.Country, bundle.ModelVersion)
            ?? throw new BundleLoadException($"Bundle {bundle.DisplayId} needs model release {bundle.Country} {bundle.ModelVersion}, which is not installed.");
        if (!string.Equals(model.Sha256, bundle.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BundleLoadException(
                $"Bundle {bundle.DisplayId} was built with {bundle.Country} {bundle.ModelVersion} sha256 {bundle.ModelSha256}, " +
                $"but the installed release hashes to {model.Sha256}; refusing to run it on a different model.");
        }

        DataRelease? release;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
                .FirstOrDefaultAsync(r => r.Country == bundle.Country && r.Version == bundle.DataVersion, ct);
        }

        if (release is null)
        {
            throw new BundleLoadException($"Bundle {bundle.DisplayId} needs data release {bundle.Country}@{bundle.DataVersion}, which is not registered.");
        }

        if (!string.Equals(release.ManifestRevision, bundle.DataManifestRevision, StringComparison.Ordinal))
        {
            throw new BundleLoadException(
                $"Data release {bundle.Country}@{bundle.DataVersion} has manifest revision {release.ManifestRevision}, not the bundle's {bundle.DataManifestRevision}.");
        }

        var artifact = release.Artifacts.FirstOrDefault(a => a.Name == bundle.Dataset)
            ?? throw new BundleLoadException($"Data release {bundle.Country}@{bundle.DataVersion} has no dataset '{bundle.Dataset}'.");
        if (!string.Equals(artifact.Sha256, bundle.DatasetSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new BundleLoadException($"Dataset '{bundle.Dataset}' of {bundle.Country}@{bundle.DataVersion} is {artifact.Sha256}, not the bundle's {bundle.DatasetSha256}.");
        }

        try
        {
            await using var stream = await store.OpenVerifiedAsync(bundle.DatasetSha256, ct);
            using var file = H5File.Open(stream, leaveOpen: true);
            var population = DatasetLoader.Load(model, file, release.Period);
            return new LoadedBundle(bundle, model, population, release.Period);
        }
        catch (Exception e) when (e is ArtifactIntegrityException or FileNotFoundException or DatasetValidationException or Hdf5FormatException)
        {
            throw new BundleLoadException($"Dataset '{bundle.Dataset}' of bundle {bundle.DisplayId} cannot be loaded: {e.Message}", e);
        }
    }
}
