using System.Globalization;
using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <param name="Source"><c>census_2020</c>, <c>census_2021</c> (UK), or <c>calibration_package</c> (Σ weight × persons of the area's cells, aggregated straight from the package).</param>
public sealed record AreaTarget(double Persons, string Source);

/// <summary>
/// The population an area file should carry. States, UK regions and nations use the census totals the
/// package was raked to; other areas use the package's own weighted persons, summed per geography code
/// in one scan of the package (an independent path from selection → reindexing → file).
/// </summary>
public static class AreaTargets
{
    public static AreaTarget? For(AreaBuildRequest area, SourceSnapshot source)
    {
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(source);
        var id = area.ValidationIds.Count == 1 ? area.ValidationIds[0] : null;
        switch (area.ValidationGeoLevel, source.Country)
        {
            case ("national", "us"):
                return new AreaTarget(UsGeography.TotalPopulation2020, "census_2020");
            case ("national", "uk"):
                return new AreaTarget(UkGeography.TotalPopulation, "census_2021");
            case ("state", "us") when int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var fips):
                return new AreaTarget(UsGeography.ByFips(fips).Population2020, "census_2020");
            case ("region", "uk") when UkGeography.Regions.FirstOrDefault(r => r.Code == id) is { } region:
                return new AreaTarget(region.Population, "census_2021");
        }

        if (area.Filters.Count != 1)
        {
            return null;
        }

        var filter = area.Filters[0];
        var byCode = source.WeightedPersonsByCode(filter.GeographyField);
        var field = source.Cells.Field(filter.GeographyField);
        var total = filter.Values().Select(field.CodeOf).Where(c => c is not null).Sum(c => byCode.GetValueOrDefault(c!.Value));
        return new AreaTarget(total, "calibration_package");
    }
}
