using Portal.Core.Common;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Tests.Features;

public sealed class EconomyRegionTests
{
    [Theory]
    [InlineData("us", null, "national", "us", "us")]
    [InlineData("us", "", "national", "us", "us")]
    [InlineData("us", "US", "national", "us", "us")]
    [InlineData("us", "state/ca", "state", "CA", "state/CA")]
    [InlineData("us", "State/California", "state", "CA", "state/CA")]
    [InlineData("us", "district/ca-12", "district", "CA-12", "district/CA-12")]
    [InlineData("us", "district/CA-1", "district", "CA-01", "district/CA-01")]
    [InlineData("us", "district/AK-01", "district", "AK-01", "district/AK-01")]
    [InlineData("us", "city/nyc", "city", "NYC", "city/NYC")]
    [InlineData("uk", null, "national", "uk", "uk")]
    [InlineData("uk", "UK", "national", "uk", "uk")]
    [InlineData("uk", "region/london", "region", "LONDON", "region/LONDON")]
    [InlineData("uk", "region/North East", "region", "NORTH_EAST", "region/NORTH_EAST")]
    [InlineData("uk", "region/yorkshire and the humber", "region", "YORKSHIRE", "region/YORKSHIRE")]
    [InlineData("uk", "constituency/e14000530", "constituency", "E14000530", "constituency/E14000530")]
    [InlineData("uk", "constituency/N06000018", "constituency", "N06000018", "constituency/N06000018")]
    public void Parses_case_insensitively_to_canonical_text(string country, string? text, string kind, string code, string canonical)
    {
        var result = EconomyRegion.Parse(country, text);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        Assert.Equal(new EconomyRegion(kind, code), result.Value);
        Assert.Equal(canonical, result.Value!.ToString());
        Assert.Equal(result.Value, EconomyRegion.Parse(country, canonical).Value);
    }

    [Theory]
    [InlineData("us", "state/XX", "Unknown state 'XX'", "AL, AK, AZ")]
    [InlineData("us", "state/TXX", "did you mean 'TX'?", "WY")]
    [InlineData("us", "district/CA-53", "CA-01 to CA-52", "there is no district 53")]
    [InlineData("us", "district/CA-0", "CA-01 to CA-52", "no district 0")]
    [InlineData("us", "district/WY-02", "one (at-large) district: district/WY-01", "Wyoming")]
    [InlineData("us", "district/CA12", "district/<state>-<number>", "district/CA-12")]
    [InlineData("us", "city/LA", "Unknown city 'LA'", "city/NYC")]
    [InlineData("us", "county/06037", "Unknown US region", "state/<code>")]
    [InlineData("us", "stat/CA", "did you mean 'state'?", "district/<ST-NN>")]
    [InlineData("us", "region/LONDON", "Unknown US region", "city/NYC")]
    [InlineData("uk", "region/ATLANTIS", "Unknown UK region 'ATLANTIS'", "NORTH_EAST, NORTH_WEST")]
    [InlineData("uk", "region/LONDN", "did you mean 'LONDON'?", "SCOTLAND")]
    [InlineData("uk", "constituency/E14000001", "Unknown constituency 'E14000001'", "E14000530–E14001062")]
    [InlineData("uk", "state/CA", "Unknown UK region", "constituency/<GSS code>")]
    public void Unknown_regions_are_invalid_with_the_valid_forms(string country, string text, string first, string second)
    {
        var result = EconomyRegion.Parse(country, text);
        Assert.False(result.Succeeded);
        Assert.Equal(ProblemKind.Validation, result.Problem!.Kind);
        var message = Assert.Single(result.Problem.Errors!["region"]);
        Assert.Contains(first, message, StringComparison.Ordinal);
        Assert.Contains(second, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_country_is_a_country_error()
    {
        var result = EconomyRegion.Parse("fr", "fr");
        Assert.False(result.Succeeded);
        Assert.Contains("country", result.Problem!.Errors!.Keys);
    }
}
