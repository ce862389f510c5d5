using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Features.DataReleases;
using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Every area of a country, derived from the geography codes actually present in the calibration
/// package (never re-drawn): US — states (<c>states/CA.h5</c>), congressional districts
/// (<c>districts/CA-12.h5</c>; at-large seats and DC's delegate are <c>-01</c>), NYC (<c>cities/NYC.h5</c>,
/// the five borough counties) and <c>national/US.h5</c>; UK — regions (<c>regions/LONDON.h5</c>),
/// constituencies (<c>constituencies/E14000530.h5</c>) and <c>national/UK.h5</c>.
/// </summary>
public sealed class AreaCatalog
{
    public const string Format = "portal-local-h5-catalog/1";

    /// <summary>The five New York City borough counties: Bronx, Kings, New York, Queens, Richmond.</summary>
    public static IReadOnlyList<long> NycCounties { get; } = [36005, 36047, 36061, 36081, 36085];

    private readonly Dictionary<string, double> _expected;

    private AreaCatalog(string country, IReadOnlyList<AreaBuildRequest> areas, Dictionary<string, double> expected)
    {
        Country = country;
        Areas = areas;
        _expected = expected;
        var json = new JsonArray(areas.Select(a => (JsonNode)PublishingJson.Serialize(a)).ToArray());
        Version = "v1-" + DataReleaseManifest.Sha256Hex(Format + "\n" + json.ToJsonString())[..16];
    }

    public string Country { get; }

    /// <summary>Changes whenever any area's id, path, filters or validation ids change (a fingerprint component).</summary>
    public string Version { get; }

    public IReadOnlyList<AreaBuildRequest> Areas { get; }

    public static IReadOnlyList<string> Scopes { get; } = ["regional", "national", "all"];

    public IReadOnlyList<AreaBuildRequest> ForScope(string scope) => scope switch
    {
        "regional" => Areas.Where(a => a.AreaType != "national").ToArray(),
        "national" => Areas.Where(a => a.AreaType == "national").ToArray(),
        "all" => Areas,
        _ => throw new ArgumentException($"Unknown scope '{scope}': use regional, national or all.", nameof(scope)),
    };

    public AreaBuildRequest? Find(string key) => Areas.FirstOrDefault(a => a.Key == key || a.OutputRelativePath == key || a.OutputRelativePath == key + ".h5");

    /// <summary>Output households the area will have (its clone cells with weight &gt; 0): the LPT balancing weight.</summary>
    public double ExpectedHouseholds(AreaBuildRequest area) => _expected.TryGetValue(area.Key, out var n) ? n : 1;

    public static AreaCatalog FromCalibration(string country, SourceSnapshot source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FromCells(country, source.Cells);
    }

    public static AreaCatalog FromCells(string country, CalibrationCells cells)
    {
        var areas = country switch
        {
            "us" => UsAreas(cells),
            "uk" => UkAreas(cells),
            _ => throw new ArgumentException($"No area catalog for country '{country}'.", nameof(country)),
        };
        var expected = areas.ToDictionary(a => a.Key, a => (double)AreaSelector.Count(cells, a.Filters), StringComparer.Ordinal);
        return new AreaCatalog(country, areas, expected);
    }

    /// <summary><c>CA-12</c> from geoid 612; at-large (00) and DC's delegate (98) map to <c>-01</c> as upstream does.</summary>
    public static string DistrictId(long geoid)
    {
        var state = UsGeography.ByFips((int)(geoid / 100));
        var number = geoid % 100;
        return string.Create(CultureInfo.InvariantCulture, $"{state.Code}-{(number is 0 or 98 ? 1 : number):00}");
    }

    private static List<AreaBuildRequest> UsAreas(CalibrationCells cells)
    {
        var states = Codes(cells, "state_fips");
        var districts = Codes(cells, "congressional_district_geoid");
        var counties = Codes(cells, "county_fips").ToHashSet();
        var areas = new List<AreaBuildRequest>();
        foreach (var state in UsGeography.States.Where(s => states.Contains(s.Fips)))
        {
            var fips = state.Fips.ToString(CultureInfo.InvariantCulture);
            areas.Add(new AreaBuildRequest("state", state.Code, state.Name, $"states/{state.Code}.h5", [AreaFilter.Eq("state_fips", state.Fips)],
                "state", [fips], new Dictionary<string, string> { ["state_fips"] = fips, ["country"] = "us" }));
        }

        foreach (var geoid in districts)
        {
            var id = DistrictId(geoid);
            var state = UsGeography.ByFips((int)(geoid / 100));
            var g = geoid.ToString(CultureInfo.InvariantCulture);
            areas.Add(new AreaBuildRequest("district", id, $"{state.Name} district {id[3..]}", $"districts/{id}.h5",
                [AreaFilter.Eq("congressional_district_geoid", geoid)], "district", [g],
                new Dictionary<string, string> { ["congressional_district_geoid"] = g, ["state_fips"] = (geoid / 100).ToString(CultureInfo.InvariantCulture), ["country"] = "us" }));
        }

        if (NycCounties.Any(counties.Contains))
        {
            areas.Add(new AreaBuildRequest("city", "NYC", "New York City", "cities/NYC.h5", [AreaFilter.In("county_fips", NycCounties)], "city", ["NYC"],
                new Dictionary<string, string> { ["county_fips"] = string.Join(",", NycCounties), ["country"] = "us" }));
        }

        areas.Add(AreaBuildRequest.National("us"));
        return areas;
    }

    private static List<AreaBuildRequest> UkAreas(CalibrationCells cells)
    {
        var regions = cells.Field("region");
        var constituencies = cells.Field("constituency_code");
        var present = regions.DistinctCodes.Select(regions.Label).ToHashSet(StringComparer.Ordinal);
        var areas = new List<AreaBuildRequest>();
        foreach (var region in UkGeography.Regions.Where(r => present.Contains(r.Code)))
        {
            areas.Add(new AreaBuildRequest("region", region.Code, region.Name, $"regions/{region.Code}.h5", [AreaFilter.Eq("region", region.Code)],
                "region", [region.Code], new Dictionary<string, string> { ["country"] = "uk" }));
        }

        foreach (var code in constituencies.DistinctCodes.Select(constituencies.Label).Order(StringComparer.Ordinal))
        {
            areas.Add(new AreaBuildRequest("constituency", code, $"Constituency {code}", $"constituencies/{code}.h5", [AreaFilter.Eq("constituency_code", code)],
                "constituency", [code], new Dictionary<string, string> { ["country"] = "uk" }));
        }

        areas.Add(AreaBuildRequest.National("uk"));
        return areas;
    }

    private static long[] Codes(CalibrationCells cells, string field) => cells.Field(field).DistinctCodes.Order().ToArray();
}
