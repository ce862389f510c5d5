using System.Globalization;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// One geography column of the calibration package, one code per clone row: integer fields keep
/// their values, string/enum fields store the index into <see cref="Categories"/>. The row index by
/// code is built once per field on first use, so selecting an area costs its own rows, not a scan.
/// </summary>
public sealed class GeographyField(string name, long[] codes, IReadOnlyList<string>? categories)
{
    private readonly Lazy<Dictionary<long, int[]>> _index = new(() => BuildIndex(codes), LazyThreadSafetyMode.ExecutionAndPublication);

    public string Name { get; } = name;

    public long[] Codes { get; } = codes;

    /// <summary>Null for integer fields.</summary>
    public IReadOnlyList<string>? Categories { get; } = categories;

    public bool IsCategorical => Categories is not null;

    /// <summary>Rows (ascending) whose code is <paramref name="code"/>.</summary>
    public int[] RowsWith(long code) => _index.Value.TryGetValue(code, out var rows) ? rows : [];

    public IReadOnlyCollection<long> DistinctCodes => _index.Value.Keys;

    /// <summary>The code of a filter value: the category index, or the parsed integer. Null when the value cannot occur.</summary>
    public long? CodeOf(string value)
    {
        if (Categories is { } categories)
        {
            for (var i = 0; i < categories.Count; i++)
            {
                if (string.Equals(categories[i], value, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return null;
        }

        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"Geography field '{Name}' is numeric; '{value}' is not an integer.");
    }

    public string Label(long code) => Categories is { } c ? c[(int)code] : code.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<long, int[]> BuildIndex(long[] codes)
    {
        // Two passes (count, then fill) so each row list is allocated once at its exact size.
        var counts = new Dictionary<long, int>();
        foreach (var c in codes)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        var index = counts.ToDictionary(kv => kv.Key, kv => new int[kv.Value]);
        var fill = counts.Keys.ToDictionary(k => k, _ => 0);
        for (var i = 0; i < codes.Length; i++)
        {
            var c = codes[i];
            index[c][fill[c]++] = i;
        }

        return index;
    }
}
