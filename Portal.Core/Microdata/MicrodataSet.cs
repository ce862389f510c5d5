namespace Portal.Core.Microdata;

/// <summary>One input variable for one entity: a typed array, never boxed per value.</summary>
public abstract class MicrodataColumn(string name, string entity)
{
    public string Name { get; } = name;

    /// <summary>Entity key (<c>person</c>, <c>household</c>, …) whose rows this column has.</summary>
    public string Entity { get; } = entity;

    public abstract int Length { get; }
}

public sealed class DoubleColumn(string name, string entity, double[] values) : MicrodataColumn(name, entity)
{
    public double[] Values { get; } = values;

    public override int Length => Values.Length;
}

public sealed class IntColumn(string name, string entity, int[] values) : MicrodataColumn(name, entity)
{
    public int[] Values { get; } = values;

    public override int Length => Values.Length;
}

public sealed class LongColumn(string name, string entity, long[] values) : MicrodataColumn(name, entity)
{
    public long[] Values { get; } = values;

    public override int Length => Values.Length;
}

public sealed class BoolColumn(string name, string entity, bool[] values) : MicrodataColumn(name, entity)
{
    public bool[] Values { get; } = values;

    public override int Length => Values.Length;
}

/// <summary>
/// An enum or code column stored as indices into <see cref="Categories"/>; written to HDF5 as
/// fixed-length byte strings (PolicyEngine's enum layout) without materialising a string per row.
/// </summary>
public sealed class CategoryColumn(string name, string entity, IReadOnlyList<string> categories, int[] indices) : MicrodataColumn(name, entity)
{
    public IReadOnlyList<string> Categories { get; } = categories;

    public int[] Indices { get; } = indices;

    public override int Length => Indices.Length;

    public int FixedLength { get; } = Math.Max(1, categories.Max(c => System.Text.Encoding.UTF8.GetByteCount(c)));

    /// <summary>The values as strings, lazily (a view, not a copy).</summary>
    public IReadOnlyList<string> AsStrings() => new StringView(this);

    private sealed class StringView(CategoryColumn column) : IReadOnlyList<string>
    {
        public string this[int index] => column.Categories[column.Indices[index]];

        public int Count => column.Indices.Length;

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>How well raking hit its targets: the largest |weighted − target| / target per margin.</summary>
public sealed record RakingReport(int Iterations, IReadOnlyDictionary<string, double> MaxRelativeDeviation)
{
    public double MaxDeviation => MaxRelativeDeviation.Count == 0 ? 0 : MaxRelativeDeviation.Values.Max();
}

/// <summary>A column-oriented population or table for one period, ready to be written as <c>/&lt;variable&gt;/&lt;period&gt;</c>.</summary>
public sealed class MicrodataSet(string country, int period, IReadOnlyDictionary<string, int> rows, IReadOnlyList<MicrodataColumn> columns, RakingReport raking)
{
    public string Country { get; } = country;

    public int Period { get; } = period;

    /// <summary>Rows per entity key.</summary>
    public IReadOnlyDictionary<string, int> Rows { get; } = rows;

    public IReadOnlyList<MicrodataColumn> Columns { get; } = columns;

    public RakingReport Raking { get; } = raking;

    public MicrodataColumn this[string name] => Columns.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException(name);
}
