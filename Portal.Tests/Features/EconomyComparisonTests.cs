using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations.Economy;
using Portal.Core.Microdata;

namespace Portal.Tests.Features;

public sealed class EconomyComparisonTests(EconomyData data) : IClassFixture<EconomyData>
{
    private const int Period = EconomyData.Period;

    private static readonly Reform UsTaxRise = Reform.Parse("""
        {"gov.irs.income.brackets.SINGLE[0].rate": {"2025-01-01.2025-12-31": 0.15},
         "gov.irs.income.brackets.JOINT[0].rate": {"2025-01-01.2025-12-31": 0.15},
         "gov.irs.income.brackets.HEAD_OF_HOUSEHOLD[0].rate": {"2025-01-01.2025-12-31": 0.15}}
        """);

    private static readonly Reform UkChildBenefitUplift = Reform.Parse("""
        {"gov.hmrc.child_benefit.amount.eldest": {"2025-04-06.2026-04-05": 40},
         "gov.hmrc.child_benefit.amount.additional": {"2025-04-06.2026-04-05": 30}}
        """);

    private EconomyComparisonRequest Request(string country, Reform reform, string? region = null, Reform? baseline = null, Population? population = null, bool cliffs = false) =>
        new(data.Model(country), population ?? data.Load(country), Period, baseline ?? Reform.Empty, reform,
            EconomyRegion.Parse(country, region).Value!, data.Model(country).Version, "1.0.0-test", cliffs);

    private static double Number(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("us")]
    [InlineData("uk")]
    public void An_empty_reform_changes_nothing(string country)
    {
        var result = EconomyComparison.Compute(Request(country, Reform.Empty));

        var budget = result["budget"]!.AsObject();
        foreach (var key in new[] { "budgetary_impact", "tax_revenue_impact", "state_tax_revenue_impact", "benefit_spending_impact" })
        {
            Assert.Equal(0, Number(budget[key]));
        }

        Assert.True(Number(budget["households"]) > 0);
        Assert.True(Number(budget["baseline_net_income"]) > 0);
        Assert.All(result["decile"]!["average"]!.AsObject(), d => Assert.Equal(0, Number(d.Value)));
        Assert.All(result["decile"]!["relative"]!.AsObject(), d => Assert.Equal(0, Number(d.Value)));
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], result["decile"]!["average"]!.AsObject().Select(d => d.Key));

        var intra = result["intra_decile"]!;
        Assert.Equal(EconomyStatistics.OutcomeLabels, intra["deciles"]!.AsObject().Select(b => b.Key));
        Assert.All(intra["deciles"]!["No change"]!.AsArray(), v => Assert.Equal(1, Number(v), 12));
        Assert.Equal(1, Number(intra["all"]!["No change"]), 12);
        Assert.Equal(0, Number(intra["all"]!["Gain less than 5%"]) + Number(intra["all"]!["Lose less than 5%"]));

        foreach (var section in new[] { "poverty", "inequality" })
        {
            foreach (var pair in Pairs(result[section]!))
            {
                Assert.Equal(Number(pair["baseline"]), Number(pair["reform"]));
            }
        }

        Assert.True(Number(result["inequality"]!["gini"]!["baseline"]) is > 0.2 and < 0.8);
        Assert.True(Number(result["poverty"]!["poverty"]!["all"]!["baseline"]) is > 0 and < 0.5);

        // is_male is not a model variable but the data has it: gender rates come from the data column.
        Assert.Equal(["male", "female"], result["poverty_by_gender"]!["poverty"]!.AsObject().Select(g => g.Key));
        if (country == "us")
        {
            var districts = result["congressional_district_impact"]!["districts"]!.AsArray();
            Assert.All(districts, d => Assert.Equal(1, Number(d!["no_change_percentage"]), 12));
            Assert.Null(result["constituency_impact"]);
            Assert.Empty(result["detailed_budget"]!.AsObject());
        }
        else
        {
            Assert.Equal(Number(result["constituency_impact"]!["outcomes_by_region"]!["uk"]!["No change"]), result["constituency_impact"]!["by_constituency"]!.AsObject().Count);
            Assert.Null(result["congressional_district_impact"]);
            Assert.Equal(["child_benefit", "income_tax", "national_insurance", "universal_credit"], result["detailed_budget"]!.AsObject().Select(p => p.Key));
        }

        foreach (var key in new[] { "poverty_by_race", "wealth_decile", "intra_wealth_decile", "labor_supply_response", "local_authority_impact", "cliff_impact" })
        {
            Assert.True(result.ContainsKey(key));
            Assert.Null(result[key]);
        }

        Assert.Equal("1.0.0-test", result["data_version"]!.GetValue<string>());
        Assert.Equal(data.Model(country).Version, result["model_version"]!.GetValue<string>());
    }

    private static IEnumerable<JsonObject> Pairs(JsonNode node) =>
        node.AsObject().SelectMany(child => child.Value!.AsObject().ContainsKey("baseline") ? [child.Value!.AsObject()] : Pairs(child.Value!));

    [Fact]
    public void A_us_tax_rise_raises_revenue_by_the_weighted_change_in_household_tax()
    {
        var population = data.Load("us");
        var result = EconomyComparison.Compute(Request("us", UsTaxRise, population: population));

        // Independently: two separate simulations (no shared baseline), summed with Simulation.Sum.
        var model = data.Model("us");
        var before = new Simulation(model, population, Period);
        var after = new Simulation(model, population, Period, UsTaxRise);
        var tax = after.Sum("household_tax") - before.Sum("household_tax");
        var benefits = after.Sum("household_benefits") - before.Sum("household_benefits");
        var stateTax = after.Sum("state_income_tax") - before.Sum("state_income_tax");

        var budget = result["budget"]!;
        Assert.True(tax > 0);
        Assert.Equal(tax, Number(budget["tax_revenue_impact"]), tax * 1e-12);
        Assert.Equal(benefits, Number(budget["benefit_spending_impact"]), Math.Abs(tax) * 1e-12);
        Assert.Equal(stateTax, Number(budget["state_tax_revenue_impact"]), Math.Abs(tax) * 1e-12);
        Assert.Equal(tax - benefits, Number(budget["budgetary_impact"]), tax * 1e-12);
        Assert.True(Number(budget["budgetary_impact"]) > 0);
        Assert.Equal(before.Sum("household_net_income"), Number(budget["baseline_net_income"]), 1e-3);
        Assert.Equal(data.Households("us", _ => true), Number(budget["households"]), 1e-6);

        // Everyone pays at least as much: losers and no one else.
        Assert.All(result["decile"]!["average"]!.AsObject(), d => Assert.True(Number(d.Value) <= 0));
        Assert.Equal(0, Number(result["intra_decile"]!["all"]!["Gain less than 5%"]) + Number(result["intra_decile"]!["all"]!["Gain more than 5%"]));
        Assert.True(Number(result["intra_decile"]!["all"]!["Lose less than 5%"]) > 0);
        Assert.True(Number(result["poverty"]!["poverty"]!["all"]!["reform"]) >= Number(result["poverty"]!["poverty"]!["all"]!["baseline"]));
        var districts = result["congressional_district_impact"]!["districts"]!.AsArray();
        Assert.Equal(((IntColumn)data.Set("us")["congressional_district_geoid"]).Values.Distinct().Count(), districts.Count);
        Assert.All(districts, d => Assert.Equal(1, Number(d!["winner_percentage"]) + Number(d!["loser_percentage"]) + Number(d!["no_change_percentage"]), 12));
        Assert.Contains(districts, d => Number(d!["loser_percentage"]) > 0 && Number(d!["average_household_income_change"]) < 0);
        Assert.Equal(districts.Select(d => d!["district"]!.GetValue<string>()).Order(StringComparer.Ordinal), districts.Select(d => d!["district"]!.GetValue<string>()).Order(StringComparer.Ordinal).Distinct());
    }

    [Fact]
    public void A_uk_benefit_uplift_raises_benefit_spending()
    {
        var population = data.Load("uk");
        var result = EconomyComparison.Compute(Request("uk", UkChildBenefitUplift, population: population));
        var model = data.Model("uk");
        var before = new Simulation(model, population, Period);
        var after = new Simulation(model, population, Period, UkChildBenefitUplift);
        var benefits = after.Sum("household_benefits") - before.Sum("household_benefits");
        var tax = after.Sum("household_tax") - before.Sum("household_tax");

        var budget = result["budget"]!;
        Assert.True(benefits > 0);
        Assert.Equal(benefits, Number(budget["benefit_spending_impact"]), benefits * 1e-12);
        Assert.Equal(tax - benefits, Number(budget["budgetary_impact"]), benefits * 1e-12);
        Assert.Equal(0, Number(budget["state_tax_revenue_impact"]));

        // Benefits enter the detailed budget as negative contributions.
        var childBenefit = result["detailed_budget"]!["child_benefit"]!;
        var delta = after.Sum("child_benefit") - before.Sum("child_benefit");
        Assert.Equal(-before.Sum("child_benefit"), Number(childBenefit["baseline"]), 1e-3);
        Assert.Equal(-delta, Number(childBenefit["difference"]), delta * 1e-12);
        Assert.True(Number(result["intra_decile"]!["all"]!["Gain less than 5%"]) + Number(result["intra_decile"]!["all"]!["Gain more than 5%"]) > 0);

        var constituencies = result["constituency_impact"]!;
        var codes = ((CategoryColumn)data.Set("uk")["constituency_code"]).AsStrings().Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(codes, constituencies["by_constituency"]!.AsObject().Select(c => c.Key));
        var outcomes = constituencies["outcomes_by_region"]!;
        Assert.Equal(["uk", "england", "scotland", "wales", "northern_ireland"], outcomes.AsObject().Select(o => o.Key));
        int Total(string nation) => outcomes[nation]!.AsObject().Sum(b => b.Value!.GetValue<int>());
        Assert.Equal(codes.Count, Total("uk"));
        Assert.Equal(codes.Count(c => c[0] == 'S'), Total("scotland"));
        Assert.Equal(Total("uk"), Total("england") + Total("scotland") + Total("wales") + Total("northern_ireland"));
    }

    [Fact]
    public void Us_regions_simulate_only_their_households()
    {
        var set = data.Set("us");
        var states = ((CategoryColumn)set["state_code"]).AsStrings();
        var districts = ((IntColumn)set["congressional_district_geoid"]).Values;
        var counties = ((IntColumn)set["county_fips"]).Values;
        var population = data.Load("us");

        var state = EconomyComparison.Compute(Request("us", UsTaxRise, "state/CA", population: population));
        Assert.Equal(data.Households("us", h => states[h] == "CA"), Number(state["budget"]!["households"]), 1e-6);
        Assert.All(state["congressional_district_impact"]!["districts"]!.AsArray(), d => Assert.StartsWith("CA-", d!["district"]!.GetValue<string>(), StringComparison.Ordinal));

        // The busiest district of the sample, by its canonical code.
        var geoid = districts.GroupBy(d => d).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var code = EconomyGeography.DistrictLabel(geoid)!;
        var district = EconomyComparison.Compute(Request("us", UsTaxRise, $"district/{code}", population: population));
        Assert.Equal(data.Households("us", h => districts[h] == geoid), Number(district["budget"]!["households"]), 1e-6);
        Assert.Equal(code, Assert.Single(district["congressional_district_impact"]!["districts"]!.AsArray())!["district"]!.GetValue<string>());

        var nyc = EconomyComparison.Compute(Request("us", UsTaxRise, "city/NYC", population: population));
        var nycHouseholds = data.Households("us", h => EconomyRegion.NewYorkCityCounties.Contains(counties[h]));
        Assert.True(nycHouseholds > 0);
        Assert.Equal(nycHouseholds, Number(nyc["budget"]!["households"]), 1e-6);
        Assert.All(nyc["congressional_district_impact"]!["districts"]!.AsArray(), d => Assert.StartsWith("NY-", d!["district"]!.GetValue<string>(), StringComparison.Ordinal));

        // A region's revenue is its share of the national one: the sum over states is the national total.
        var national = Number(EconomyComparison.Compute(Request("us", UsTaxRise, population: population))["budget"]!["tax_revenue_impact"]);
        var byState = UsGeography.StateCodes.Where(states.Contains)
            .Sum(s => Number(EconomyComparison.BudgetForYear(Request("us", UsTaxRise, $"state/{s}", population: population))["tax_revenue_impact"]));
        Assert.Equal(national, byState, national * 1e-9);
    }

    [Fact]
    public void Uk_regions_and_constituencies_simulate_only_their_households()
    {
        var set = data.Set("uk");
        var regions = ((CategoryColumn)set["region"]).AsStrings();
        var constituencies = ((CategoryColumn)set["constituency_code"]).AsStrings();
        var population = data.Load("uk");

        var london = EconomyComparison.Compute(Request("uk", UkChildBenefitUplift, "region/LONDON", population: population));
        Assert.Equal(data.Households("uk", h => regions[h] == "LONDON"), Number(london["budget"]!["households"]), 1e-6);
        Assert.All(london["constituency_impact"]!["by_constituency"]!.AsObject(), c => Assert.Contains(c.Key, UkGeography.ConstituencyCodes[6]));

        var code = constituencies.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var one = EconomyComparison.Compute(Request("uk", UkChildBenefitUplift, $"constituency/{code.ToLowerInvariant()}", population: population));
        Assert.Equal(data.Households("uk", h => constituencies[h] == code), Number(one["budget"]!["households"]), 1e-6);
        Assert.Equal(code, Assert.Single(one["constituency_impact"]!["by_constituency"]!.AsObject()).Key);

        var empty = UkGeography.ConstituencyCodes.SelectMany(c => c).FirstOrDefault(c => !constituencies.Contains(c));
        if (empty is not null)
        {
            var error = Assert.Throws<EconomyComparisonException>(() => EconomyComparison.Compute(Request("uk", UkChildBenefitUplift, $"constituency/{empty}", population: population)));
            Assert.Contains($"no households in constituency/{empty}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_dataset_without_district_codes_has_no_district_breakdown_and_cannot_select_a_district()
    {
        var set = data.Set("us");
        var reduced = new MicrodataSet(set.Country, set.Period, set.Rows, set.Columns.Where(c => c.Name != "congressional_district_geoid").ToList(), set.Raking);
        var population = data.Load("us", data.Write(reduced, "us-no-districts"));

        Assert.Null(EconomyComparison.Compute(Request("us", UsTaxRise, population: population))["congressional_district_impact"]);
        var error = Assert.Throws<EconomyComparisonException>(() => EconomyComparison.Compute(Request("us", UsTaxRise, "district/CA-12", population: population)));
        Assert.Contains("no congressional_district_geoid column", error.Message, StringComparison.Ordinal);

        var wrongCountry = new EconomyComparisonRequest(data.Model("us"), population, Period, Reform.Empty, Reform.Empty, new EconomyRegion("region", "LONDON"), "1.1.0", "x");
        Assert.Contains("not a us region", Assert.Throws<EconomyComparisonException>(() => EconomyComparison.Compute(wrongCountry)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reform_applies_on_top_of_the_baseline_policy()
    {
        var population = data.Load("us");
        var model = data.Model("us");
        var higher = Reform.Parse("""{"gov.irs.income.brackets.SINGLE[0].rate": {"2025-01-01.2025-12-31": 0.2}}""");

        // Same policy on both sides: nothing changes.
        var same = EconomyComparison.Compute(Request("us", UsTaxRise, baseline: UsTaxRise, population: population));
        Assert.Equal(0, Number(same["budget"]!["budgetary_impact"]));

        // The reform's SINGLE rate overrides the baseline policy's; the baseline's other changes stay.
        var result = EconomyComparison.Compute(Request("us", higher, baseline: UsTaxRise, population: population));
        var before = new Simulation(model, population, Period, UsTaxRise).Sum("household_tax");
        var after = new Simulation(model, population, Period, new Reform([.. UsTaxRise.Changes, .. higher.Changes])).Sum("household_tax");
        Assert.True(after > before);
        Assert.Equal(after - before, Number(result["budget"]!["tax_revenue_impact"]), (after - before) * 1e-12);
        Assert.Equal(before, new Simulation(model, population, Period, UsTaxRise).Sum("household_tax"));
    }

    [Fact]
    public void Budget_for_year_matches_the_full_comparison()
    {
        var population = data.Load("us");
        var full = EconomyComparison.Compute(Request("us", UsTaxRise, population: population))["budget"]!;
        var year = EconomyComparison.BudgetForYear(Request("us", UsTaxRise, population: population));
        Assert.Equal(["year", "tax_revenue_impact", "federal_tax_revenue_impact", "state_tax_revenue_impact", "benefit_spending_impact", "budgetary_impact"], year.Select(p => p.Key));
        Assert.Equal(Period, year["year"]!.GetValue<int>());
        foreach (var key in new[] { "tax_revenue_impact", "state_tax_revenue_impact", "benefit_spending_impact", "budgetary_impact" })
        {
            Assert.Equal(Number(full[key]), Number(year[key]));
        }

        Assert.Equal(Number(full["tax_revenue_impact"]) - Number(full["state_tax_revenue_impact"]), Number(year["federal_tax_revenue_impact"]));
    }

    [Fact]
    public void Results_are_deterministic_and_progress_is_reported_in_order()
    {
        var stages = new List<(double, string)>();
        var first = EconomyComparison.Compute(Request("us", UsTaxRise, cliffs: true), (p, s) => stages.Add((p, s))).ToJsonString();
        var second = EconomyComparison.Compute(Request("us", UsTaxRise, cliffs: true)).ToJsonString();
        Assert.Equal(first, second);
        Assert.Equal(["loading", "baseline", "reform", "cliffs", "aggregating"], stages.Select(s => s.Item2));
        Assert.Equal(stages.Select(s => s.Item1).Order(), stages.Select(s => s.Item1));

        var uk = EconomyComparison.Compute(Request("uk", UkChildBenefitUplift)).ToJsonString();
        Assert.Equal(uk, EconomyComparison.Compute(Request("uk", UkChildBenefitUplift)).ToJsonString());
    }

    [Fact]
    public void Cliffs_are_computed_only_when_asked_for()
    {
        var population = data.Load("us");
        Assert.Null(EconomyComparison.Compute(Request("us", Reform.Empty, population: population))["cliff_impact"]);
        var cliffs = EconomyComparison.Compute(Request("us", Reform.Empty, population: population, cliffs: true))["cliff_impact"]!;
        foreach (var side in new[] { "baseline", "reform" })
        {
            Assert.True(Number(cliffs[side]!["cliff_gap"]) >= 0);
            Assert.True(Number(cliffs[side]!["cliff_share"]) is >= 0 and <= 1);
        }

        Assert.Equal(cliffs["baseline"]!.ToJsonString(), cliffs["reform"]!.ToJsonString());
    }

    [Fact]
    public void A_cancelled_comparison_stops()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => EconomyComparison.Compute(Request("uk", Reform.Empty), ct: cancelled.Token));
    }
}
