using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Tests.Engine;

public sealed class HouseholdCalculatorTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Fills_requested_values_in_both_shapes_and_keeps_the_input_untouched()
    {
        var input = Json("""{"people": {"you": {"age": 40, "employment_income": {"2024": 50000}, "income_tax": null, "marginal_tax_rate": {"2024": null}}}, "households": {"h": {"members": ["you"], "household_net_income": null}}}""");
        var result = HouseholdCalculator.Calculate(EnginePackages.Xx, input);
        Assert.Equal(2024, result.Period);
        Assert.Equal(7486, result.Household["people"]!["you"]!["income_tax"]!["2024"]!.GetValue<double>(), 6);
        Assert.Equal(0.2, result.Household["people"]!["you"]!["marginal_tax_rate"]!["2024"]!.GetValue<double>(), 6);
        Assert.Equal(42014, result.Household["households"]!["h"]!["household_net_income"]!["2024"]!.GetValue<double>(), 6);
        Assert.Null(input["people"]!["you"]!["income_tax"]);
        Assert.Null(result.Household["tax_units"]);
    }

    [Fact]
    public void Calculate_all_adds_every_variable_and_the_implicit_groups()
    {
        var result = HouseholdCalculator.CalculateAll(EnginePackages.Xx, Json("""{"people": {"a": {"age": 40}, "k": {"age": 3}}}"""), 2025);
        var household = result.Household;
        Assert.Equal("SINGLE", household["tax_units"]!["tax_unit"]!["family_type"]!["2025"]!.GetValue<string>());
        Assert.Equal(1000, household["tax_units"]!["tax_unit"]!["child_benefit"]!["2025"]!.GetValue<double>()); // 1000 single + bonus 0 (1 child)
        Assert.True(household["people"]!["k"]!["is_dependent"]!["2025"]!.GetValue<bool>() is true);
        Assert.Equal("NORTH", household["households"]!["household"]!["region"]!["2025"]!.GetValue<string>());
        Assert.Equal(["a", "k"], household["households"]!["household"]!["members"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(EnginePackages.Xx.Variables.Count(v => v.Entity == "person"), household["people"]!["a"]!.AsObject().Count);
    }

    [Fact]
    public void A_role_given_for_one_person_leaves_the_others_to_the_formula()
    {
        var result = HouseholdCalculator.Calculate(EnginePackages.Xx, Json(
            """{"people": {"a": {"age": 40}, "b": {"age": 16, "is_dependent": false}, "c": {"age": 5}}, "tax_units": {"t": {"members": ["a", "b", "c"], "child_count": null}}}"""));
        Assert.Equal(1, result.Household["tax_units"]!["t"]!["child_count"]!["2024"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("""{"people": {"you": {"age_x": 1}}}""", "$.people.you.age_x", "unknown variable 'age_x' (did you mean 'age'?)")]
    [InlineData("""{"people": {"you": {"region": "NORTH"}}}""", "$.people.you.region", "variable 'region' belongs to households, not people")]
    [InlineData("""{"people": {"you": {"age": {"2023": 40}}}}""", "$.people.you.age['2023']", "period 2023 differs from the simulation period 2024")]
    [InlineData("""{"people": {"you": {"age": {"2024-01": 40}}}}""", "$.people.you.age['2024-01']", "'2024-01' is not a period; periods are years like \"2024\"")]
    [InlineData("""{"people": {"you": {"age": "old"}}}""", "$.people.you.age", "'age' is a int; expected a number")]
    [InlineData("""{"people": {"you": {}}, "households": {"h": {"members": ["you"], "region": "EAST"}}}""", "$.households.h.region", "'EAST' is not a possible value of 'region' (NORTH, SOUTH)")]
    [InlineData("""{"people": {"you": {}}, "tax_units": {"t": {"members": ["you", "yuo"]}}}""", "$.tax_units.t.members[1]", "unknown person \"yuo\"")]
    [InlineData("""{"people": {"you": {}, "me": {}}, "tax_units": {"t": {"members": ["you"]}}}""", "$.tax_units", "person 'me' is not a member of any tax_units instance")]
    [InlineData("""{"people": {"you": {}}, "tax_units": {"t": {"members": ["you"]}, "u": {"members": ["you"]}}}""", "$.tax_units.u.members[0]", "person 'you' is already a member of tax_units 't'")]
    [InlineData("""{"people": {"you": {}}, "tax_units": {"t": {}}}""", "$.tax_units.t.members", "required: a list of person names")]
    [InlineData("""{"people": {}}""", "$.people", "required: an object with at least one person")]
    [InlineData("""{"people": {"you": {}}, "familes": {}}""", "$.familes", "unknown entity 'familes'; expected people, tax_units, households")]
    [InlineData("""{"people": {"you": {"is_head": "yes"}}}""", "$.people.you.is_head", "'is_head' is a bool; expected true or false")]
    public void Bad_input_names_the_json_path(string json, string path, string reason)
    {
        var error = Assert.Throws<HouseholdInputException>(() => HouseholdCalculator.Calculate(EnginePackages.Xx, Json(json), 2024));
        Assert.Equal(path, error.JsonPath);
        Assert.StartsWith(reason, error.Reason);
    }

    [Fact]
    public void Period_comes_from_the_argument_then_the_input_then_the_package_default()
    {
        var model = EnginePackages.Xx;
        Assert.Equal(2025, HouseholdCalculator.Calculate(model, Json("""{"people": {"a": {"age": {"2025": 40}}}}""")).Period);
        Assert.Equal(2024, HouseholdCalculator.Calculate(model, Json("""{"people": {"a": {"age": 40}}}""")).Period);
        Assert.Equal(2026, HouseholdCalculator.Calculate(model, Json("""{"people": {"a": {"age": 40}}}"""), 2026).Period);
    }

    [Fact]
    public void Reform_applies_to_the_household()
    {
        var reform = Reform.Parse("""[{"path": "tax.income.personal_allowance", "start": "2024-01-01", "value": 20000}]""");
        var result = HouseholdCalculator.Calculate(EnginePackages.Xx, Json("""{"people": {"a": {"age": 40, "employment_income": 50000, "income_tax": null}}}"""), 2024, reform);
        Assert.Equal(6000, result.Household["people"]!["a"]!["income_tax"]!["2024"]!.GetValue<double>(), 6);
    }
}

public sealed class HouseholdJsonBuiltInCodeTests
{
    [Fact]
    public void Numbers_created_in_code_are_accepted()
    {
        var household = new JsonObject
        {
            ["people"] = new JsonObject { ["a"] = new JsonObject { ["age"] = 40, ["employment_income"] = 50000m, ["income_tax"] = null } },
        };
        var result = HouseholdCalculator.Calculate(EnginePackages.Xx, household, 2024);
        Assert.Equal(7486, result.Household["people"]!["a"]!["income_tax"]!["2024"]!.GetValue<double>(), 6);
    }
}
