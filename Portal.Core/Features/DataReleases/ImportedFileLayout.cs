using System.Globalization;
using Portal.Core.Engine;
using Portal.Core.Hdf5;

namespace Portal.Core.Features.DataReleases;

/// <summary>Limits on an imported file, checked from its metadata before any data array is read.</summary>
public sealed class DataImportOptions
{
    public const string Section = "Data";

    /// <summary>Largest upload accepted (<c>Data:MaxImportBytes</c>); the request guard and the handler both enforce it.</summary>
    public long MaxImportBytes { get; set; } = 1L << 30;

    /// <summary>Most rows one entity may declare (5 million households give about 12 million persons).</summary>
    public const long MaxRowsPerEntity = 50_000_000;

    /// <summary>Most root members (variables) a file may have; a real PolicyEngine file has a few hundred.</summary>
    public const int MaxVariables = 10_000;

    /// <summary>
    /// Decoded data (8 bytes per value, as the loader holds it) may be at most this many times the
    /// file's size plus <see cref="DecodedAllowanceBytes"/>: compressed microdata shrinks a few times,
    /// a decompression bomb (zeros deflate about 1000:1) far more.
    /// </summary>
    public const long MaxDecodedPerFileByte = 32;

    public const long DecodedAllowanceBytes = 256L << 20;

    /// <summary>
    /// Absolute cap on decoded data whatever the file size, so one import stays well inside the
    /// machine's memory (5 million US households decode to about 3 GB).
    /// </summary>
    public const long MaxDecodedBytes = 8L << 30;
}

/// <summary>The period, entity row counts and warnings of an imported file whose layout is sound.</summary>
public sealed record ImportLayout(int Period, IReadOnlyDictionary<string, long> Rows, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks an uploaded file's PolicyEngine layout (<c>/&lt;variable&gt;/&lt;period&gt;</c>, <c>entity</c>
/// attributes, root <c>country</c>, <c>period</c>, <c>rows_&lt;entity&gt;</c>) from headers and attributes
/// only, so hostile declarations (huge dimensions, lengths that disagree, more decoded data than the
/// file can hold) are refused before <see cref="Microdata.DatasetLoader"/> allocates anything. Only the
/// root and one level below it are visited: a link cycle in the group graph is never followed.
/// </summary>
public static class ImportedFileLayout
{
    private const int ValueBytes = sizeof(double);

    public static ImportLayout? Inspect(H5File file, long fileBytes, CountryModel model, int? requestedPeriod, List<string> errors)
    {
        var root = file.Root;
        var country = root.FindAttribute("country")?.AsString();
        if (country is not null && !string.Equals(country, model.Country, StringComparison.Ordinal))
        {
            errors.Add($"The file's root attribute country is '{Short(country)}', but the release is for {model.Country}.");
        }

        var period = requestedPeriod ?? PeriodAttribute(root, errors);
        if (period is null)
        {
            return null;
        }

        if (root.MemberNames.Count > DataImportOptions.MaxVariables)
        {
            errors.Add($"The file has {root.MemberNames.Count:N0} root members; at most {DataImportOptions.MaxVariables:N0} variables are accepted.");
            return null;
        }

        var key = period.Value.ToString(CultureInfo.InvariantCulture);
        var warnings = new List<string>();
        var columns = Columns(root, key, errors, warnings);
        if (columns.Count == 0)
        {
            errors.Add($"The file has no /<variable>/{key} datasets: is the period right, and is the layout PolicyEngine's (one group per variable, one dataset per period)?");
            return null;
        }

        var rows = RowCounts(root, model, key, columns, errors);
        var decoded = 0.0; // double: hostile dimensions must not overflow the sum
        foreach (var (name, dataset) in columns)
        {
            var entity = EntityOf(model, name, dataset, errors);
            if (dataset.Shape.Length != 1)
            {
                errors.Add($"/{name}/{key} has shape [{string.Join(", ", dataset.Shape)}]; variables must be one-dimensional.");
                continue;
            }

            decoded += (double)dataset.Length * Math.Max(ValueBytes, dataset.DataType.Size);
            if (entity is null)
            {
                warnings.Add($"/{name}/{key}: no entity attribute and not a variable of {model}; it is kept only if its length matches one entity.");
            }
            else if (rows.TryGetValue(entity, out var expected) && dataset.Length != expected)
            {
                errors.Add($"/{name}/{key} has {dataset.Length:N0} values, but {entity} has {expected:N0} rows.");
            }
            else if (model.FindEntity(entity) is null)
            {
                warnings.Add($"/{name}/{key}: entity '{Short(entity)}' is not an entity of {model}.");
            }
        }

        var budget = Math.Min(fileBytes * DataImportOptions.MaxDecodedPerFileByte + DataImportOptions.DecodedAllowanceBytes, DataImportOptions.MaxDecodedBytes);
        if (decoded > budget)
        {
            errors.Add($"The datasets declare {decoded:N0} bytes of decoded data, more than a file of {fileBytes:N0} bytes can plausibly hold (limit {budget:N0}): a decompression bomb or corrupt dimensions.");
        }

        return errors.Count == 0 ? new ImportLayout(period.Value, rows, warnings) : null;
    }

    private static int? PeriodAttribute(H5Group root, List<string> errors)
    {
        var attribute = root.FindAttribute("period");
        if (attribute is null)
        {
            errors.Add("The file has no root attribute period: name the period in the request (?period=2024).");
            return null;
        }

        var value = attribute.DataType.Kind == H5TypeKind.String
            ? (int.TryParse(attribute.AsString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0)
            : attribute.DataType.Kind == H5TypeKind.Integer ? attribute.AsLong() : 0;
        if (value is < 2000 or > 2100)
        {
            errors.Add($"The file's root attribute period is '{Short(attribute.AsString())}', not a year between 2000 and 2100.");
            return null;
        }

        return (int)value;
    }

    /// <summary>Every <c>/&lt;variable&gt;/&lt;period&gt;</c> dataset; headers only.</summary>
    private static List<(string Name, H5Dataset Dataset)> Columns(H5Group root, string key, List<string> errors, List<string> warnings)
    {
        var columns = new List<(string, H5Dataset)>();
        foreach (var dataset in root.Datasets)
        {
            warnings.Add($"/{dataset.Name} is a dataset at the root and is ignored (variables are /<variable>/{key}).");
        }

        foreach (var group in root.Groups)
        {
            if (!group.Exists(key))
            {
                continue;
            }

            try
            {
                columns.Add((group.Name, group.GetDataset(key)));
            }
            catch (KeyNotFoundException)
            {
                errors.Add($"/{group.Name}/{key} is not a dataset.");
            }
        }

        return columns;
    }

    /// <summary>
    /// Rows per model entity: the root attribute <c>rows_&lt;entity&gt;</c>, else the length of
    /// <c>/&lt;entity&gt;_id/&lt;period&gt;</c>; both present must agree. The ids and person links the
    /// loader needs must exist.
    /// </summary>
    private static Dictionary<string, long> RowCounts(H5Group root, CountryModel model, string key, List<(string Name, H5Dataset Dataset)> columns, List<string> errors)
    {
        var byName = columns.ToDictionary(c => c.Name, c => c.Dataset, StringComparer.Ordinal);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entity in model.Entities)
        {
            var idName = entity.Key + "_id";
            var ids = byName.GetValueOrDefault(idName);
            if (ids is null)
            {
                errors.Add($"/{idName}/{key} is missing (every entity of {model} needs its ids).");
            }

            if (!entity.IsPerson && !byName.ContainsKey($"{model.Person.Key}_{idName}"))
            {
                errors.Add($"/{model.Person.Key}_{idName}/{key} is missing (it links each {model.Person.Key} to a {entity.Key}).");
            }

            long? declared = null;
            if (root.FindAttribute($"rows_{entity.Key}") is { } attribute)
            {
                declared = attribute.DataType.Kind == H5TypeKind.Integer && attribute.IsScalar ? attribute.AsLong() : -1;
                if (declared < 0)
                {
                    errors.Add($"The root attribute rows_{entity.Key} is not a non-negative integer.");
                    declared = null;
                }
            }

            if (declared is { } d && ids is not null && ids.Length != d)
            {
                errors.Add($"The root attribute rows_{entity.Key} says {d:N0}, but /{idName}/{key} has {ids.Length:N0} values.");
            }

            var count = declared ?? ids?.Length;
            if (count > DataImportOptions.MaxRowsPerEntity)
            {
                errors.Add($"{entity.Key} declares {count:N0} rows; at most {DataImportOptions.MaxRowsPerEntity:N0} are accepted.");
            }
            else if (count is { } c)
            {
                rows[entity.Key] = c;
            }
        }

        return rows;
    }

    /// <summary>The model's entity for a known variable, else the <c>entity</c> attribute; a disagreement is an error.</summary>
    private static string? EntityOf(CountryModel model, string name, H5Dataset dataset, List<string> errors)
    {
        var declared = dataset.FindAttribute("entity") is { DataType.Kind: H5TypeKind.String } a ? a.AsString() : null;
        var known = model.FindVariable(name)?.Entity ?? StructuralEntity(model, name);
        if (known is not null && declared is not null && declared != known)
        {
            errors.Add($"/{name}: the entity attribute says '{Short(declared)}', but {model} defines {name} for {known}.");
        }

        return known ?? declared;
    }

    /// <summary><c>&lt;entity&gt;_id</c> belongs to its entity, <c>person_&lt;group&gt;_id</c> to the person.</summary>
    private static string? StructuralEntity(CountryModel model, string name)
    {
        var person = model.Person.Key;
        if (model.Groups.Any(g => name == $"{person}_{g.Key}_id"))
        {
            return person;
        }

        return model.Entities.FirstOrDefault(e => name == e.Key + "_id")?.Key;
    }

    private static string Short(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
