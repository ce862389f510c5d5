using Portal.Core.Engine;

namespace Portal.Tests.Engine;

/// <summary>Formula language semantics, evaluated through real packages and simulations.</summary>
public sealed class FormulaTests
{
    private static string Var(string name, string entity, string type, string formula, string extra = "") =>
        $"{name}:\n  entity: {entity}\n  value_type: {type}\n{extra}  formula: |\n    {formula.Replace("\n", "\n    ", StringComparison.Ordinal)}\n";

    /// <summary>Compiles person-level float formulas and evaluates them for people aged 10, 40, 70 with incomes 0, 30000, 150000.</summary>
    private static double[] Person(string formula, string type = "float")
    {
        var model = EnginePackages.WithVariables(Var("probe", "person", type, formula));
        var population = EnginePackages.People(model, [10, 40, 70], [0, 30000, 150000]);
        return new Simulation(model, population, 2024).Calculate("probe");
    }

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ** 3 ** 2", 512)]
    [InlineData("-2 ** 2", -4)]
    [InlineData("7 % 3", 1)]
    [InlineData("-7 % 3", 2)]
    [InlineData("7 % -3", -2)]
    [InlineData("10 / 4", 2.5)]
    [InlineData("5 / 0", 0)]
    [InlineData("5 % 0", 0)]
    [InlineData("1e3 + 0.5", 1000.5)]
    [InlineData("true + true", 2)]
    [InlineData("where(1 < 2 and not (2 < 1) or false, 10, 20)", 10)]
    [InlineData("where(1 == 1 and 2 != 2, 10, 20)", 20)]
    [InlineData("(1 <= 1) + (2 >= 3) + (3 > 2) + (1 < 1)", 2)]
    [InlineData("min(3, 1, 2) + max(3, 1, 2)", 4)]
    [InlineData("clip(15, 0, 10) + clip(-5, 0, 10)", 10)]
    [InlineData("abs(-3.5)", 3.5)]
    [InlineData("round(2.5) + round(3.5)", 6)]
    [InlineData("round(1234.5678, 2)", 1234.57)]
    [InlineData("round(1234.5678, -2)", 1200)]
    [InlineData("floor(-1.5) + ceil(1.2)", 0)]
    [InlineData("sqrt(16) + sqrt(-4)", 4)]
    [InlineData("exp(0) + log(1) + log(0) + log(-1)", 1)]
    [InlineData("(-8) ** 0.5", 0)]
    [InlineData("period", 2024)]
    public void Scalar_operators_and_functions(string formula, double expected) =>
        Assert.All(Person(formula), v => Assert.Equal(expected, v, 9));

    [Fact]
    public void Vector_operations_mix_columns_constants_and_locals()
    {
        Assert.Equal([0, 15000, 75000], Person("half = employment_income / 2\nhalf"));
        Assert.Equal([1, 0, 0], Person("age < 18", "bool"));
        Assert.Equal([0, 0.5, 0.5], Person("where(employment_income > 0, 0.5, 0)"));
        Assert.Equal([0, 2, 2], Person("x = employment_income > 0\ny = x * 2\ny"));
        Assert.Equal([0, 30000 / 40.0, 150000 / 70.0], Person("employment_income / age"));
        Assert.Equal([0, 0, 0], Person("age / employment_income * 0"));
        Assert.Equal([10, 40, 70], Person("max(age,\n  0)  # newline inside brackets continues the line"));
    }

    [Fact]
    public void Scales_calc_and_marginal_rate_and_single_amount()
    {
        // 0.2 up to 37700, 0.4 up to 125140, 0.45 above.
        Assert.Equal([0, 6000, 7540 + 0.4 * (125140 - 37700) + 0.45 * (150000 - 125140)], Person("parameters.tax.income.rates.calc(employment_income)"));
        Assert.Equal([0.2, 0.2, 0.45], Person("parameters.tax.income.rates.marginal_rate(employment_income)"));
        Assert.Equal([0, 100, 250], Person("parameters.benefits.child.bonus.amount(where(age < 18, 0, where(age < 50, 2, 3)))"));
        Assert.Equal([0, 100, 250], Person("parameters.benefits.child.bonus.calc(where(age < 18, 1.5, where(age < 50, 2.5, 30)))"));
    }

    [Fact]
    public void Dated_values_are_read_at_the_year_start_instant()
    {
        // Allowance is 12570 from 2023-04-06 and 13000 from 2025-04-06; year_start 04-06.
        var model = EnginePackages.WithVariables(Var("probe", "person", "float", "parameters.tax.income.personal_allowance"));
        var population = EnginePackages.People(model, [40]);
        Assert.Equal(12570, new Simulation(model, population, 2024).Calculate("probe")[0]);
        Assert.Equal(13000, new Simulation(model, population, 2025).Calculate("probe")[0]);
        var error = Assert.Throws<SimulationException>(() => new Simulation(model, population, 2022).Calculate("probe"));
        Assert.Equal("parameter tax.income.personal_allowance has no value at 2022-04-06 (period 2022)", error.Message);
    }

    [Fact]
    public void Enum_indexed_parameters_and_projections()
    {
        var model = EnginePackages.WithVariables(
            Var("probe", "person", "float", "parameters.region.rate[household.region] * 100") +
            Var("fixed", "person", "float", "parameters.region.rate['SOUTH']") +
            Var("tu_region", "tax_unit", "enum", "household.region", "  possible_values: [NORTH, SOUTH]\n  default: NORTH\n") +
            Var("tu_is_south", "tax_unit", "bool", "household.region == 'SOUTH'"));
        var population = EnginePackages.People(model, [40, 40, 40], households: [0, 1, 1], taxUnits: [0, 1, 2]);
        population.SetInput("region", ["north", "SOUTH"]);
        var simulation = new Simulation(model, population, 2024);
        Assert.Equal([1, 2, 2], simulation.Calculate("probe"));
        Assert.Equal([0.02, 0.02, 0.02], simulation.Calculate("fixed"));
        Assert.Equal(["NORTH", "SOUTH", "SOUTH"], simulation.CalculateText("tu_region"));
        Assert.Equal([0, 1, 1], simulation.Calculate("tu_is_south"));
    }

    [Fact]
    public void Aggregations_with_roles_and_filters_and_position()
    {
        var model = EnginePackages.WithVariables(
            Var("s", "tax_unit", "float", "sum(members.employment_income)") +
            Var("s_adults", "tax_unit", "float", "sum(members.employment_income * 2, age >= 18)") +
            Var("s_heads", "tax_unit", "float", "sum(members.employment_income, role=head)") +
            Var("n", "tax_unit", "int", "count(members)") +
            Var("n_dep", "tax_unit", "int", "count(members, role=dependent)") +
            Var("n_north", "tax_unit", "int", "count(members, household.region == 'NORTH')") +
            Var("any_rich", "tax_unit", "bool", "any(members.employment_income > 100000)") +
            Var("all_adult", "tax_unit", "bool", "all(members.age >= 18)") +
            Var("oldest", "tax_unit", "float", "max(members.age)") +
            Var("youngest_adult", "tax_unit", "float", "min(members.age, age >= 18)") +
            Var("avg", "tax_unit", "float", "mean(members.age)") +
            Var("pos", "person", "int", "position(tax_unit, age >= 18)") +
            Var("my_unit_total", "person", "float", "tax_unit.s") +
            Var("north_income", "tax_unit", "float", "sum(members.employment_income, members.household.region == 'NORTH')") +
            Var("hh_total_of_units", "household", "float", "sum(members.tax_unit.s * is_head)"));
        // Tax unit 0: ages 40, 10, 70; unit 1: age 5 only; unit 2: age 30.
        var population = EnginePackages.People(model, [40, 10, 70, 5, 30], [1000, 0, 200000, 0, 500], taxUnits: [0, 0, 0, 1, 2]);
        var sim = new Simulation(model, population, 2024);
        Assert.Equal([201000, 0, 500], sim.Calculate("s"));
        Assert.Equal([402000, 0, 1000], sim.Calculate("s_adults"));
        Assert.Equal([1000, 0, 500], sim.Calculate("s_heads"));
        Assert.Equal([3, 1, 1], sim.Calculate("n"));
        Assert.Equal([1, 1, 0], sim.Calculate("n_dep"));
        Assert.Equal([3, 1, 1], sim.Calculate("n_north"));
        Assert.Equal([1, 0, 0], sim.Calculate("any_rich"));
        Assert.Equal([0, 0, 1], sim.Calculate("all_adult"));
        Assert.Equal([70, 5, 30], sim.Calculate("oldest"));
        Assert.Equal([40, 0, 30], sim.Calculate("youngest_adult"));
        Assert.Equal([40, 5, 30], sim.Calculate("avg"));
        Assert.Equal([0, 1, 1, 0, 0], sim.Calculate("pos"));
        Assert.Equal([1, 0, 0, 0, 1], sim.Calculate("is_head"));
        Assert.Equal([201000, 201000, 201000, 0, 500], sim.Calculate("my_unit_total"));
        Assert.Equal([201000, 0, 500], sim.Calculate("north_income"));
        Assert.Equal([201500], sim.Calculate("hh_total_of_units"));
    }

    [Fact]
    public void Min_and_max_with_several_arguments_are_element_wise_around_and_inside_aggregations()
    {
        var model = EnginePackages.WithVariables(
            Var("over", "tax_unit", "float", "max(sum(members.employment_income) - 1000, 0)") +
            Var("capped", "tax_unit", "float", "min(sum(members.employment_income), 150000, count(members) * 100000)") +
            Var("positive", "tax_unit", "float", "sum(max(members.employment_income - 600, 0))") +
            Var("floor_age", "tax_unit", "float", "sum(min(members.age, 18))") +
            Var("oldest_adult", "tax_unit", "float", "max(members.age, age >= 18)"));
        // Tax unit 0: ages 40, 10, 70 with incomes 1000, 0, 200000; unit 1: age 5, 0; unit 2: age 30, 500.
        var population = EnginePackages.People(model, [40, 10, 70, 5, 30], [1000, 0, 200000, 0, 500], taxUnits: [0, 0, 0, 1, 2]);
        var sim = new Simulation(model, population, 2024);
        Assert.Equal([200000, 0, 0], sim.Calculate("over"));
        Assert.Equal([150000, 0, 500], sim.Calculate("capped"));
        Assert.Equal([400 + 199400, 0, 0], sim.Calculate("positive"));
        Assert.Equal([18 + 10 + 18, 5, 18], sim.Calculate("floor_age"));
        Assert.Equal([70, 0, 30], sim.Calculate("oldest_adult"));
    }

    [Fact]
    public void Inputs_override_formulas_and_defaults_fill_missing_inputs()
    {
        var model = EnginePackages.Xx;
        var population = EnginePackages.People(model, [40, 10]);
        population.SetInput("is_dependent", new[] { true, true });
        var sim = new Simulation(model, population, 2024);
        Assert.Equal([1, 1], sim.Calculate("is_dependent"));
        Assert.Equal([2], sim.Calculate("child_count"));
        Assert.Equal([1, 1], sim.Calculate("person_weight"));
        Assert.Equal(["NORTH"], sim.CalculateText("region"));
        Assert.Same(sim.Calculate("income_tax"), sim.Calculate("income_tax"));
        Assert.Equal(2, sim.Sum("person_weight"));
    }

    [Fact]
    public void Large_populations_run_in_parallel_with_identical_results()
    {
        var model = EnginePackages.Xx;
        const int n = 100_000;
        var ages = Enumerable.Range(0, n).Select(i => (double)(i % 80)).ToArray();
        var incomes = Enumerable.Range(0, n).Select(i => i % 80 < 18 ? 0 : (i * 7919.0) % 200000).ToArray();
        var units = Enumerable.Range(0, n).Select(i => i / 3).ToArray();
        var population = EnginePackages.People(model, ages, incomes, units, units);
        var parallel = new Simulation(model, population, 2024) { ParallelWork = 0 }.Calculate("household_net_income");
        var serial = new Simulation(model, population, 2024) { Parallel = false }.Calculate("household_net_income");
        Assert.Equal(serial, parallel);
        Assert.All(parallel, v => Assert.False(double.IsNaN(v)));
    }
}
