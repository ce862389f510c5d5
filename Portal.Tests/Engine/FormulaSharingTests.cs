using Portal.Core.Engine;
using Portal.Core.Engine.Formulas;

namespace Portal.Tests.Engine;

/// <summary>
/// The compiler merges identical subexpressions of a formula and shares identical reductions across
/// formulas; results must be exactly those of the formulas evaluated naively.
/// </summary>
public sealed class FormulaSharingTests
{
    private static string Var(string name, string entity, string type, string formula) =>
        $"{name}:\n  entity: {entity}\n  value_type: {type}\n  formula: |\n    {formula.Replace("\n", "\n    ", StringComparison.Ordinal)}\n";

    // The same head rule three ways: with repeats the binder merges, with a local, and a variant the
    // binder cannot merge (different constants), all over one population.
    private const string Repeated =
        "(tax_unit.adults > 0 and age >= 18 and position(tax_unit, age >= 18) == 0) or (tax_unit.adults == 0 and position(tax_unit, age >= 0) == 0)";

    private static CountryModel Model() => EnginePackages.WithVariables(
        Var("adults", "tax_unit", "int", "count(members, age >= 18)") +
        Var("head_repeated", "person", "bool", Repeated) +
        Var("head_local", "person", "bool", "adult = age >= 18\nunit_adults = tax_unit.adults\n(unit_adults > 0 and adult and position(tax_unit, adult) == 0) or (unit_adults == 0 and position(tax_unit, age >= 0) == 0)") +
        Var("head_distinct", "person", "bool", "(tax_unit.adults > 0.0 and age >= 18.0 and position(tax_unit, age >= 18.0) == 0.0) or (tax_unit.adults == 0.0 and position(tax_unit, age >= 0.0) == 0.0)") +
        Var("aged_a", "tax_unit", "float", "count(members, age >= 65 and employment_income > 0) * 100") +
        Var("aged_b", "tax_unit", "int", "count(members, age >= 65 and employment_income > 0)") +
        Var("aged_c", "tax_unit", "float", "extra = 1\ncount(members, age >= 65 and employment_income > 0) + extra"));

    private static Population People(CountryModel model, int persons)
    {
        // Units of 1–4 persons in person order; some without adults; some aged with and without income.
        var ages = new double[persons];
        var incomes = new double[persons];
        var units = new int[persons];
        var unit = 0;
        for (var p = 0; p < persons; unit++)
        {
            var size = 1 + (unit * 7 % 4);
            for (var k = 0; k < size && p < persons; k++, p++)
            {
                units[p] = unit;
                ages[p] = unit % 5 == 0 ? k * 3 : (unit * 13 + k * 29) % 90;
                incomes[p] = (p % 3) * 10_000;
            }
        }

        return EnginePackages.People(model, ages, incomes, units, units);
    }

    [Fact]
    public void Identical_subexpressions_are_one_node_and_give_the_results_of_the_unmerged_formula()
    {
        var model = Model();
        var kernel = model.Kernels["head_repeated"];
        var nodes = kernel.Nodes().ToList();
        // One node per distinct key: age, 18, age >= 18, the projection and the position each once.
        Assert.Equal(nodes.Count, nodes.Select(n => n.Key).Distinct().Count());
        Assert.Single(nodes, n => n is PositionNode && n.Key.Contains("const 4032", StringComparison.Ordinal)); // 18.0 as bits
        Assert.Single(nodes, n => n is GatherNode);
        Assert.Contains(nodes, n => n.Reused);

        foreach (var persons in new[] { 11, 50_000 })
        {
            var population = People(model, persons);
            var serial = new Simulation(model, population, 2024) { Parallel = false };
            var expected = serial.Calculate("head_distinct");
            Assert.Equal(expected, serial.Calculate("head_repeated"));
            Assert.Equal(expected, serial.Calculate("head_local"));
            var parallel = new Simulation(model, population, 2024) { ParallelWork = 0 };
            Assert.Equal(expected, parallel.Calculate("head_repeated"));
            Assert.Equal(expected, parallel.Calculate("head_local"));
        }
    }

    [Fact]
    public void A_local_inside_position_is_evaluated_in_the_position_pass()
    {
        var model = EnginePackages.WithVariables(Var("second_adult", "person", "bool", "adult = age >= 18\nadult and position(tax_unit, adult) == 1"));
        var population = EnginePackages.People(model, [40, 10, 70, 30, 5], taxUnits: [0, 0, 0, 1, 1]);
        Assert.Equal([0, 0, 1, 0, 0], new Simulation(model, population, 2024).Calculate("second_adult"));
    }

    [Fact]
    public void Identical_reductions_in_several_formulas_are_materialised_once_per_simulation()
    {
        var model = Model();
        var counts = new[] { "aged_a", "aged_b", "aged_c" }
            .Select(v => model.Kernels[v].Nodes().OfType<AggregateNode>().Single())
            .ToList();
        Assert.All(counts, n => Assert.Equal(counts[0].Key, n.SharedKey));
        // Positions alike in head_repeated and head_distinct differ in their constants' types: not shared with each other.
        Assert.NotEqual(
            model.Kernels["head_repeated"].Nodes().OfType<PositionNode>().Select(n => n.Key).Order(),
            model.Kernels["head_distinct"].Nodes().OfType<PositionNode>().Select(n => n.Key).Order());
        // A reduction under a formula local is never shared (its key names the formula's local).
        Assert.All(model.Kernels["head_local"].Nodes().OfType<PositionNode>().Where(n => !n.Portable), n => Assert.Null(n.SharedKey));

        var population = People(model, 30_001);
        using var simulation = new Simulation(model, population, 2024);
        var b = simulation.Calculate("aged_b");
        var a = simulation.Calculate("aged_a");
        var c = simulation.Calculate("aged_c");
        Assert.Equal(b.Select(x => x * 100), a);
        Assert.Equal(b.Select(x => x + 1), c);
        Assert.Contains(b, x => x > 0);

        // A root reduction that is shared still gets a column of its own: changing one variable's
        // values (as a partial household input does) cannot leak into another's.
        Assert.True(simulation.TryGetReduction(counts[1].SharedKey!, out var shared));
        Assert.NotSame(shared, b);
        Assert.Equal(shared, b);

        // Every result equals a simulation computing each variable alone (nothing shared yet).
        foreach (var variable in new[] { "aged_a", "aged_c", "head_repeated" })
        {
            using var alone = new Simulation(model, population, 2024);
            Assert.Equal(alone.Calculate(variable), simulation.Calculate(variable));
        }
    }

    [Fact]
    public void Shared_reductions_follow_a_reform()
    {
        var model = EnginePackages.WithVariables(
            Var("taxed_a", "tax_unit", "float", "count(members, employment_income > parameters.tax.income.personal_allowance)") +
            Var("taxed_b", "tax_unit", "float", "count(members, employment_income > parameters.tax.income.personal_allowance) * 2"));
        var population = EnginePackages.People(model, [40, 50, 60], [15_000, 25_000, 35_000], taxUnits: [0, 0, 0]);
        using var baseline = new Simulation(model, population, 2024);
        Assert.Equal([3], baseline.Calculate("taxed_a"));
        using var reformed = baseline.WithReform(Reform.Parse("""[{"path": "tax.income.personal_allowance", "start": "2024-01-01", "value": 30000}]"""));
        Assert.Equal([2], reformed.Calculate("taxed_b"));
        Assert.Equal([1], reformed.Calculate("taxed_a"));
        Assert.Equal([6], baseline.Calculate("taxed_b"));
    }

    [Fact]
    public void Scales_found_by_counting_brackets_are_bit_identical_to_the_bracket_loop()
    {
        double[][] thresholdSets = [[0, 11_600, 47_150, 100_525, 191_950, 243_725, 609_350], [0, 0, 100, 100, 5_000], [-50, 10], [7], [0, 20_000, 10_000, 30_000]];
        double[][] valueSets = [[0.1, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37], [0.5, -0.25, 1e-7, 0.3, 0.45], [0.3, 1.7], [0.2], [0.1, 0.2, 0.3, 0.4]];
        var random = new Random(7);
        var xs = Enumerable.Range(0, 20_000).Select(_ => (random.NextDouble() * 900_000) - 50_000)
            .Concat([0, -0.0, 100, 11_600, 609_350, 1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon])
            .Concat(thresholdSets.SelectMany(t => t))
            .ToList();
        for (var s = 0; s < thresholdSets.Length; s++)
        {
            foreach (var type in new[] { Portal.Core.Engine.ScaleType.MarginalRate, Portal.Core.Engine.ScaleType.SingleAmount })
            {
                var scale = new ResolvedScale(type, thresholdSets[s], valueSets[s]);
                foreach (var function in new[] { ScaleFunction.Calc, ScaleFunction.MarginalRate })
                {
                    foreach (var x in xs)
                    {
                        var expected = scale.ApplyInOrder(function, x);
                        var actual = scale.Apply(function, x);
                        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual) || (double.IsNaN(expected) && double.IsNaN(actual)),
                            $"scale {s} {type} {function}({x:R}): {actual:R}, bracket loop {expected:R}");
                    }
                }
            }
        }

        // The flat block over several ordered scales of different widths (padded), selected per row.
        foreach (var type in new[] { Portal.Core.Engine.ScaleType.MarginalRate, Portal.Core.Engine.ScaleType.SingleAmount })
        {
            var scales = Enumerable.Range(0, 4).Select(s => new ResolvedScale(type, thresholdSets[s], valueSets[s])).ToArray();
            foreach (var function in new[] { ScaleFunction.Calc, ScaleFunction.MarginalRate })
            {
                var block = ScaleBlock.TryCreate(scales, function)!;
                var index = xs.Select((_, i) => (double)(i % scales.Length)).ToArray();
                var actual = new double[xs.Count];
                block.Apply(xs.ToArray(), index, default, actual);
                for (var i = 0; i < xs.Count; i++)
                {
                    var expected = scales[i % scales.Length].ApplyInOrder(function, xs[i]);
                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual[i]) || (double.IsNaN(expected) && double.IsNaN(actual[i])),
                        $"block {type} {function}, scale {i % scales.Length} at {xs[i]:R}: {actual[i]:R}, bracket loop {expected:R}");
                }
            }
        }

        // Thresholds out of order: no block, the bracket loop applies.
        Assert.Null(ScaleBlock.TryCreate([new ResolvedScale(Portal.Core.Engine.ScaleType.MarginalRate, thresholdSets[4], valueSets[4])], ScaleFunction.Calc));
    }

    [Fact]
    public void Positions_counted_in_the_pass_that_reads_them_equal_materialised_ones()
    {
        var model = EnginePackages.WithVariables(
            Var("first_adult", "person", "bool", "age >= 18 and position(tax_unit, age >= 18) == 0") +
            Var("rank_twice", "person", "int", "position(tax_unit, age >= 18) + position(tax_unit, age >= 18) * 10") +
            Var("rank_local", "person", "int", "rank = position(tax_unit, employment_income > 0)\nrank * 2 + position(household, rank == 0)") +
            Var("firsts", "tax_unit", "int", "count(members, position(tax_unit, age >= 18) == 0 and age >= 18)") +
            Var("nested", "tax_unit", "float", "sum(members.employment_income, position(tax_unit, position(tax_unit, age < 18) >= 1) == 0)"));
        var population = People(model, 40_003);
        var ages = population.TryGetInput("age", out var a) ? a : throw new InvalidOperationException();

        // Streamed (one thread) against materialised (the main loop in parallel materialises positions first).
        using var streamed = new Simulation(model, population, 2024) { Parallel = false };
        using var materialised = new Simulation(model, population, 2024) { ParallelWork = 0 };
        foreach (var variable in new[] { "first_adult", "rank_twice", "rank_local", "firsts", "nested" })
        {
            Assert.Equal(materialised.Calculate(variable), streamed.Calculate(variable));
        }

        // And against the rule computed here: the first adult of each unit, ranks of adults.
        var firstAdult = streamed.Calculate("first_adult");
        var rankTwice = streamed.Calculate("rank_twice");
        var taxUnit = population.Map("person", "tax_unit");
        var seen = new Dictionary<int, int>();
        for (var p = 0; p < ages.Length; p++)
        {
            var rank = seen.GetValueOrDefault(taxUnit[p]);
            Assert.Equal(ages[p] >= 18 && rank == 0 ? 1 : 0, firstAdult[p]);
            Assert.Equal(rank * 11, rankTwice[p]);
            seen[taxUnit[p]] = rank + (ages[p] >= 18 ? 1 : 0);
        }

        Assert.Equal(firstAdult.Sum(), streamed.Calculate("firsts").Sum());

        // nested: income of members with no earlier member that had a child before it.
        var incomes = population.TryGetInput("employment_income", out var i) ? i : throw new InvalidOperationException();
        var expected = new double[streamed.Calculate("nested").Length];
        var (children, marked) = (new Dictionary<int, int>(), new Dictionary<int, int>());
        for (var p = 0; p < ages.Length; p++)
        {
            var u = taxUnit[p];
            var childrenBefore = children.GetValueOrDefault(u);
            if (marked.GetValueOrDefault(u) == 0)
            {
                expected[u] += incomes[p];
            }

            marked[u] = marked.GetValueOrDefault(u) + (childrenBefore >= 1 ? 1 : 0);
            children[u] = childrenBefore + (ages[p] < 18 ? 1 : 0);
        }

        Assert.Equal(expected, streamed.Calculate("nested"));
    }
}
