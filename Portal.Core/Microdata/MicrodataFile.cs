using System.Globalization;
using Portal.Core.Hdf5;

namespace Portal.Core.Microdata;

/// <summary>
/// Writes a <see cref="MicrodataSet"/> as HDF5. The national file uses PolicyEngine's layout,
/// one group per variable and one dataset per period (<c>/employment_income/2024</c>), enums as
/// fixed-length byte strings; the calibration package uses flat <c>/&lt;column&gt;</c> datasets.
/// Root attributes record the country, period, entity row counts and raking result.
/// </summary>
public static class MicrodataFile
{
    public static void Write(MicrodataSet set, string path, bool periodGroups, IReadOnlyDictionary<string, string>? attributes = null, H5Layout? layout = null)
    {
        using var writer = H5Writer.Create(path);
        var period = set.Period.ToString(CultureInfo.InvariantCulture);
        foreach (var column in set.Columns)
        {
            var dataset = periodGroups ? $"/{column.Name}/{period}" : $"/{column.Name}";
            switch (column)
            {
                case DoubleColumn d: writer.WriteDataset<double>(dataset, d.Values, layout); break;
                case IntColumn i: writer.WriteDataset<int>(dataset, i.Values, layout); break;
                case LongColumn l: writer.WriteDataset<long>(dataset, l.Values, layout); break;
                case BoolColumn b: writer.WriteDataset<bool>(dataset, b.Values, layout); break;
                case CategoryColumn c: writer.WriteStrings(dataset, c.AsStrings(), c.FixedLength, layout); break;
                default: throw new NotSupportedException(column.GetType().Name);
            }

            writer.SetAttribute(dataset, "entity", column.Entity);
        }

        writer.SetAttribute("/", "country", set.Country);
        writer.SetAttribute("/", "period", set.Period);
        writer.SetAttribute("/", "raking_max_deviation", SyntheticGenerator.PopulationDeviation(set.Raking));
        foreach (var (entity, rows) in set.Rows)
        {
            writer.SetAttribute("/", $"rows_{entity}", (long)rows);
        }

        foreach (var (name, value) in attributes ?? new Dictionary<string, string>())
        {
            writer.SetAttribute("/", name, value);
        }

        writer.Commit();
    }
}
