namespace Portal.Core.Microdata;

/// <param name="Code">The <c>region</c> enum value.</param>
/// <param name="Population">Usual residents at the latest census: 2021 (England, Wales, Northern Ireland), 2022 (Scotland).</param>
/// <param name="Constituencies">Westminster constituencies 2010–2024 (650 in total).</param>
/// <param name="GssPrefix">ONS GSS entity code of the constituencies' nation.</param>
public sealed record UkRegion(string Code, string Name, int Population, int Constituencies, string GssPrefix);

/// <summary>
/// UK regions. Sources: ONS Census 2021 "Population and household estimates, England and Wales"
/// (https://www.ons.gov.uk/releases/initialfindingsfromthe2021censusinenglandandwales);
/// NISRA Census 2021; Scotland's Census 2022 (NRS); constituency counts per region from the
/// House of Commons Library, 2010 boundaries (https://commonslibrary.parliament.uk/constituency-data/).
/// Constituency codes follow the GSS numbering ranges (E14000530–E14001062, W07000041–W07000080,
/// S14000001–S14000059, N06000001–N06000018) but the order in which English codes are dealt to
/// regions is synthetic: regions in the order below take consecutive codes. Deterministic and documented.
/// </summary>
public static class UkGeography
{
    public static IReadOnlyList<UkRegion> Regions { get; } =
    [
        new("NORTH_EAST", "North East", 2_647_100, 29, "E14"),
        new("NORTH_WEST", "North West", 7_417_300, 75, "E14"),
        new("YORKSHIRE", "Yorkshire and the Humber", 5_481_400, 54, "E14"),
        new("EAST_MIDLANDS", "East Midlands", 4_880_100, 46, "E14"),
        new("WEST_MIDLANDS", "West Midlands", 5_950_800, 59, "E14"),
        new("EAST_OF_ENGLAND", "East of England", 6_335_100, 58, "E14"),
        new("LONDON", "London", 8_799_800, 73, "E14"),
        new("SOUTH_EAST", "South East", 9_278_100, 84, "E14"),
        new("SOUTH_WEST", "South West", 5_701_200, 55, "E14"),
        new("WALES", "Wales", 3_107_500, 40, "W07"),
        new("SCOTLAND", "Scotland", 5_436_600, 59, "S14"),
        new("NORTHERN_IRELAND", "Northern Ireland", 1_903_100, 18, "N06"),
    ];

    public static IReadOnlyList<string> RegionCodes { get; } = Regions.Select(r => r.Code).ToArray();

    public static long TotalPopulation { get; } = Regions.Sum(r => (long)r.Population);

    /// <summary>All 650 codes per region, in region order.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ConstituencyCodes { get; } = BuildCodes();

    private static IReadOnlyList<string>[] BuildCodes()
    {
        var next = new Dictionary<string, int> { ["E14"] = 530, ["W07"] = 41, ["S14"] = 1, ["N06"] = 1 };
        return Regions.Select(region =>
        {
            var start = next[region.GssPrefix];
            next[region.GssPrefix] = start + region.Constituencies;
            return (IReadOnlyList<string>)Enumerable.Range(start, region.Constituencies)
                .Select(n => $"{region.GssPrefix}{n:000000}")
                .ToArray();
        }).ToArray();
    }
}
