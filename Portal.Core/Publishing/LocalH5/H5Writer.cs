using System.Globalization;
using System.Security.Cryptography;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Codec = Portal.Core.Hdf5.H5Writer;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>What was written, as read back from the file on disk.</summary>
public sealed record H5WriteResult(string Path, string Sha256, long SizeBytes, int Households, int Persons, double WeightTotal, IReadOnlyDictionary<string, int> Rows);

/// <summary>
/// Payload → file: written under a temporary name next to the target, flushed to disk (fsync), then
/// atomically renamed into place, so a crash never leaves a partial file under the real name. The
/// file is then re-opened and its household/person counts and weight total read back.
/// </summary>
public static class H5Writer
{
    public static H5WriteResult Write(H5Payload payload, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var period = payload.Period.ToString(CultureInfo.InvariantCulture);
        using (var writer = Codec.Create(outputPath, new H5WriterOptions(Durable: true)))
        {
            foreach (var column in payload.Columns)
            {
                var dataset = $"/{column.Name}/{period}";
                switch (column)
                {
                    case DoubleColumn d: writer.WriteDataset<double>(dataset, d.Values); break;
                    case IntColumn i: writer.WriteDataset<int>(dataset, i.Values); break;
                    case LongColumn l: writer.WriteDataset<long>(dataset, l.Values); break;
                    case BoolColumn b: writer.WriteDataset<bool>(dataset, b.Values); break;
                    case CategoryColumn c: writer.WriteStrings(dataset, c.AsStrings(), c.FixedLength); break;
                    default: throw new NotSupportedException(column.GetType().Name);
                }

                writer.SetAttribute(dataset, "entity", column.Entity);
            }

            writer.SetAttribute("/", "country", payload.Country);
            writer.SetAttribute("/", "period", payload.Period);
            foreach (var (entity, rows) in payload.Rows.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                writer.SetAttribute("/", $"rows_{entity}", (long)rows);
            }

            foreach (var (name, value) in payload.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                writer.SetAttribute("/", name, value);
            }

            writer.Commit();
        }

        return ReadBack(outputPath, payload.Period);
    }

    /// <summary>Counts, weight total and sha256 of a finished file (also used to verify resumed files).</summary>
    public static H5WriteResult ReadBack(string path, int period)
    {
        var key = period.ToString(CultureInfo.InvariantCulture);
        int households, persons;
        double weight;
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var file = H5File.Open(path))
        {
            households = checked((int)file.Root.GetDataset($"household_id/{key}").Length);
            persons = checked((int)file.Root.GetDataset($"person_id/{key}").Length);
            weight = file.Root.GetDataset($"household_weight/{key}").Read<double>().Sum();
            foreach (var a in file.Root.Attributes.Where(a => a.Name.StartsWith("rows_", StringComparison.Ordinal)))
            {
                rows[a.Name["rows_".Length..]] = checked((int)a.AsLong());
            }
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new H5WriteResult(Path.GetFullPath(path), sha, stream.Length, households, persons, weight, rows);
    }
}
