namespace Portal.Core.Microdata;

/// <param name="Code">USPS code, also the <c>state_code</c> enum value.</param>
/// <param name="Fips">ANSI/FIPS state code.</param>
/// <param name="Population2020">2020 Census resident population (April 1, 2020).</param>
/// <param name="Districts">Congressional districts after the 2020 apportionment; DC counts its at-large delegate seat.</param>
public sealed record UsState(string Code, string Name, int Fips, int Population2020, int Districts);

/// <param name="Fips">Five-digit county FIPS (state * 1000 + county).</param>
/// <param name="Population2020">2020 Census resident population.</param>
public sealed record UsCounty(int Fips, string Name, int Population2020);

/// <summary>
/// US geography used to place synthetic households. Sources:
/// state populations — U.S. Census Bureau, 2020 Census Apportionment/Redistricting data (P.L. 94-171),
/// https://www.census.gov/data/tables/2020/dec/2020-apportionment-data.html;
/// districts — 2020 apportionment (435 seats) plus DC's at-large delegate = 436, 118th Congress;
/// FIPS — https://www.census.gov/library/reference/code-lists/ansi.html;
/// county populations — 2020 Census (QuickFacts / P.L. 94-171) for the listed counties only.
/// </summary>
public static class UsGeography
{
    /// <summary>Sum of the state table: the 2020 Census resident population of the 50 states and DC.</summary>
    public const long TotalPopulation2020 = 331_449_281;

    /// <summary>
    /// County code for the part of a state outside the counties listed in <see cref="Counties"/>.
    /// Not a real county: documented in docs/data-releases.md so nobody joins it to county data.
    /// </summary>
    public const int BalanceOfStateCounty = 999;

    public static IReadOnlyList<UsState> States { get; } =
    [
        new("AL", "Alabama", 1, 5_024_279, 7),
        new("AK", "Alaska", 2, 733_391, 1),
        new("AZ", "Arizona", 4, 7_151_502, 9),
        new("AR", "Arkansas", 5, 3_011_524, 4),
        new("CA", "California", 6, 39_538_223, 52),
        new("CO", "Colorado", 8, 5_773_714, 8),
        new("CT", "Connecticut", 9, 3_605_944, 5),
        new("DE", "Delaware", 10, 989_948, 1),
        new("DC", "District of Columbia", 11, 689_545, 1),
        new("FL", "Florida", 12, 21_538_187, 28),
        new("GA", "Georgia", 13, 10_711_908, 14),
        new("HI", "Hawaii", 15, 1_455_271, 2),
        new("ID", "Idaho", 16, 1_839_106, 2),
        new("IL", "Illinois", 17, 12_812_508, 17),
        new("IN", "Indiana", 18, 6_785_528, 9),
        new("IA", "Iowa", 19, 3_190_369, 4),
        new("KS", "Kansas", 20, 2_937_880, 4),
        new("KY", "Kentucky", 21, 4_505_836, 6),
        new("LA", "Louisiana", 22, 4_657_757, 6),
        new("ME", "Maine", 23, 1_362_359, 2),
        new("MD", "Maryland", 24, 6_177_224, 8),
        new("MA", "Massachusetts", 25, 7_029_917, 9),
        new("MI", "Michigan", 26, 10_077_331, 13),
        new("MN", "Minnesota", 27, 5_706_494, 8),
        new("MS", "Mississippi", 28, 2_961_279, 4),
        new("MO", "Missouri", 29, 6_154_913, 8),
        new("MT", "Montana", 30, 1_084_225, 2),
        new("NE", "Nebraska", 31, 1_961_504, 3),
        new("NV", "Nevada", 32, 3_104_614, 4),
        new("NH", "New Hampshire", 33, 1_377_529, 2),
        new("NJ", "New Jersey", 34, 9_288_994, 12),
        new("NM", "New Mexico", 35, 2_117_522, 3),
        new("NY", "New York", 36, 20_201_249, 26),
        new("NC", "North Carolina", 37, 10_439_388, 14),
        new("ND", "North Dakota", 38, 779_094, 1),
        new("OH", "Ohio", 39, 11_799_448, 15),
        new("OK", "Oklahoma", 40, 3_959_353, 5),
        new("OR", "Oregon", 41, 4_237_256, 6),
        new("PA", "Pennsylvania", 42, 13_002_700, 17),
        new("RI", "Rhode Island", 44, 1_097_379, 2),
        new("SC", "South Carolina", 45, 5_118_425, 7),
        new("SD", "South Dakota", 46, 886_667, 1),
        new("TN", "Tennessee", 47, 6_910_840, 9),
        new("TX", "Texas", 48, 29_145_505, 38),
        new("UT", "Utah", 49, 3_271_616, 4),
        new("VT", "Vermont", 50, 643_077, 1),
        new("VA", "Virginia", 51, 8_631_393, 11),
        new("WA", "Washington", 53, 7_705_281, 10),
        new("WV", "West Virginia", 54, 1_793_716, 2),
        new("WI", "Wisconsin", 55, 5_893_718, 8),
        new("WY", "Wyoming", 56, 576_851, 1),
    ];

    /// <summary>
    /// Counties placed explicitly (the rest of each state gets <see cref="BalanceOfStateCounty"/>):
    /// all five New York City boroughs and the largest counties of the largest metros.
    /// </summary>
    public static IReadOnlyList<UsCounty> Counties { get; } =
    [
        new(36005, "Bronx County, NY", 1_472_654),
        new(36047, "Kings County, NY", 2_736_074),
        new(36061, "New York County, NY", 1_694_251),
        new(36081, "Queens County, NY", 2_405_464),
        new(36085, "Richmond County, NY", 495_747),
        new(36059, "Nassau County, NY", 1_395_774),
        new(36103, "Suffolk County, NY", 1_525_920),
        new(36119, "Westchester County, NY", 1_004_457),
        new(6037, "Los Angeles County, CA", 10_014_009),
        new(6073, "San Diego County, CA", 3_298_634),
        new(6059, "Orange County, CA", 3_186_989),
        new(48201, "Harris County, TX", 4_731_145),
        new(48113, "Dallas County, TX", 2_613_539),
        new(17031, "Cook County, IL", 5_275_541),
        new(4013, "Maricopa County, AZ", 4_420_568),
        new(12086, "Miami-Dade County, FL", 2_701_767),
        new(53033, "King County, WA", 2_269_675),
        new(32003, "Clark County, NV", 2_265_461),
        new(11001, "District of Columbia", 689_545),
    ];

    public static UsState ByFips(int fips) =>
        States.FirstOrDefault(s => s.Fips == fips) ?? throw new ArgumentOutOfRangeException(nameof(fips), fips, "Not a state FIPS code.");

    /// <summary>Enum possible values for <c>state_code</c>, in table order.</summary>
    public static IReadOnlyList<string> StateCodes { get; } = States.Select(s => s.Code).ToArray();

    /// <summary><c>congressional_district_geoid</c> = state FIPS * 100 + district (at-large seats are district 01).</summary>
    public static int DistrictGeoid(UsState state, int district) => state.Fips * 100 + district;

    /// <summary>Per state: cumulative county populations, ending with the balance of the state (if any remains).</summary>
    internal static (int[] Fips, double[] Cumulative)[] CountySamplers()
    {
        return States.Select(state =>
        {
            var listed = Counties.Where(c => c.Fips / 1000 == state.Fips).ToList();
            var fips = listed.Select(c => c.Fips).ToList();
            var weights = listed.Select(c => (double)c.Population2020).ToList();
            var balance = state.Population2020 - listed.Sum(c => (long)c.Population2020);
            if (balance > 0)
            {
                fips.Add(state.Fips * 1000 + BalanceOfStateCounty);
                weights.Add(balance);
            }

            return (fips.ToArray(), FastRandom.Cumulative(weights.ToArray()));
        }).ToArray();
    }
}
