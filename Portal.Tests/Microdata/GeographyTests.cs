using Portal.Core.Microdata;

namespace Portal.Tests.Microdata;

public sealed class GeographyTests
{
    [Fact]
    public void Us_table_has_51_jurisdictions_436_districts_and_the_2020_census_total()
    {
        Assert.Equal(51, UsGeography.States.Count);
        Assert.Equal(436, UsGeography.States.Sum(s => s.Districts));
        Assert.Equal(UsGeography.TotalPopulation2020, UsGeography.States.Sum(s => (long)s.Population2020));
        Assert.Equal(51, UsGeography.States.Select(s => s.Fips).Distinct().Count());
        Assert.Equal("DC", UsGeography.ByFips(11).Code);
        Assert.Equal(5602, UsGeography.DistrictGeoid(UsGeography.ByFips(56), 2));
    }

    [Fact]
    public void Listed_counties_never_exceed_their_state_population()
    {
        foreach (var state in UsGeography.States)
        {
            var listed = UsGeography.Counties.Where(c => c.Fips / 1000 == state.Fips).Sum(c => (long)c.Population2020);
            Assert.True(listed <= state.Population2020, state.Code);
        }

        Assert.All(new[] { 36005, 36047, 36061, 36081, 36085 }, fips => Assert.Contains(UsGeography.Counties, c => c.Fips == fips));
    }

    [Fact]
    public void Uk_has_12_regions_and_650_distinct_constituency_codes()
    {
        Assert.Equal(12, UkGeography.Regions.Count);
        var codes = UkGeography.ConstituencyCodes.SelectMany(c => c).ToList();
        Assert.Equal(650, codes.Count);
        Assert.Equal(650, codes.Distinct().Count());
        Assert.Equal("E14000530", codes[0]);
        Assert.Equal("E14001062", UkGeography.ConstituencyCodes[8][^1]);
        Assert.Equal("N06000018", codes[^1]);
        Assert.All(codes, c => Assert.Equal(9, c.Length));
    }
}
