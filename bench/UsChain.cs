using System.Diagnostics;
using System.Globalization;
using Portal.Core.Engine;

namespace Portal.Bench;

/// <summary>
/// <c>us-chain [--rounds N] [--persons N] [--one-core] [--no-dispose] [--parallel-work ROWSxNODES] [--block-persons N] | --profile</c>: only the engine's
/// federal chain (fresh simulation per round, disposed at the end of the round unless --no-dispose),
/// (<c>--block-persons 0</c>: one formula at a time over all rows, as before block runs) for profiling with <c>perf record</c> without the economy and household runs around it, each round
/// followed by the hand kernel's.
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
        var p = Array.IndexOf(args, "--persons");
        var persons = p >= 0 ? int.Parse(args[p + 1], CultureInfo.InvariantCulture) : 1_000_000;
        var parallel = !args.Contains("--one-core");
        var w = Array.IndexOf(args, "--parallel-work");
        long? parallelWork = w >= 0 ? long.Parse(args[w + 1], CultureInfo.InvariantCulture) : null;
        var bp = Array.IndexOf(args, "--block-persons");
        var blockPersons = bp >= 0 ? int.Parse(args[bp + 1], CultureInfo.InvariantCulture) : Simulation.DefaultBlockPersons;
        var model = ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "Countries"), allowUnlocked: false).Find("us")!;
        var data = UsPopulation.Generate(persons);
        var population = data.ToPopulation(model);
        var kernel = new UsFederalKernel(model, 2024);
        var (tax, ctc) = (new double[data.Households], new double[data.Households]);
        var (kernelCpu, engineCpu, kernelWall, engineWall) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
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
            var cpu = CpuClock.Seconds();
            var clock = Stopwatch.StartNew();
            var simulation = parallelWork is { } work
                ? new Simulation(model, population, 2024) { Parallel = parallel, ParallelWork = work, BlockPersons = blockPersons }
                : new Simulation(model, population, 2024) { Parallel = parallel, BlockPersons = blockPersons };
            simulation.Calculate("income_tax_before_credits");
            simulation.Calculate("ctc");
            if (dispose)
            {
                simulation.Dispose(); // its columns are reused by the next round
            }

            var faults = MinorFaults();
            var gcs = GC.CollectionCount(2);
            var engine = (CpuClock.Seconds() - cpu) * 1000;
            Console.WriteLine($"{clock.Elapsed.TotalMilliseconds:F0} ms wall, {engine:F0} ms CPU, {faults - lastFaults} page faults, {gcs - lastGcs} gen2 GCs, {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:F0} MB allocated");
            lastFaults = faults;
            lastGcs = gcs;

            // The hand kernel right after, under the same load: the ratio of the two is steadier than either.
            engineWall.Add(clock.Elapsed.TotalMilliseconds);
            cpu = CpuClock.Seconds();
            clock.Restart();
            kernel.Run(data, tax, ctc, parallel);
            kernelWall.Add(clock.Elapsed.TotalMilliseconds);
            kernelCpu.Add((CpuClock.Seconds() - cpu) * 1000);
            engineCpu.Add(engine);
            lastFaults = MinorFaults();
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine($"CPU per round after the first: engine {Median(engineCpu[1..]):F0} ms median / {engineCpu[1..].Min():F0} ms best, hand kernel {Median(kernelCpu[1..]):F0} ms median / {kernelCpu[1..].Min():F0} ms best; ratio of medians {Median(engineCpu[1..]) / Median(kernelCpu[1..]):F2}×, of bests {engineCpu[1..].Min() / kernelCpu[1..].Min():F2}×");
        Console.WriteLine($"Wall per round after the first: engine {Median(engineWall[1..]):F0} ms median / {engineWall[1..].Min():F0} ms best, hand kernel {Median(kernelWall[1..]):F0} ms median / {kernelWall[1..].Min():F0} ms best; ratio of medians {Median(engineWall[1..]) / Median(kernelWall[1..]):F2}×");
    }
}
