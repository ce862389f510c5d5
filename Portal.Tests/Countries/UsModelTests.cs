using Portal.Core.Engine;

namespace Portal.Tests.Countries;

/// <summary>
/// The shipped US package (Portal.Core/Countries/us): both releases load locked, their YAML test
/// cases pass, and the headline variables sit on the entities the rest of Portal relies on.
/// </summary>
public sealed class UsModelTests
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));

    public static TheoryData<string> Versions => new() { "1.0.0", "1.1.0" };

    private static CountryModel Release(string version) =>
        Catalog.Value.Find("us", version) ?? throw new InvalidOperationException($"us {version} is not in the catalog");

    [Theory]
    [MemberData(nameof(Versions))]
    public void Yaml_test_cases_pass(string version)
    {
        var report = ModelTestRunner.Run(Release(version));
        Assert.True(report.Results.Count >= 35, $"us {version} has only {report.Results.Count} test cases");
        Assert.All(report.Results, r => Assert.True(r.Passed,
            $"{r.Case.Name}: {r.Error} {string.Join("; ", r.Checks.Where(c => !c.Passed).Select(c => $"{c.Variable}[{c.Instance}] expected {c.Expected} got {c.Actual}"))}"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Headline_variables_are_on_their_entities(string version)
    {
        var model = Release(version);
        foreach (var name in new[] { "income_tax_before_credits", "income_tax", "ctc", "refundable_ctc", "eitc", "state_income_tax" })
        {
            Assert.Equal("tax_unit", model.FindVariable(name)!.Entity);
        }

        Assert.Equal("person", model.FindVariable("employee_payroll_tax")!.Entity);
        Assert.Equal("spm_unit", model.FindVariable("snap")!.Entity);
        Assert.Equal("household", model.FindVariable("household_net_income")!.Entity);
        Assert.Equal(51, model.FindVariable("state_code")!.PossibleValues!.Count);
    }

    [Fact]
    public void Release_1_1_0_fixes_the_additional_medicare_tax_for_couples()
    {
        // Two spouses earning $150,000 each: combined wages exceed the $250,000 joint threshold.
        double PayrollTax(string version)
        {
            var model = Release(version);
            var population = new Population(model, 2)
                .SetGroup("tax_unit", 1, [0, 0]).SetGroup("spm_unit", 1, [0, 0]).SetGroup("family", 1, [0, 0])
                .SetGroup("marital_unit", 1, [0, 0]).SetGroup("household", 1, [0, 0])
                .SetInput("age", [40, 40]).SetInput("employment_income", new[] { 150_000.0, 150_000.0 });
            return new Simulation(model, population, 2024).Calculate("employee_payroll_tax").Sum();
        }

        Assert.Equal(2 * 11_475, PayrollTax("1.0.0"), 6);
        Assert.Equal(2 * 11_475 + 450, PayrollTax("1.1.0"), 6);
    }

    [Fact]
    public void Microsimulation_over_every_state_is_finite_and_reforms_apply()
    {
        var model = Release("1.1.0");
        var states = model.FindVariable("state_code")!.PossibleValues!;
        var households = states.Count * 4;
        var people = households * 2;
        var toHousehold = Enumerable.Range(0, people).Select(i => i / 2).ToArray();
        var population = new Population(model, people);
        foreach (var group in new[] { "tax_unit", "spm_unit", "family", "marital_unit", "household" })
        {
            population.SetGroup(group, households, toHousehold);
        }

        population.SetInput("age", Enumerable.Range(0, people).Select(i => i % 2 == 0 ? 35 : 6).ToArray())
            .SetInput("employment_income", Enumerable.Range(0, people).Select(i => i % 2 == 0 ? 10_000.0 * (i % 20) : 0).ToArray())
            .SetInput("state_code", Enumerable.Range(0, households).Select(h => states[h % states.Count]).ToArray());
        var baseline = new Simulation(model, population, 2025);
        var net = baseline.Calculate("household_net_income");
        Assert.All(net, v => Assert.True(double.IsFinite(v)));

        var reform = Reform.Parse("""[{"path": "gov.irs.deductions.standard.HEAD_OF_HOUSEHOLD", "start": "2025-01-01", "value": 30000}]""");
        Assert.True(baseline.WithReform(reform).Sum("household_net_income") > baseline.Sum("household_net_income"));
    }
}
