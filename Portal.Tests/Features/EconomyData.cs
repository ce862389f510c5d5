using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

/// <summary>
/// Seeded synthetic US and UK datasets written as HDF5 and loaded through <see cref="DatasetLoader"/>
/// (the path a gateway job takes), shared by the economy comparison tests.
/// </summary>
public sealed class EconomyData : IDisposable
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));
    private readonly TempDirectory dir = new("portal-economy");
    private readonly Dictionary<string, (MicrodataSet Set, string Path)> files = [];

    public const int Period = 2025;

    public EconomyData()
    {
        foreach (var (country, households) in new[] { ("us", 3_000), ("uk", 2_000) })
        {
            var set = SyntheticGenerator.Generate(new SyntheticOptions(country, households, 20250101, Period));
            files[country] = (set, Write(set, country));
        }
    }

    public CountryModel Model(string country) => Catalog.Value.Find(country)!;

    public MicrodataSet Set(string country) => files[country].Set;

    /// <summary>A freshly loaded population (tests that compare two runs load twice).</summary>
    public Population Load(string country) => Load(country, files[country].Path);

    public Population Load(string country, string path)
    {
        using var file = H5File.Open(path);
        return DatasetLoader.Load(Model(country), file, Period);
    }

    /// <summary>Writes a variant of a dataset (e.g. without a column) and returns its path.</summary>
    public string Write(MicrodataSet set, string name)
    {
        var path = dir.File($"{name}.h5");
        MicrodataFile.Write(set, path, periodGroups: true);
        return path;
    }

    /// <summary>Σ household weight over the households whose row satisfies <paramref name="inRegion"/>.</summary>
    public double Households(string country, Func<int, bool> inRegion)
    {
        var weights = ((DoubleColumn)Set(country)["household_weight"]).Values;
        return Enumerable.Range(0, weights.Length).Where(inRegion).Sum(h => weights[h]);
    }

    public void Dispose() => dir.Dispose();
}
