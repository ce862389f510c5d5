using Portal.Core.Engine;

namespace Portal.Tests.Engine;

/// <summary>Disposing a simulation gives its computed columns back for the next simulation to reuse.</summary>
public sealed class SimulationDisposeTests
{
    // An odd person count no other test uses, with columns above the size the engine pools (256 KB).
    private const int Persons = 40_009;

    private static Population Large(CountryModel model)
    {
        var ages = Enumerable.Range(0, Persons).Select(i => (double)(i % 80)).ToArray();
        var incomes = Enumerable.Range(0, Persons).Select(i => (i * 7919.0) % 120_000).ToArray();
        var units = Enumerable.Range(0, Persons).Select(i => i / 3).ToArray();
        return EnginePackages.People(model, ages, incomes, units, units);
    }

    [Fact]
    public void Computed_columns_are_reused_by_the_next_simulation_with_the_same_results()
    {
        var model = EnginePackages.Xx;
        var population = Large(model);
        var incomes = population.TryGetInput("employment_income", out var input) ? input : throw new InvalidOperationException();
        var incomesBefore = (double[])incomes.Clone();

        var first = new Simulation(model, population, 2024);
        var tax = first.Calculate("income_tax");
        var net = first.Calculate("household_net_income");
        var expectedTax = (double[])tax.Clone();
        var expectedNet = (double[])net.Clone();
        var computed = new[] { tax, net, first.Calculate("regional_levy"), first.Calculate("benefit_share") };
        first.Dispose();

        using var second = new Simulation(model, population, 2024);
        var againTax = second.Calculate("income_tax");
        var againNet = second.Calculate("household_net_income");
        Assert.Equal(expectedTax, againTax);
        Assert.Equal(expectedNet, againNet);
        // The person columns of the second run are the first run's (taken back from the pool), and
        // the population's input was never handed out: it is unchanged and not one of the results.
        Assert.Contains(computed, column => ReferenceEquals(column, againTax));
        Assert.DoesNotContain(new[] { againTax, second.Calculate("regional_levy"), second.Calculate("benefit_share") }, column => ReferenceEquals(column, incomes));
        Assert.Equal(incomesBefore, incomes);
    }

    [Fact]
    public void A_disposed_simulation_throws_and_dispose_twice_is_harmless()
    {
        var model = EnginePackages.Xx;
        var simulation = new Simulation(model, EnginePackages.People(model, [40, 10], [30000, 0]), 2024);
        Assert.Equal(2, simulation.Calculate("income_tax").Length);
        simulation.Dispose();
        simulation.Dispose();
        Assert.Throws<ObjectDisposedException>(() => simulation.Calculate("income_tax"));
        Assert.Throws<ObjectDisposedException>(() => simulation.Sum("income_tax"));
        Assert.Throws<ObjectDisposedException>(() => simulation.WithReform(Reform.Empty));
    }

    [Fact]
    public void A_disposed_baseline_keeps_serving_its_live_reform_and_is_given_back_after_it()
    {
        var model = EnginePackages.Xx;
        var population = Large(model);
        Dictionary<string, double[]> expected;
        var reform = Reform.Parse("""[{"path": "tax.income.personal_allowance", "start": "2024-01-01", "value": 20000}]""");
        using (var reference = new Simulation(model, population, 2024))
        using (var reformedReference = reference.WithReform(reform))
        {
            expected = new[] { "regional_levy", "income_tax", "household_net_income" }
                .ToDictionary(v => v, v => (double[])reformedReference.Calculate(v).Clone());
        }

        var baseline = new Simulation(model, population, 2024);
        var levy = baseline.Calculate("regional_levy");
        var reformed = baseline.WithReform(reform);
        baseline.Dispose();
        Assert.Throws<ObjectDisposedException>(() => baseline.Calculate("regional_levy"));

        // The reform still reads the baseline's unaffected columns, including ones the baseline
        // computes only now (benefit_share reads no changed parameter).
        Assert.Same(levy, reformed.Calculate("regional_levy"));
        foreach (var (variable, values) in expected)
        {
            Assert.Equal(values, reformed.Calculate(variable));
        }

        Assert.Equal((double[])levy.Clone(), expected["regional_levy"]);
        reformed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reformed.Calculate("income_tax"));
    }
}
