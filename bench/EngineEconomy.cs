using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- engine [--package DIR] [--target VAR] [--persons N] [--households N] [--period Y] [--reform JSON]</c>
/// Economy-wide run on a synthetic in-memory population: baseline + reform of the target variable.
/// Without --package a synthetic ~100-variable tax chain is generated in a temp folder.
/// Targets: ≤ 2.0 s and ≤ 1.5 GB for 1,000,000 persons; one household, all variables, p50 ≤ 2 ms.
/// </summary>
public static class EngineEconomy
{
    public static void Run(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? Environment.GetEnvironmentVariable("ENGINE_" + name.TrimStart('-').ToUpperInvariant());
        var persons = int.Parse(Arg("--persons") ?? "1000000", CultureInfo.InvariantCulture);
        var households = int.Parse(Arg("--households") ?? (persons * 2 / 5).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var temp = Path.Combine(Path.GetTempPath(), $"engine-bench-{Environment.ProcessId}");
        try
        {
            var load = Stopwatch.StartNew();
            var model = PackageLoader.Load(Arg("--package") is { } dir ? Path.GetFullPath(dir) : SyntheticPackage.Write(temp));
            load.Stop();
            var target = Arg("--target") ?? "household_net_income";
            var period = int.Parse(Arg("--period") ?? model.DefaultPeriod.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var reform = Arg("--reform") is { } json ? Reform.Parse(json) : DefaultReform(model, period);
            reform.Validate(model);
            Console.WriteLine($"model {model} ({model.Variables.Count} variables, {model.Variables.Count(v => !v.IsInput)} formulas) loaded+compiled in {load.ElapsedMilliseconds} ms");
            Console.WriteLine($"reform: {string.Join(", ", reform.Changes.Select(c => $"{c.Path}={c.Value}"))}");

            // Warm-up: JIT on a small population, then one full-size run whose columns the GC keeps
            // committed (RetainVM) for the timed run, as in a server that has run economies before.
            Economy(model, Build(model, 20_000, 8_000), period, reform, target);
            var population = Build(model, persons, households);
            var cold = Economy(model, population, period, reform, target);
            Console.WriteLine($"  first (cold-memory) run: {cold.Elapsed.TotalSeconds:F3} s wall");
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            var cpuBefore = CpuClock.Seconds();
            var (baselineTotal, reformTotal, elapsed) = Economy(model, population, period, reform, target);
            var cpu = TimeSpan.FromSeconds(CpuClock.Seconds() - cpuBefore);
            Console.WriteLine($"economy: {persons:N0} persons, {households:N0} households, target {target}");
            Console.WriteLine($"  baseline total {baselineTotal:N0}, reform total {reformTotal:N0}, change {reformTotal - baselineTotal:N0}");
            Console.WriteLine($"  wall time baseline+reform: {elapsed.TotalSeconds:F3} s (target ≤ 2.0 s); CPU time {cpu.TotalSeconds:F3} s on {Environment.ProcessorCount} cores; load average {LoadAverage()}");
            Console.WriteLine($"  peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024 / 1024:F2} GB (target ≤ 1.5 GB)");

            if (args.Contains("--profile"))
            {
                args_serial = args.Contains("--serial");
                Baseline();
                Profile(model, population, period);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                Profile(model, population, period);
            }

            HouseholdLatency(model, period);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static (double Baseline, double Reform, TimeSpan Elapsed) Economy(CountryModel model, Population population, int period, Reform reform, string target)
    {
        var clock = Stopwatch.StartNew();
        var baseline = new Simulation(model, population, period);
        var baselineTotal = baseline.Sum(target);
        var reformed = baseline.WithReform(reform);
        var reformTotal = reformed.Sum(target);
        clock.Stop();
        return (baselineTotal, reformTotal, clock.Elapsed);
    }

    /// <summary>Households of 1–5 persons (adults first); about one in ten households holds two tax units.</summary>
    private static Population Build(CountryModel model, int persons, int households)
    {
        var random = new Random(42);
        var population = new Population(model, persons);
        var householdOf = new int[persons];
        var taxUnitOf = new int[persons];
        var age = new double[persons];
        var positionInHousehold = new int[persons];
        var taxUnits = 0;
        var p = 0;
        for (var h = 0; h < households && p < persons; h++)
        {
            var remainingHouseholds = households - h;
            var size = h == households - 1 ? persons - p : Math.Clamp((int)Math.Round((persons - p) / (double)remainingHouseholds + (random.NextDouble() * 3) - 1.5), 1, Math.Max(1, persons - p - (remainingHouseholds - 1)));
            var split = size >= 4 && random.NextDouble() < 0.25;
            for (var k = 0; k < size; k++, p++)
            {
                householdOf[p] = h;
                taxUnitOf[p] = split && k >= size / 2 ? taxUnits + 1 : taxUnits;
                positionInHousehold[p] = k;
                age[p] = k < 2 ? 20 + random.Next(60) : random.Next(18);
            }

            taxUnits += split ? 2 : 1;
        }

        var hhCount = householdOf[persons - 1] + 1;
        foreach (var group in model.Groups)
        {
            // Tax-unit-like groups (with roles) split some households; every other group is the household.
            if (group.Roles.Count == 0)
            {
                population.SetGroup(group.Key, hhCount, householdOf);
            }
            else
            {
                population.SetGroup(group.Key, taxUnits, taxUnitOf);
            }
        }

        foreach (var variable in model.Variables.Where(v => v.IsInput))
        {
            var count = population.Count(variable.Entity);
            var values = new double[count];
            var name = variable.Name;
            switch (variable.ValueType)
            {
                case VariableValueType.Enum:
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = random.Next(variable.PossibleValues.Count);
                    }

                    break;
                case VariableValueType.Int when name.Contains("age", StringComparison.Ordinal) && variable.Entity == model.Person.Key:
                    values = age;
                    break;
                case VariableValueType.Float when name.Contains("income", StringComparison.Ordinal) || name.Contains("rent", StringComparison.Ordinal):
                    for (var i = 0; i < count; i++)
                    {
                        var adult = variable.Entity != model.Person.Key || age[i] >= 18;
                        values[i] = adult && random.NextDouble() < (name.StartsWith("employment", StringComparison.Ordinal) ? 0.7 : 0.15)
                            ? Math.Round(Math.Exp(9.5 + (random.NextDouble() * 2.5)))
                            : 0;
                    }

                    break;
                default:
                    if (variable.Default != 0)
                    {
                        Array.Fill(values, variable.Default);
                    }

                    break;
            }

            population.SetInput(name, values);
        }

        return population;
    }

    /// <summary>+1 point on the second bracket rate of the first marginal scale read by a formula, else +10% on the first leaf read.</summary>
    private static Reform DefaultReform(CountryModel model, int period)
    {
        var used = model.Variables.SelectMany(v => model.ParametersOf(v.Name)).ToHashSet(StringComparer.Ordinal);
        var instant = model.InstantOf(period);
        var start = instant.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scale = model.ParameterValues().OfType<ParameterScale>().FirstOrDefault(s => used.Contains(s.Path) && s.ScaleType == ScaleType.MarginalRate && s.Brackets.Count > 1);
        if (scale is not null)
        {
            var rate = scale.Brackets[1].Rate!.LastOrDefault(r => r.Start <= instant)?.Value ?? 0;
            return Reform.Parse($$"""[{"path": "{{scale.Path}}[1].rate", "start": "{{start}}", "value": {{(rate + 0.01).ToString(CultureInfo.InvariantCulture)}}}]""");
        }

        var leaf = model.ParameterValues().OfType<ParameterLeaf>().First(l => used.Contains(l.Path) && !l.IsBool);
        var value = leaf.Values.LastOrDefault(v => v.Start <= instant)?.Value ?? 0;
        return Reform.Parse($$"""[{"path": "{{leaf.Path}}", "start": "{{start}}", "value": {{(value * 1.1).ToString(CultureInfo.InvariantCulture)}}}]""");
    }

    /// <summary>Time per variable (dependencies computed first), slowest first.</summary>
    private static bool args_serial;

    /// <summary>The machine's own speed for a trivial 1M-element loop (CPU time), to read the other figures against.</summary>
    private static void Baseline()
    {
        var a = new double[1_000_000];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = i % 90;
        }

        for (var rep = 0; rep < 3; rep++)
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var d = new double[a.Length];
            for (var i = 0; i < a.Length; i++)
            {
                d[i] = a[i] >= 18 ? 1 : 0;
            }

            var mid = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < a.Length; i++)
            {
                d[i] = a[i] >= 18 ? 2 : 0;
            }

            Console.WriteLine($"baseline loop: 1M elements into a new array {(mid - before).TotalMilliseconds:F1} ms CPU, into the same array again {(Process.GetCurrentProcess().TotalProcessorTime - mid).TotalMilliseconds:F1} ms ({d[5]})");
        }
    }

    private static void Profile(CountryModel model, Population population, int period)
    {
        var simulation = new Simulation(model, population, period) { Parallel = !args_serial };
        var done = new HashSet<string>(StringComparer.Ordinal);
        var timings = new List<(string, double)>();
        void Visit(string name)
        {
            if (!done.Add(name))
            {
                return;
            }

            foreach (var dependency in model.DependenciesOf(name))
            {
                Visit(dependency);
            }

            var before = CpuClock.Seconds();
            simulation.Calculate(name);
            timings.Add((name, (CpuClock.Seconds() - before) * 1000));
        }

        foreach (var variable in model.Variables)
        {
            Visit(variable.Name);
        }

        Console.WriteLine($"profile (CPU time): total {timings.Sum(t => t.Item2):F0} ms; GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, total GC pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
        foreach (var (name, ms) in timings.OrderByDescending(t => t.Item2).Take(15).Concat(timings.Where(t => t.Item1 is "earned_income" or "gross_income" or "is_adult" or "agi")))
        {
            Console.WriteLine($"  {ms,8:F1} ms  {name}");
        }
    }

    /// <summary>One four-person household, every variable (the household calculator page's work).</summary>
    private static void HouseholdLatency(CountryModel model, int period)
    {
        var people = new JsonObject();
        string[] names = ["a", "b", "c", "d"];
        int[] ages = [40, 38, 10, 6];
        for (var i = 0; i < names.Length; i++)
        {
            var person = new JsonObject();
            foreach (var variable in model.Variables.Where(v => v.IsInput && v.Entity == model.Person.Key))
            {
                if (variable.Name == "age")
                {
                    person["age"] = ages[i];
                }
                else if (variable.Name == "employment_income" && i < 2)
                {
                    person[variable.Name] = 45000 - (i * 20000);
                }
            }

            people[names[i]] = person;
        }

        var household = new JsonObject { [model.Person.Plural] = people };
        var timings = new List<double>();
        for (var run = 0; run < 300; run++)
        {
            var clock = Stopwatch.StartNew();
            HouseholdCalculator.CalculateAll(model, household, period);
            clock.Stop();
            if (run >= 50)
            {
                timings.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        timings.Sort();
        Console.WriteLine($"household (4 persons, all {model.Variables.Count} variables): p50 {timings[timings.Count / 2]:F3} ms, p95 {timings[timings.Count * 95 / 100]:F3} ms (target p50 ≤ 2 ms)");
    }
}
