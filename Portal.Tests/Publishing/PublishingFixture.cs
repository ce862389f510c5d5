using System.Security.Cryptography;
using Portal.Core.Microdata;
using Portal.Core.Publishing.LocalH5;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Publishing;

/// <summary>
/// A small generated release (dataset + calibration package as real HDF5 files) per country, written
/// once per test class, with the <see cref="PublishingInputs"/> that point at it.
/// </summary>
public sealed class PublishingFixture : IDisposable
{
    private readonly TempDirectory _dir = new("portal-localh5");
    private readonly Dictionary<string, PublishingInputs> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public const int Households = 5_000;
    public const int Clones = 4;

    public string Root => _dir.Path;

    public PublishingInputs Inputs(string country)
    {
        lock (_gate)
        {
            if (!_inputs.TryGetValue(country, out var inputs))
            {
                inputs = _inputs[country] = Generate(_dir.Path, country, Households, Clones, seed: 7);
            }

            return inputs;
        }
    }

    /// <summary>One shared snapshot per country (as a worker would hold it).</summary>
    public SourceSnapshot Snapshot(string country)
    {
        var inputs = Inputs(country);
        lock (_gate)
        {
            if (!_snapshots.TryGetValue(country, out var s))
            {
                s = _snapshots[country] = SourceSnapshot.Open(inputs, _dir.Path);
            }

            return s;
        }
    }

    public string OutputDir(string name)
    {
        var dir = Path.Combine(_dir.Path, "out-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes a release the way <c>data generate</c> does (same generator, same file layouts) and returns its inputs.</summary>
    public static PublishingInputs Generate(string dir, string country, int households, int clones, ulong seed)
    {
        var options = new SyntheticOptions(country, households, seed, 2024, clones);
        var national = SyntheticGenerator.Generate(options);
        var calibration = SyntheticGenerator.GenerateCalibration(options, national);
        var datasetPath = Path.Combine(dir, $"{country}-{seed}-dataset.h5");
        var calibrationPath = Path.Combine(dir, $"{country}-{seed}-calibration.h5");
        MicrodataFile.Write(national, datasetPath, periodGroups: true);
        MicrodataFile.Write(calibration, calibrationPath, periodGroups: false);
        return new PublishingInputs($"{country}@test", new ArtifactRef("calibration", Sha(calibrationPath), calibrationPath),
            new ArtifactRef("national", Sha(datasetPath), datasetPath), clones, 1);
    }

    public static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose()
    {
        foreach (var s in _snapshots.Values)
        {
            s.Dispose();
        }

        _dir.Dispose();
    }
}
