using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Tests.Engine;

public sealed class ReformTests
{
    private static Population Population(CountryModel model) =>
        EnginePackages.People(model, [40, 30, 10], [50000, 140000, 0], taxUnits: [0, 1, 1], households: [0, 1, 1]);

    [Fact]
    public void Leaf_reform_recomputes_dependents_and_shares_everything_else()
    {
        var model = EnginePackages.Xx;
        var baseline = new Simulation(model, Population(model), 2024);
        var reformed = baseline.WithReform(Reform.Parse("""[{"path": "TAX.income.Personal_Allowance", "start": "2024-01-01", "stop": "2024-12-31", "value": 20000}]"""));
        Assert.Equal([7486, (0.2 * 37700) + (0.4 * (125140 - 37700)) + (0.45 * (127430 - 125140)), 0], baseline.Calculate("income_tax"));
        Assert.Equal([6000, (0.2 * 37700) + (0.4 * (120000 - 37700)), 0], reformed.Calculate("income_tax"));
        Assert.NotSame(baseline.Calculate("household_net_income"), reformed.Calculate("household_net_income"));

        // Not reading the allowance: the very same arrays.
        Assert.Same(baseline.Calculate("regional_levy"), reformed.Calculate("regional_levy"));
        Assert.Same(baseline.Calculate("child_benefit"), reformed.Calculate("child_benefit"));
        Assert.Same(baseline.Calculate("age"), reformed.Calculate("age"));
    }

    [Fact]
    public void Bracket_reform_and_policyengine_form()
    {
        var model = EnginePackages.Xx;
        var baseline = new Simulation(model, Population(model), 2024);
        var reformed = baseline.WithReform(Reform.Parse("""{"tax.income.rates[1].RATE": {"2024-01-01.2100-12-31": 0.5}, "tax.income.rates[1].threshold": {"2024-01-01": 40000}}"""));
        Assert.Equal([0.2 * 37430, (0.2 * 40000) + (0.5 * (125140 - 40000)) + (0.45 * (127430 - 125140)), 0], reformed.Calculate("income_tax"));
        Assert.Equal(baseline.Calculate("income_tax")[2], reformed.Calculate("income_tax")[2]);
    }

    [Fact]
    public void Reform_outside_the_period_changes_nothing()
    {
        var model = EnginePackages.Xx;
        var baseline = new Simulation(model, Population(model), 2024);
        var reformed = baseline.WithReform(Reform.Parse("""[{"path": "tax.income.personal_allowance", "start": "2030-01-01", "value": 1}]"""));
        Assert.Same(baseline.Calculate("household_net_income"), reformed.Calculate("household_net_income"));
    }

    [Fact]
    public void Enum_indexed_leaf_and_bool_leaf_reforms()
    {
        var model = EnginePackages.Xx;
        var population = Population(model);
        var reformed = new Simulation(model, population, 2024, Reform.Parse(
            """[{"path": "benefits.child.amount.single", "start": "2024-01-01", "value": 2000}, {"path": "region.rate.NORTH", "start": "2024-01-01", "value": 0}]"""));
        Assert.Equal([0, 2000], reformed.Calculate("child_benefit"));
        Assert.Equal([0, 0, 0], reformed.Calculate("regional_levy"));
        var disabled = new Simulation(model, population, 2024, Reform.Parse("""[{"path": "benefits.child.enabled", "start": "2024-01-01", "value": false}]"""));
        Assert.Equal([0, 0], disabled.Calculate("child_benefit"));
    }

    [Theory]
    [InlineData("""[{"path": "tax.income.personal_alowance", "start": "2024-01-01", "value": 1}]""", "$[0].path", "unknown parameter 'tax.income.personal_alowance' (did you mean 'personal_allowance'?)")]
    [InlineData("""[{"path": "tax.income.rates[7].rate", "start": "2024-01-01", "value": 1}]""", "$[0].path", "'tax.income.rates' has 3 brackets (0 to 2); there is no bracket 7")]
    [InlineData("""[{"path": "tax.income.rates[1].amount", "start": "2024-01-01", "value": 1}]""", "$[0].path", "'tax.income.rates' is a marginal_rate scale (use .rate)")]
    [InlineData("""[{"path": "tax.income.rates", "start": "2024-01-01", "value": 1}]""", "$[0].path", "'tax.income.rates' is a scale; change one bracket field, e.g. tax.income.rates[0].rate")]
    [InlineData("""[{"path": "tax.income", "start": "2024-01-01", "value": 1}]""", "$[0].path", "'tax.income' is a parameter node, not a value")]
    [InlineData("""{"tax.nope": {"2024-01-01": 1}}""", "$['tax.nope']", "unknown parameter 'tax.nope'")]
    public void Validation_errors_name_the_json_path(string json, string path, string reason)
    {
        var error = Assert.Throws<ReformException>(() => Reform.Parse(json).Validate(EnginePackages.Xx));
        Assert.Equal(path, error.JsonPath);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("""[{"path": "x", "start": "2024-13-01", "value": 1}]""", "$[0].start")]
    [InlineData("""[{"path": "x", "value": 1}]""", "$[0].start")]
    [InlineData("""[{"path": "x", "start": "2024-01-01", "value": "high"}]""", "$[0].value")]
    [InlineData("""[{"path": "x", "start": "2024-01-01", "stop": "2023-01-01", "value": 1}]""", "$[0].path")]
    [InlineData("""[{"path": "x", "start": "2024-01-01", "value": 1, "until": 3}]""", "$[0].until")]
    [InlineData("""[3]""", "$[0]")]
    [InlineData("""{"x": 3}""", "$['x']")]
    [InlineData("""{"x": {"soon": 3}}""", "$['x']['soon']")]
    [InlineData("""not json""", "$")]
    [InlineData("""3""", "$")]
    public void Parse_errors_name_the_json_path(string json, string path) =>
        Assert.Equal(path, Assert.Throws<ReformException>(() => Reform.Parse(json)).JsonPath);

    [Fact]
    public void Empty_and_null_reforms()
    {
        Assert.True(Reform.Parse("[]").IsEmpty);
        Assert.True(Reform.Parse("{}").IsEmpty);
        Assert.True(Reform.Parse((JsonNode?)null).IsEmpty);
    }
}
