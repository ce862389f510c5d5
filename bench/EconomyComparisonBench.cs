using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations.Economy;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- economy-comparison [households] [--region R] [--country us|uk] [--print]</c>:
/// generates a synthetic dataset (default 100,000 US households), writes it as HDF5, then times
/// load (HDF5 → Population) + <see cref="EconomyComparison.Compute"/> for a reform, end to end
/// in one process. Target: well under 3 s for 100k US households.
/// </summary>
public static class EconomyComparisonBench
{
    public static void Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var households = args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100_000;
        var country = Arg("--country") ?? "us";
        var model = ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false).Find(country)
            ?? throw new InvalidOperationException($"no {country} package");
        var period = model.DefaultPeriod;
        var region = EconomyRegion.Parse(country, Arg("--region"));
        if (!region.Succeeded)
        {
            Console.WriteLine(region.Problem!.Describe());
            return;
        }

        var reform = Reform.Parse(country == "us"
            ? """{"gov.irs.income.brackets.SINGLE[0].rate": {"2025-01-01.2100-12-31": 0.12}, "gov.irs.income.brackets.JOINT[0].rate": {"2025-01-01.2100-12-31": 0.12}}"""
            : """{"gov.hmrc.child_benefit.amount.eldest": {"2025-04-06.2100-12-31": 30}}""");
        var dir = Directory.CreateTempSubdirectory("portal-bench-economy");
        try
        {
            var clock = Stopwatch.StartNew();
            var set = SyntheticGenerator.Generate(new SyntheticOptions(country, households, 42, period));
            var file = Path.Combine(dir.FullName, $"{country}.h5");
            MicrodataFile.Write(set, file, periodGroups: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{country}: {households:N0} households, {set.Rows["person"]:N0} persons generated and written in {clock.Elapsed.TotalSeconds:F2} s ({new FileInfo(file).Length / 1e6:F1} MB)"));

            // Warm-up on a small sample (JIT), then three timed end-to-end runs; the first is cold memory.
            Once(model, Path.Combine(dir.FullName, "warm.h5"), SyntheticGenerator.Generate(new SyntheticOptions(country, 2_000, 7, period)), period, reform, region.Value!);
            JsonObject? result = null;
            for (var run = 1; run <= 3; run++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var (load, compute, json) = Time(model, file, period, reform, region.Value!);
                result = json;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                var total = load + compute;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: load {load.TotalSeconds:F3} s + compute {compute.TotalSeconds:F3} s = {total.TotalSeconds:F3} s wall, {cpu.TotalSeconds:F3} s CPU on {Environment.ProcessorCount} cores; target < 3 s → {(total.TotalSeconds < 3 ? "PASS" : "FAIL")}"));
            }

            Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB; load average {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?")}");
            var budget = result!["budget"]!;
            Console.WriteLine($"budget: {budget.ToJsonString()}");
            Console.WriteLine($"inequality: {result["inequality"]!.ToJsonString()}");
            Console.WriteLine($"poverty (all): {result["poverty"]!["poverty"]!["all"]!.ToJsonString()}, deep {result["poverty"]!["deep_poverty"]!["all"]!.ToJsonString()}");
            if (args.Contains("--print"))
            {
                Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void Once(CountryModel model, string path, MicrodataSet set, int period, Reform reform, EconomyRegion region)
    {
        MicrodataFile.Write(set, path, periodGroups: true);
        Time(model, path, period, reform, region.IsNational ? region : new EconomyRegion(EconomyRegion.National, model.Country));
    }

    private static (TimeSpan Load, TimeSpan Compute, JsonObject Result) Time(CountryModel model, string file, int period, Reform reform, EconomyRegion region)
    {
        var clock = Stopwatch.StartNew();
        var loadCpu = Process.GetCurrentProcess().TotalProcessorTime;
        Population population;
        using (var h5 = H5File.Open(file))
        {
            population = DatasetLoader.Load(model, h5, period);
        }

        var load = clock.Elapsed;
        var stages = new List<string> { string.Create(CultureInfo.InvariantCulture, $"load {load.TotalMilliseconds:F0}/{(Process.GetCurrentProcess().TotalProcessorTime - loadCpu).TotalMilliseconds:F0}") };
        var last = (Wall: clock.Elapsed, Cpu: Process.GetCurrentProcess().TotalProcessorTime, Stage: "load");
        void Mark(string next)
        {
            var now = (Wall: clock.Elapsed, Cpu: Process.GetCurrentProcess().TotalProcessorTime);
            stages.Add(string.Create(CultureInfo.InvariantCulture, $"{last.Stage} {(now.Wall - last.Wall).TotalMilliseconds:F0}/{(now.Cpu - last.Cpu).TotalMilliseconds:F0}"));
            last = (now.Wall, now.Cpu, next);
        }

        var result = EconomyComparison.Compute(new EconomyComparisonRequest(model, population, period, Reform.Empty, reform, region, model.Version, "bench"), (_, stage) => Mark(stage));
        Mark("");
        Console.WriteLine($"  stages (ms wall/CPU): {string.Join(", ", stages.Where(s => !s.StartsWith("load 0/", StringComparison.Ordinal)))}");
        return (load, clock.Elapsed - load, result);
    }
}
