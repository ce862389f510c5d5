using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Everything one area file will contain: typed columns (one per variable, each the length of its
/// entity), row counts per entity and root attributes. Written as <c>/&lt;variable&gt;/&lt;period&gt;</c>.
/// </summary>
public sealed class H5Payload(string country, int period, IReadOnlyDictionary<string, int> rows)
{
    private readonly Dictionary<string, MicrodataColumn> _columns = new(StringComparer.Ordinal);

    public string Country { get; } = country;

    public int Period { get; } = period;

    public IReadOnlyDictionary<string, int> Rows { get; } = rows;

    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Seconds spent per build phase (selection, reindexing, cloning, augmentation), for the benchmark.</summary>
    public Dictionary<string, double> PhaseSeconds { get; } = new(StringComparer.Ordinal);

    /// <summary>Columns sorted by name (file order is deterministic).</summary>
    public IReadOnlyList<MicrodataColumn> Columns => _columns.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();

    public bool Has(string name) => _columns.ContainsKey(name);

    public MicrodataColumn this[string name] => _columns.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"The payload has no variable '{name}'.");

    /// <summary>Adds or replaces a column; its length must match its entity's row count.</summary>
    public void Set(MicrodataColumn column)
    {
        if (!Rows.TryGetValue(column.Entity, out var expected))
        {
            throw new ArgumentException($"'{column.Name}' belongs to entity '{column.Entity}', which the payload does not have.");
        }

        if (column.Length != expected)
        {
            throw new ArgumentException($"'{column.Name}' has {column.Length} values for {expected} {column.Entity} rows.");
        }

        _columns[column.Name] = column;
    }

    /// <summary>Adds without the length check: only for tests of the validator, which must see bad payloads.</summary>
    internal void SetUnchecked(MicrodataColumn column) => _columns[column.Name] = column;

    public double WeightTotal => Has("household_weight") ? ((DoubleColumn)this["household_weight"]).Values.Sum() : 0;
}
