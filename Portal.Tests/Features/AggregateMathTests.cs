using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Aggregates;
using Portal.Core.Features.Policies;
using Portal.Tests.Models;

namespace Portal.Tests.Features;

/// <summary>The pure parts of the v2 resources: weighted statistics, entity mapping, policy canonical form.</summary>
public sealed class AggregateMathTests
{
    private static readonly bool[] All4 = [true, true, true, true];

    [Fact]
    public void Weighted_median_interpolates_at_cumulative_weight_midpoints_like_microdf()
    {
        // Equal weights give the ordinary median, odd and even.
        Assert.Equal(2.0, WeightedStatistics.Median([3, 1, 2], [1, 1, 1], [true, true, true]));
        Assert.Equal(2.5, WeightedStatistics.Median([4, 1, 3, 2], [5, 5, 5, 5], All4));

        // Positions 0.125, 0.375, 0.75: one half lies a third of the way from 2 to 3.
        Assert.Equal(2 + (1.0 / 3), WeightedStatistics.Median([1, 2, 3], [1, 1, 2], [true, true, true])!.Value, 12);

        // Positions 5/12 and 10.5/12 around one half; zero weights and masked rows take no part.
        Assert.Equal(7 + (93 / 5.5), WeightedStatistics.Median([7, 100, 200, 300], [10, 1, 1, 0], All4)!.Value, 12);
        Assert.Equal(100.0, WeightedStatistics.Median([7, 100, 200, 300], [10, 1, 1, 0], [false, true, false, true]));
        Assert.Null(WeightedStatistics.Median([1, 2], [0, 0], [true, true]));
        Assert.Null(WeightedStatistics.Mean([1, 2], [1, 1], [false, false]));
        Assert.Equal(0.0, WeightedStatistics.Sum([1, 2], [1, 1], [false, false]));
    }

    [Fact]
    public void Quantiles_put_each_row_in_exactly_one_weighted_quantile_and_ties_together()
    {
        var values = Enumerable.Range(0, 10).Select(i => (double)(9 - i)).ToArray();
        var ones = Enumerable.Repeat(1.0, 10).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 10 - i), WeightedStatistics.QuantileOf(values, ones, 10));

        // Weight 3 below 2 is half of 6: the rest is the upper half.
        Assert.Equal(new[] { 1, 2, 2, 2 }, WeightedStatistics.QuantileOf([1, 2, 3, 4], [3, 1, 1, 1], 2));

        // Ties share the quantile of their lowest member: half the weight at zero is all in quantile 1.
        Assert.Equal(new[] { 1, 1, 1, 3, 4 }, WeightedStatistics.QuantileOf([0, 0, 0, 5, 6], [1, 1, 1, 1.5, 1.5], 4));
    }

    [Fact]
    public void Entity_mapping_adds_up_to_groups_hands_down_to_members_and_refuses_overlapping_groups()
    {
        var model = ShippedModels.Us;
        var population = new Population(model, 4)
            .SetGroup("household", 2, [0, 0, 1, 1])
            .SetGroup("tax_unit", 3, [0, 1, 2, 2])
            .SetGroup("spm_unit", 2, [0, 0, 0, 1]);

        Assert.Equal(new[] { 3.0, 7 }, EntityMapping.Map(population, [1, 2, 3, 4], "person", "household", "x"));
        Assert.Equal(new[] { 10.0, 10, 20, 20 }, EntityMapping.Map(population, [10, 20], "household", "person", "x"));
        Assert.Equal(new[] { 3.0, 4 }, EntityMapping.Map(population, [1, 2, 4], "tax_unit", "household", "x"));
        Assert.Equal(new[] { 5.0, 5, 6 }, EntityMapping.Map(population, [5, 6], "household", "tax_unit", "x"));
        var overlap = Assert.Throws<EntityMappingException>(() => EntityMapping.Map(population, [1, 2], "spm_unit", "household", "x"));
        Assert.Contains("without nesting", overlap.Message, StringComparison.Ordinal);
        Assert.Throws<EntityMappingException>(() => EntityMapping.Map(population, [0, 1, 0, 1], "person", "household", "sex", additive: false));
    }

    [Fact]
    public void Policy_canonical_form_ignores_spelling_order_and_form_but_not_values()
    {
        var model = ShippedModels.Us;
        var map = JsonNode.Parse("""
            {"gov.irs.deductions.standard.JOINT": {"2026-01-01.2026-12-31": 40000, "2025-01-01.2025-12-31": 35000.0},
             "gov.irs.deductions.standard.SINGLE": {"2025-01-01": 20000}}
            """);
        var list = JsonNode.Parse("""
            [{"path": "GOV.irs.deductions.standard.single", "start": "2025-01-01", "value": 2e4},
             {"path": "gov.irs.deductions.standard.JOINT", "start": "2025-01-01", "stop": "2025-12-31", "value": 35000},
             {"path": "gov.irs.deductions.standard.JOINT", "start": "2026-01-01", "stop": "2026-12-31", "value": 40000}]
            """);
        var a = PolicyParameters.Canonicalize("us", map, model).Value!;
        var b = PolicyParameters.Canonicalize("us", list, model).Value!;
        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.ChangesJson, b.ChangesJson);
        Assert.StartsWith("""[{"path":"gov.irs.deductions.standard.JOINT","start":"2025-01-01","stop":"2025-12-31","value":35000}""", a.ChangesJson, StringComparison.Ordinal);
        Assert.Equal("""{"gov.irs.deductions.standard.JOINT":{"2025-01-01.2025-12-31":35000,"2026-01-01.2026-12-31":40000},"gov.irs.deductions.standard.SINGLE":{"2025-01-01":20000}}""",
            PolicyParameters.ToPolicyEngineMap(a.ChangesJson).ToJsonString());

        var other = PolicyParameters.Canonicalize("us", JsonNode.Parse("""{"gov.irs.deductions.standard.SINGLE": {"2025-01-01": 20001}}"""), model).Value!;
        Assert.NotEqual(a.Hash, other.Hash);
        var empty = PolicyParameters.Canonicalize("us", new JsonObject(), model).Value!;
        Assert.NotEqual(empty.Hash, PolicyParameters.Canonicalize("uk", new JsonObject(), ShippedModels.Uk).Value!.Hash);

        var overlapping = PolicyParameters.Canonicalize("us", JsonNode.Parse("""{"gov.irs.deductions.standard.SINGLE": {"2025-01-01.2025-12-31": 1, "2025-06-01.2026-12-31": 2}}"""), model);
        Assert.Equal(ProblemKind.Validation, overlapping.Problem!.Kind);
        Assert.Contains("overlap", overlapping.Problem.Describe(), StringComparison.Ordinal);
    }
}
