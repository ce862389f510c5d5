using Portal.Core.Microdata;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Tests.Publishing;

/// <summary>The pure steps on hand-made inputs: selection, reindexing, cloning, fingerprint, LPT.</summary>
public sealed class LocalH5StepTests
{
    // 3 households × 2 clones, clone-major. Cell 4 (clone 1, household 1) has weight 0.
    private static CalibrationCells Cells() => new(
        clone: [0, 0, 0, 1, 1, 1],
        household: [0, 1, 2, 0, 1, 2],
        weight: [1.5, 2, 3, 4, 0, 6],
        geography:
        [
            new GeographyField("state_fips", [6, 6, 36, 36, 6, 6], null),
            new GeographyField("county_fips", [6037, 6075, 36061, 36047, 6037, 6075], null),
            new GeographyField("region", [0, 1, 1, 0, 1, 1], ["LONDON", "WALES"]),
        ]);

    [Fact]
    public void Selection_keeps_cells_with_positive_weight_that_match_every_filter()
    {
        var cells = Cells();
        var all = AreaSelector.Select(cells, []);
        Assert.Equal([0, 1, 2, 3, 5], all.Rows);
        Assert.Equal([0, 0, 0, 1, 1], all.CloneIndex);
        Assert.Equal([0, 1, 2, 0, 2], all.HouseholdIndex);
        Assert.Equal([1.5, 2, 3, 4, 6], all.Weights);

        // Cell 4 is in CA but has weight 0.
        Assert.Equal([0, 1, 5], AreaSelector.Select(cells, [AreaFilter.Eq("state_fips", 6)]).Rows);
        Assert.Equal([0, 2, 3], AreaSelector.Select(cells, [AreaFilter.In("county_fips", [6037, 36061, 36047])]).Rows);
        Assert.Equal([0], AreaSelector.Select(cells, [AreaFilter.In("county_fips", [6037, 36061]), AreaFilter.Eq("state_fips", 6)]).Rows);
        Assert.Equal([1, 2, 5], AreaSelector.Select(cells, [AreaFilter.Eq("region", "WALES")]).Rows);
        Assert.Equal([0, 1, 2, 3, 5], AreaSelector.Select(cells, [AreaFilter.In("region", ["WALES", "LONDON", "NOWHERE"])]).Rows);
        Assert.True(AreaSelector.Select(cells, [AreaFilter.Eq("state_fips", 48)]).IsEmpty);
        Assert.Equal(3, AreaSelector.Count(cells, [AreaFilter.Eq("state_fips", 6)]));
    }

    [Fact]
    public void Selection_refuses_unknown_fields_and_non_numeric_values_for_numeric_fields()
    {
        var ex = Assert.Throws<ArgumentException>(() => AreaSelector.Select(Cells(), [AreaFilter.Eq("zip_code", 10001)]));
        Assert.Contains("state_fips", ex.Message);
        Assert.Throws<ArgumentException>(() => AreaSelector.Select(Cells(), [AreaFilter.Eq("state_fips", "CA")]));
    }

    // Household ids 10, 20, 30; persons 0–1 in 10, 2 in 20, 3–5 in 30; tax units: {0,1} {2} {3,4} {5}.
    private static EntityGraph Graph(long[]? taxLinks = null) => EntityGraph.Build(
        [10, 20, 30],
        [10, 10, 20, 30, 30, 30],
        [("tax_unit", [100, 200, 300, 400], taxLinks ?? [100, 100, 200, 300, 300, 400])]);

    [Fact]
    public void Reindexing_makes_one_household_per_cell_and_remaps_every_link()
    {
        // Cells: household 2 twice (two clones) and household 0.
        var r = EntityReindexer.Reindex(Graph(), [2, 0, 2]);
        Assert.Equal([2, 0, 2], r.HouseholdSource);
        Assert.Equal([3, 4, 5, 0, 1, 3, 4, 5], r.PersonSource);
        Assert.Equal([0, 0, 0, 1, 1, 2, 2, 2], r.PersonHousehold);
        Assert.Equal([2, 3, 0, 2, 3], r.EntitySource["tax_unit"]);
        Assert.Equal([0, 0, 1, 2, 2, 3, 3, 4], r.PersonEntity["tax_unit"]);
        Assert.Equal(3, r.Rows()["household"]);
        Assert.Equal(5, r.Rows()["tax_unit"]);
    }

    [Fact]
    public void A_link_to_a_missing_group_cannot_be_remapped_and_throws()
    {
        var graph = Graph([100, 100, 200, 300, 999, 400]);
        var ex = Assert.Throws<EntityLinkException>(() => EntityReindexer.Reindex(graph, [2]));
        Assert.Contains("does not exist", ex.Message);

        // Cells that do not touch the broken household still reindex.
        Assert.Equal(3, EntityReindexer.Reindex(graph, [0, 1]).Persons);
    }

    [Fact]
    public void A_group_shared_by_two_households_cannot_be_cloned_per_household_and_throws()
    {
        // Person 2 (household 20) joins tax unit 100, which belongs to household 10.
        var graph = Graph([100, 100, 100, 300, 300, 400]);
        var ex = Assert.Throws<EntityLinkException>(() => EntityReindexer.Reindex(graph, [1]));
        Assert.Contains("another household", ex.Message);
        Assert.Throws<EntityLinkException>(() => EntityReindexer.Reindex(graph, [7]));
    }

    [Fact]
    public void Entity_graph_refuses_duplicate_ids()
    {
        Assert.Throws<ArgumentException>(() => EntityGraph.Build([10, 10], [10], []));
    }

    [Fact]
    public void Cloning_slices_every_variable_by_its_entity_and_writes_fresh_ids()
    {
        var r = EntityReindexer.Reindex(Graph(), [2, 0]);
        MicrodataColumn[] columns =
        [
            new IntColumn("age", "person", [30, 31, 40, 50, 51, 52]),
            new DoubleColumn("rent", "household", [100, 200, 300]),
            new BoolColumn("owns_car", "household", [true, false, true]),
            new CategoryColumn("tenure", "household", ["OWNER", "RENTER"], [0, 1, 1]),
            new LongColumn("filer_code", "tax_unit", [7, 8, 9, 10]),
            new IntColumn("household_id", "household", [10, 20, 30]),
            new IntColumn("person_tax_unit_id", "person", [100, 100, 200, 300, 300, 400]),
            new DoubleColumn("household_weight", "household", [1, 1, 1]),
        ];
        var payload = VariableCloner.Clone("us", 2024, columns, r, new HashSet<string> { "household_weight" });
        Assert.Equal([50, 51, 52, 30, 31], ((IntColumn)payload["age"]).Values);
        Assert.Equal([300.0, 100], ((DoubleColumn)payload["rent"]).Values);
        Assert.Equal([true, true], ((BoolColumn)payload["owns_car"]).Values);
        Assert.Equal(["RENTER", "OWNER"], ((CategoryColumn)payload["tenure"]).AsStrings());
        Assert.Equal([9L, 10, 7], ((LongColumn)payload["filer_code"]).Values);
        Assert.Equal([0, 1], ((IntColumn)payload["household_id"]).Values);
        Assert.Equal([0, 1, 2, 3, 4], ((IntColumn)payload["person_id"]).Values);
        Assert.Equal([0, 0, 0, 1, 1], ((IntColumn)payload["person_household_id"]).Values);
        Assert.Equal([0, 1, 2], ((IntColumn)payload["tax_unit_id"]).Values);
        Assert.Equal([0, 0, 1, 2, 2], ((IntColumn)payload["person_tax_unit_id"]).Values);
        Assert.False(payload.Has("household_weight"));
        Assert.Throws<ArgumentException>(() => payload.Set(new IntColumn("x", "person", [1])));
    }

    [Fact]
    public void Fingerprint_is_stable_and_changes_with_every_component()
    {
        string F(string d = "aa", string c = "bb", string g = "cc", string v = "v1", int s = 1) => PublishFingerprint.Compute(d, c, g, v, s);
        var baseline = F();
        Assert.Equal(baseline, F());
        Assert.Equal(baseline, PublishFingerprint.Compute("AA", "BB", "CC", "v1", 1));
        Assert.Equal(64, baseline.Length);
        Assert.Equal(6, new[] { baseline, F(d: "ab"), F(c: "bc"), F(g: "cd"), F(v: "v2"), F(s: 2) }.Distinct().Count());
        Assert.Throws<ArgumentException>(() => F(g: ""));
    }

    [Fact]
    public void Lpt_balances_weights_across_workers_and_keeps_every_area_once()
    {
        var areas = Enumerable.Range(1, 40).Select(i => new AreaBuildRequest("district", $"A-{i:00}", $"Area {i}", $"d/A-{i:00}.h5", [], null, [],
            new Dictionary<string, string>())).ToList();
        double Weight(AreaBuildRequest a) => int.Parse(a.AreaId[2..], System.Globalization.CultureInfo.InvariantCulture);
        var parts = LptPartitioner.Partition(areas, Weight, 4);
        Assert.Equal(4, parts.Count);
        Assert.Equal(areas.Select(a => a.Key).Order(), parts.SelectMany(p => p).Select(a => a.Key).Order());
        var loads = parts.Select(p => p.Sum(Weight)).ToArray();
        var ideal = areas.Sum(Weight) / 4;
        Assert.True(loads.Max() <= ideal * 1.05, $"loads {string.Join(",", loads)} vs ideal {ideal}");
        Assert.Equal(parts.Select(p => p.Select(a => a.Key).ToArray()), LptPartitioner.Partition(areas, Weight, 4).Select(p => p.Select(a => a.Key).ToArray()));

        // The heaviest areas go first, to different workers; more workers than areas drops the empty ones.
        Assert.Equal(["district:A-40", "district:A-39", "district:A-38", "district:A-37"], parts.Select(p => p[0].Key));
        Assert.Equal(2, LptPartitioner.Partition(areas.Take(2).ToList(), Weight, 8).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => LptPartitioner.Partition(areas, Weight, 0));
    }
}
