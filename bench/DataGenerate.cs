using System.Diagnostics;
using System.Globalization;
using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- data-generate [households] [clones]</c>: times the
/// synthetic generator (target: 100,000 US households ≤ 20 s including the HDF5 write) and prints
/// the raking result (target: weighted state populations within 0.5%).
/// </summary>
public static class DataGenerate
{
    public static void Run(string[] args)
    {
        var households = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var clones = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        var dir = Directory.CreateTempSubdirectory("portal-bench-data");
        try
        {
            foreach (var country in new[] { "us", "uk" })
            {
                var options = new SyntheticOptions(country, households, 42, 2025, clones);
                var total = Stopwatch.StartNew();
                var set = SyntheticGenerator.Generate(options);
                var generated = total.Elapsed;
                var file = Path.Combine(dir.FullName, $"{country}.h5");
                MicrodataFile.Write(set, file, periodGroups: true);
                var written = total.Elapsed - generated;
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{country}: {households:N0} households, {set.Rows["person"]:N0} persons: generate+rake {generated.TotalSeconds:F2} s ({set.Raking.Iterations} raking iterations), " +
                    $"write {written.TotalSeconds:F2} s, {new FileInfo(file).Length / 1e6:F1} MB; max weighted population deviation {SyntheticGenerator.PopulationDeviation(set.Raking):E2}");
                Console.WriteLine(line);
                LoadAndRun(country, file, options.Period);
                if (clones > 0)
                {
                    var start = Stopwatch.StartNew();
                    var calibration = SyntheticGenerator.GenerateCalibration(options, set);
                    MicrodataFile.Write(calibration, Path.Combine(dir.FullName, $"{country}-cal.h5"), periodGroups: false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{country}: calibration package {clones} clones: {start.Elapsed.TotalSeconds:F2} s; deviation {SyntheticGenerator.PopulationDeviation(calibration.Raking):E2}"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{country}: total {total.Elapsed.TotalSeconds:F2} s (target ≤ 20 s for 100k) → {(total.Elapsed.TotalSeconds <= 20 ? "PASS" : "FAIL")}"));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Loads the file into the shipped country model and runs an economy-wide baseline.</summary>
    private static void LoadAndRun(string country, string file, int period)
    {
        var model = ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false).Find(country);
        if (model is null)
        {
            Console.WriteLine($"{country}: no country package shipped; skipping the baseline");
            return;
        }

        var clock = Stopwatch.StartNew();
        using var h5 = H5File.Open(file);
        var loaded = DatasetLoader.LoadWithReport(model, h5, period);
        var loadTime = clock.Elapsed;
        var simulation = new Simulation(model, loaded.Population, period);
        var net = simulation.Sum("household_net_income");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{country}: load {loadTime.TotalSeconds:F2} s ({loaded.LoadedVariables.Count} variables; unknown to {model.Country} {model.Version}: {string.Join(", ", loaded.UnknownVariables)}), " +
            $"baseline household_net_income {(clock.Elapsed - loadTime).TotalSeconds:F2} s, weighted total {net / 1e9:F1} bn"));
    }
}
