using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Portal.Core.Microdata;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Bench;

/// <summary>
/// <c>local-h5 [--households 100000] [--clones 10] [--workers N] [--keep]</c>: every US area (51 states,
/// 436 districts, NYC, national) of a generated release built with <see cref="AreaWorker"/> on N threads
/// over one shared snapshot. Prints wall time, peak working set, per-area throughput and the share of
/// time per phase. Generation of the release is not timed.
/// </summary>
public static class LocalH5Bench
{
    public static void Run(string[] args)
    {
        var households = Option(args, "--households", 100_000);
        var clones = Option(args, "--clones", 10);
        var workers = Option(args, "--workers", Environment.ProcessorCount);
        var dir = Path.Combine(Path.GetTempPath(), $"portal-bench-localh5-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var gen = Stopwatch.StartNew();
            var inputs = Generate(dir, households, clones);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"release: {households:N0} US households × {clones} clones generated in {gen.Elapsed.TotalSeconds:F1} s (not timed below)"));
            GC.Collect();

            var wall = Stopwatch.StartNew();
            var cpu0 = CpuClock.Seconds();
            using var source = SourceSnapshot.Open(inputs, dir);
            var catalog = AreaCatalog.FromCalibration("us", source);
            var opened = wall.Elapsed;
            var parts = LptPartitioner.Partition(catalog.ForScope("all"), catalog.ExpectedHouseholds, workers);
            var output = Path.Combine(dir, "out");
            var results = AreaWorker.RunParallel(parts, source, output, ValidationPolicy.Default, _ => { }, CancellationToken.None);
            var elapsed = wall.Elapsed;
            var cpu = CpuClock.Seconds() - cpu0;
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;

            var all = results.SelectMany(r => r.All).ToList();
            var failed = results.SelectMany(r => r.Failed).ToList();
            var phases = all.SelectMany(r => r.PhaseSeconds).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
            var phaseTotal = phases.Values.Sum();
            var busy = all.Sum(r => r.Duration.TotalSeconds);
            var bytes = all.Sum(r => r.SizeBytes ?? 0);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"areas: {all.Count} built ({catalog.Areas.Count(a => a.AreaType == "state")} states, {catalog.Areas.Count(a => a.AreaType == "district")} districts, {catalog.Areas.Count(a => a.AreaType == "city")} city, 1 national), {failed.Count} failed, on {parts.Count} worker thread(s)"));
            Console.WriteLine(string.Create(inv, $"wall: {elapsed.TotalSeconds:F2} s (open + verify + catalog {opened.TotalSeconds:F2} s); CPU {cpu:F2} s; target ≤ 60 s"));
            Console.WriteLine(string.Create(inv, $"peak working set: {peak / 1024.0 / 1024 / 1024:F2} GB; target ≤ 4 GB"));
            Console.WriteLine(string.Create(inv, $"throughput: {all.Count / elapsed.TotalSeconds:F1} areas/s, {all.Sum(r => r.Households) / elapsed.TotalSeconds:N0} output households/s, {bytes / 1e6 / elapsed.TotalSeconds:F0} MB/s written ({bytes / 1e6:F0} MB); mean {busy / all.Count * 1000:F0} ms per area per worker"));
            foreach (var (name, seconds) in phases.OrderByDescending(p => p.Value))
            {
                Console.WriteLine(string.Create(inv, $"  {name,-13} {seconds,8:F2} s  {seconds / phaseTotal,6:P1}"));
            }

            var slowest = all.OrderByDescending(r => r.Duration).Take(3).Select(r => string.Create(inv, $"{r.Request.Key} {r.Duration.TotalSeconds:F2} s ({r.Households:N0} households)"));
            Console.WriteLine("slowest: " + string.Join("; ", slowest));
            foreach (var f in failed.Take(5))
            {
                Console.WriteLine($"FAILED {f.Request.Key}: {f.BuildError}");
            }
        }
        finally
        {
            if (!args.Contains("--keep"))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static PublishingInputs Generate(string dir, int households, int clones)
    {
        var options = new SyntheticOptions("us", households, 42, 2024, clones);
        var national = SyntheticGenerator.Generate(options);
        var calibration = SyntheticGenerator.GenerateCalibration(options, national);
        var dataset = Path.Combine(dir, "us.h5");
        var package = Path.Combine(dir, "us_calibration.h5");
        MicrodataFile.Write(national, dataset, periodGroups: true);
        MicrodataFile.Write(calibration, package, periodGroups: false);
        return new PublishingInputs("us@bench", new ArtifactRef("calibration", Sha(package), package), new ArtifactRef("national", Sha(dataset), dataset), clones, 42);
    }

    private static string Sha(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
