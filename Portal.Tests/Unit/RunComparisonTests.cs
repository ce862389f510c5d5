using System.Text.Json.Nodes;
using Portal.Core.Features.Runs;

namespace Portal.Tests.Unit;

/// <summary>The pure comparison: row grouping and order, differences-only filtering, numeric differences, exports; and the canonical JSON behind the hashes.</summary>
public sealed class RunComparisonTests
{
    private static RunFacts Facts(string id, double amount, string bundle, double budget) => new(id, id, new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>
    {
        [RunComparison.Bundle] = new Dictionary<string, JsonNode?> { ["bundle_id"] = bundle, ["model_version"] = "1.1.0" },
        [RunComparison.Template] = new Dictionary<string, JsonNode?> { ["template_id"] = "t", ["parameters.amount"] = amount },
        [RunComparison.Outputs] = new Dictionary<string, JsonNode?>
        {
            ["budget: budgetary impact"] = budget,
            ["decile 10: average change"] = 1,
            ["decile 2: average change"] = amount > 0 ? 2 : 0,
        },
    });

    [Fact]
    public void Differences_only_keeps_exactly_the_rows_whose_values_differ_in_group_then_natural_key_order()
    {
        var comparison = RunComparison.Compare([Facts("a", 100, "b1", -50), Facts("b", 150, "b1", -75)], differencesOnly: true);
        Assert.Equal(
            [(RunComparison.Template, "parameters.amount"), (RunComparison.Outputs, "budget: budgetary impact")],
            comparison.Rows.Select(r => (r.Group, r.Key)));
        Assert.Equal(7, comparison.TotalRows);

        var all = RunComparison.Compare([Facts("a", 100, "b1", -50), Facts("b", 150, "b1", -75)], differencesOnly: false);
        Assert.Equal(7, all.Rows.Count);
        Assert.Equal(["decile 2: average change", "decile 10: average change"], all.Rows.Where(r => r.Key.StartsWith("decile", StringComparison.Ordinal)).Select(r => r.Key));
        Assert.Equal(RunComparison.Bundle, all.Rows[0].Group);
    }

    [Fact]
    public void Numeric_cells_carry_absolute_and_relative_differences_from_the_first_run()
    {
        var row = RunComparison.Compare([Facts("a", 100, "b1", -50), Facts("b", 150, "b2", -75), Facts("c", 0, "b1", 0)], true)
            .Rows.Single(r => r.Key == "parameters.amount");
        Assert.Null(row.Cells[0].Absolute);
        Assert.Equal(50, row.Cells[1].Absolute);
        Assert.Equal(0.5, row.Cells[1].Relative);
        Assert.Equal(-100, row.Cells[2].Absolute);
        Assert.Equal(-1, row.Cells[2].Relative);
        var budget = RunComparison.Compare([Facts("a", 100, "b1", -50), Facts("b", 150, "b1", -75)], true).Rows.Single(r => r.Key.StartsWith("budget", StringComparison.Ordinal));
        Assert.Equal(-0.5, budget.Cells[1].Relative);
    }

    [Fact]
    public void A_value_present_in_one_run_only_differs_and_exports_render()
    {
        var a = Facts("a", 1, "b1", 1);
        var b = new RunFacts("b", "b", new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>
        {
            [RunComparison.Bundle] = a.Groups[RunComparison.Bundle],
            [RunComparison.Template] = a.Groups[RunComparison.Template],
            [RunComparison.Outputs] = a.Groups[RunComparison.Outputs].Where(p => !p.Key.StartsWith("budget", StringComparison.Ordinal)).ToDictionary(),
        });
        var comparison = RunComparison.Compare([a, b], true);
        var row = Assert.Single(comparison.Rows);
        Assert.Equal("budget: budgetary impact", row.Key);
        Assert.Null(row.Cells[1].Text);
        Assert.Contains("| budget: budgetary impact ≠ | 1 | — |", comparison.ToMarkdown(), StringComparison.Ordinal);
        Assert.Single(comparison.ToJson()["rows"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"b":1,"a":[2.0,{"d":true,"c":null}]}""", """{"a":[2,{"c":null,"d":true}],"b":1}""")]
    [InlineData("""{"x":0.1,"y":1e3,"z":"é"}""", """{"x":0.1,"y":1000,"z":"é"}""")]
    public void Canonical_json_sorts_keys_and_normalises_numbers(string input, string expected)
    {
        Assert.Equal(expected, RunCanonicalJson.Serialize(JsonNode.Parse(input)));
        Assert.Equal(RunCanonicalJson.Sha256(expected), RunCanonicalJson.Sha256(JsonNode.Parse(input)));
    }
}
