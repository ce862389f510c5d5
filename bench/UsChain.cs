using System.Diagnostics;
using System.Globalization;
using Portal.Core.Engine;

namespace Portal.Bench;

/// <summary>
/// <c>us-chain [--rounds N] [--one-core] [--no-dispose] | --profile</c>: only the engine's federal chain (fresh
/// simulation per round, disposed at the end of the round unless --no-dispose), for profiling with
/// <c>perf record</c> without the economy and household runs around it.
/// </summary>
public static class UsChain
{
    // Field 10 of /proc/self/stat: minor page faults so far (0 where there is no procfs).
    private static long MinorFaults() =>
        File.Exists("/proc/self/stat") ? long.Parse(File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[7], CultureInfo.InvariantCulture) : 0;

    public static void Run(string[] args)
    {
        var i = Array.IndexOf(args, "--rounds");
        var rounds = i >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 20;
        var dispose = !args.Contains("--no-dispose");
        var model = ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "Countries"), allowUnlocked: false).Find("us")!;
        var population = UsPopulation.Generate(1_000_000).ToPopulation(model);
        if (args.Contains("--profile"))
        {
            UsKernel.Profile(model, population, ["income_tax_before_credits", "ctc"]);
            return;
        }

        long lastFaults = MinorFaults();
        var lastGcs = GC.CollectionCount(2);
        for (var r = 0; r < rounds; r++)
        {
            var allocated = GC.GetTotalAllocatedBytes();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var simulation = new Simulation(model, population, 2024) { Parallel = !args.Contains("--one-core") };
            simulation.Calculate("income_tax_before_credits");
            simulation.Calculate("ctc");
            if (dispose)
            {
                simulation.Dispose(); // its columns are reused by the next round
            }

            var faults = MinorFaults();
            var gcs = GC.CollectionCount(2);
            Console.WriteLine($"{clock.Elapsed.TotalMilliseconds:F0} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU, {faults - lastFaults} page faults, {gcs - lastGcs} gen2 GCs, {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:F0} MB allocated");
            lastFaults = faults;
            lastGcs = gcs;
        }
    }
}
