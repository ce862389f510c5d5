using Portal.Core.Microdata;

namespace Portal.Tests.Microdata;

public sealed class SyntheticGeneratorTests
{
    [Fact]
    public void Same_seed_gives_the_same_population_and_another_seed_does_not()
    {
        var a = SyntheticGenerator.Generate(new SyntheticOptions("us", 500, 7));
        var b = SyntheticGenerator.Generate(new SyntheticOptions("us", 500, 7));
        var c = SyntheticGenerator.Generate(new SyntheticOptions("us", 500, 8));
        Assert.Equal(((DoubleColumn)a["employment_income"]).Values, ((DoubleColumn)b["employment_income"]).Values);
        Assert.Equal(((DoubleColumn)a["household_weight"]).Values, ((DoubleColumn)b["household_weight"]).Values);
        Assert.NotEqual(((DoubleColumn)a["employment_income"]).Values, ((DoubleColumn)c["employment_income"]).Values);
    }

    [Fact]
    public void Us_households_have_consistent_structure_and_weighted_states_hit_census_targets()
    {
        var set = SyntheticGenerator.Generate(new SyntheticOptions("us", 5_000, 42));
        var persons = set.Rows["person"];
        var hh = ((IntColumn)set["person_household_id"]).Values;
        var tu = ((IntColumn)set["person_tax_unit_id"]).Values;
        var head = ((BoolColumn)set["is_tax_unit_head"]).Values;
        var spouse = ((BoolColumn)set["is_tax_unit_spouse"]).Values;
        var dep = ((BoolColumn)set["is_tax_unit_dependent"]).Values;
        var age = ((IntColumn)set["age"]).Values;

        var sizes = hh.GroupBy(x => x).Select(g => g.Count()).ToList();
        Assert.Equal(5_000, sizes.Count);
        Assert.InRange(sizes.Min(), 1, 1);
        Assert.InRange(sizes.Max(), 5, 7);

        // Exactly one head per tax unit, each person exactly one role, dependents are children.
        Assert.All(tu.Select((unit, i) => (unit, i)).GroupBy(x => x.unit), g => Assert.Equal(1, g.Count(x => head[x.i])));
        for (var i = 0; i < persons; i++)
        {
            Assert.Equal(1, (head[i] ? 1 : 0) + (spouse[i] ? 1 : 0) + (dep[i] ? 1 : 0));
            Assert.True(!dep[i] || age[i] < 18);
        }

        var income = ((DoubleColumn)set["employment_income"]).Values;
        var adults = Enumerable.Range(0, persons).Where(i => age[i] is >= 18 and < 65).Select(i => income[i]).ToList();
        var zeroShare = adults.Count(x => x == 0) / (double)adults.Count;
        Assert.InRange(zeroShare, 0.18, 0.34);
        Assert.True(adults.Max() > 500_000, "the Pareto tail reaches high incomes");

        var weights = ((DoubleColumn)set["household_weight"]).Values;
        var states = ((IntColumn)set["state_fips"]).Values;
        var weighted = new Dictionary<int, double>();
        for (var i = 0; i < persons; i++)
        {
            weighted[states[hh[i] - 1]] = weighted.GetValueOrDefault(states[hh[i] - 1]) + weights[hh[i] - 1];
        }

        foreach (var state in UsGeography.States)
        {
            Assert.InRange(weighted[state.Fips] / state.Population2020, 0.995, 1.005);
        }

        Assert.True(SyntheticGenerator.PopulationDeviation(set.Raking) < 0.005);
        Assert.All(weights, w => Assert.True(w > 0));
        var districts = ((IntColumn)set["congressional_district_geoid"]).Values;
        Assert.All(districts.Zip(states), p => Assert.Equal(p.Second, p.First / 100));
        Assert.Contains(1101, districts);
        var counties = ((IntColumn)set["county_fips"]).Values.ToHashSet();
        Assert.Subset(counties, new HashSet<int> { 36005, 36047, 36061, 36081, 36085 });
    }

    [Fact]
    public void Uk_benefit_units_and_regions_are_consistent()
    {
        var set = SyntheticGenerator.Generate(new SyntheticOptions("uk", 3_000, 1));
        var adult = ((BoolColumn)set["is_benunit_adult"]).Values;
        var bu = ((IntColumn)set["person_benunit_id"]).Values;
        Assert.All(bu.Select((unit, i) => (unit, i)).GroupBy(x => x.unit), g => Assert.InRange(g.Count(x => adult[x.i]), 1, 2));
        var region = (CategoryColumn)set["region"];
        Assert.Equal(12, region.Indices.Distinct().Count());
        Assert.Equal(9, ((CategoryColumn)set["constituency_code"]).FixedLength);
        Assert.True(set.Raking.MaxRelativeDeviation["region_population"] < 0.005);
    }

    [Fact]
    public void Calibration_package_has_a_geography_and_weight_per_clone_and_household()
    {
        var options = new SyntheticOptions("us", 1_000, 3, Clones: 4);
        var national = SyntheticGenerator.Generate(options);
        var calibration = SyntheticGenerator.GenerateCalibration(options, national);
        Assert.Equal(4_000, calibration.Rows["clone_household"]);
        var block = ((LongColumn)calibration["block_geoid"]).Values;
        var county = ((IntColumn)calibration["county_fips"]).Values;
        Assert.All(block.Zip(county), p => Assert.Equal(p.Second, p.First / 10_000_000_000L));
        Assert.Equal([0, 1, 2, 3], ((IntColumn)calibration["clone"]).Values.Distinct().Order());
        Assert.True(calibration.Raking.MaxRelativeDeviation["state_population"] < 0.005);
    }

    [Theory]
    [InlineData("fr", 1000, 0)]
    [InlineData("us", 10, 0)]
    [InlineData("us", 1000, 1000)]
    public void Bad_options_are_rejected(string country, int households, int clones) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticGenerator.Generate(new SyntheticOptions(country, households, 1, Clones: clones)));
}
