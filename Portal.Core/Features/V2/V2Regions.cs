using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.V2;

/// <summary>
/// Which part of a bundle's population a v2 simulation covers, in the gateway's region syntax
/// (<see cref="EconomyRegion"/>: <c>us</c>, <c>state/CA</c>, <c>district/CA-12</c>, <c>city/NYC</c>;
/// <c>uk</c>, <c>region/LONDON</c>, <c>constituency/E14000530</c>), so both APIs select the same rows.
/// </summary>
public static class V2Regions
{
    /// <summary>The canonical region text (the country code for the whole population, the default).</summary>
    public static Result<string> Normalize(string country, string? region)
    {
        var parsed = EconomyRegion.Parse(country, region);
        return parsed.Succeeded ? parsed.Value!.ToString() : parsed.Problem!;
    }

    /// <summary>The rows of <paramref name="region"/> (the population itself when national).</summary>
    public static Population Select(CountryModel model, Population population, int period, string region) =>
        EconomyGeography.Filter(model, population, period, EconomyRegion.Parse(model.Country, region).Value!);
}
