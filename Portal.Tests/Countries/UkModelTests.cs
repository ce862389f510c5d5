using Portal.Core.Engine;

namespace Portal.Tests.Countries;

/// <summary>The shipped UK package: locked releases, its YAML cases, and behaviour the cases cannot show (populations, reforms).</summary>
public sealed class UkModelTests
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));

    private static CountryModel Uk(string version) => Catalog.Value.Find("uk", version) ?? throw new InvalidOperationException($"uk {version} missing");

    [Theory]
    [InlineData("1.0.0", 2024)]
    [InlineData("1.1.0", 2025)]
    public void Release_is_locked_and_every_yaml_case_passes(string version, int period)
    {
        var model = Uk(version);
        Assert.Equal(ReleaseHash.Compute(Path.Combine(ModelOptions.DefaultDirectory, "uk", version)), model.Sha256);
        var report = ModelTestRunner.Run(model);
        Assert.True(report.Results.Count(r => r.Case.Period == period) >= 35, $"{report.Results.Count} cases");
        Assert.All(report.Results, r => Assert.True(r.Passed, $"{r.Case.Name}: {r.Error} {string.Join("; ", r.Checks.Where(c => !c.Passed).Select(c => $"{c.Variable}[{c.Instance}] expected {c.Expected} got {c.Actual}"))}"));
    }

    [Fact]
    public void Headline_variables_sit_on_the_agreed_entities_and_regions_are_the_itl1_names()
    {
        var model = Uk("1.1.0");
        Assert.Equal("1.1.0", Catalog.Value.Find("uk")!.Version);
        Assert.Equal(["person", "benunit", "household"], model.Entities.Select(e => e.Key));
        foreach (var (variable, entity) in new[] { ("income_tax", "person"), ("national_insurance", "person"), ("child_benefit", "benunit"), ("child_benefit_hicbc", "benunit"), ("universal_credit", "benunit"), ("household_net_income", "household") })
        {
            Assert.Equal(entity, model.FindVariable(variable)!.Entity);
        }

        Assert.Equal(
            ["NORTH_EAST", "NORTH_WEST", "YORKSHIRE", "EAST_MIDLANDS", "WEST_MIDLANDS", "EAST_OF_ENGLAND", "LONDON", "SOUTH_EAST", "SOUTH_WEST", "WALES", "SCOTLAND", "NORTHERN_IRELAND"],
            model.FindVariable("region")!.PossibleValues);
    }

    [Fact]
    public void Population_with_several_benefit_units_adds_up_to_household_totals()
    {
        // Household 0: lone parent (£12,000) + child aged 4, and her son aged 20 as his own benefit unit; rent £6,000.
        // Household 1: Scottish couple on £60,000 and £20,000 with a child aged 10.
        var model = Uk("1.1.0");
        var population = new Population(model, 6)
            .SetGroup("benunit", 3, [0, 0, 1, 2, 2, 2])
            .SetGroup("household", 2, [0, 0, 0, 1, 1, 1])
            .SetInput("age", [30, 4, 20, 45, 44, 10])
            .SetInput("employment_income", [12000.0, 0, 0, 60000, 20000, 0])
            .SetInput("rent", [6000.0, 0])
            .SetInput("region", ["LONDON", "SCOTLAND"])
            .SetInput("household_weight", [100.0, 50]);
        var simulation = new Simulation(model, population, 2025);

        var uc = simulation.Calculate("universal_credit");
        // Parent: (400.14 + 292.81) x 12 + 6,000 rent - 55% x (12,000 - 411 x 12); son: 316.98 x 12, no rent share.
        Assert.Equal(8315.40 + 6000 - 0.55 * (12000 - 4932), uc[0], 2);
        Assert.Equal(3803.76, uc[1], 2);
        Assert.Equal(0, uc[2], 2);

        var net = simulation.Calculate("household_net_income");
        var cb = simulation.Calculate("child_benefit");
        Assert.Equal(12000 + cb[0] + uc[0] + uc[1], net[0], 2);
        var tax = simulation.Calculate("income_tax");
        var ni = simulation.Calculate("national_insurance");
        var hicbc = simulation.Calculate("child_benefit_hicbc");
        Assert.Equal(80000 + cb[2] - tax[3] - tax[4] - ni[3] - ni[4] - hicbc[2], net[1], 2);
        Assert.Equal(100 * net[0] + 50 * net[1], simulation.Sum("household_net_income"), 2);
        Assert.Equal(3 * 100 + 3 * 50, simulation.Sum("person_weight", weighted: false), 6);
    }

    [Fact]
    public void Personal_allowance_reform_cuts_basic_rate_tax_by_a_fifth_of_the_rise()
    {
        var model = Uk("1.1.0");
        var population = new Population(model, 1).SetGroup("benunit", 1, [0]).SetGroup("household", 1, [0]).SetInput("employment_income", [30000.0]);
        var baseline = new Simulation(model, population, 2025);
        var reform = Reform.Parse("""{"gov.hmrc.income_tax.allowances.personal_allowance.amount": {"2025-04-06.2026-04-05": 15000}}""");
        reform.Validate(model);
        Assert.Equal(3486, baseline.Calculate("income_tax")[0], 2);
        Assert.Equal(3486 - 0.2 * 2430, baseline.WithReform(reform).Calculate("income_tax")[0], 2);
    }

    [Fact]
    public void Release_1_1_0_rounds_the_child_benefit_charge_as_the_law_requires()
    {
        // £60,350: 1.75% unrounded (1.0.0) vs 1% of £2,212 rounded down to £22 (1.1.0), two children, 2024-25 rates.
        var household = new Func<System.Text.Json.Nodes.JsonObject>(() => System.Text.Json.Nodes.JsonNode.Parse("""
            {"people": {"p": {"employment_income": 60350}, "a": {"age": 8}, "b": {"age": 5}},
             "benunits": {"bu": {"members": ["p", "a", "b"], "child_benefit_hicbc": null}},
             "households": {"hh": {"members": ["p", "a", "b"]}}}
            """)!.AsObject());
        double Charge(string version) => HouseholdCalculator.Calculate(Uk(version), household(), 2024).Household["benunits"]!["bu"]!["child_benefit_hicbc"]!["2024"]!.GetValue<double>();
        Assert.Equal(2212.60 * 0.0175, Charge("1.0.0"), 2);
        Assert.Equal(22, Charge("1.1.0"), 2);
    }
}
