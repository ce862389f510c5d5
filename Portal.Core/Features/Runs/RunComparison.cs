using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Runs;

/// <summary>What one run contributes to a comparison: its values per group and key (null = absent).</summary>
public sealed record RunFacts(string RunId, string Label, IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonNode?>> Groups);

/// <summary>One run's value in a row; <see cref="Absolute"/>/<see cref="Relative"/> are against the first run (null for it, for non-numbers, and for a zero base).</summary>
public sealed record CompareCell(string? Text, double? Number, double? Absolute, double? Relative);

public sealed record CompareRow(string Group, string Key, IReadOnlyList<CompareCell> Cells, bool Differs);

public sealed record CompareColumn(string RunId, string Label);

/// <summary>
/// Side-by-side comparison of runs (pure; no I/O): columns per run, rows per (group, key) in the fixed
/// group order then key order, numeric cells with the absolute and relative difference from the first
/// run. A row differs when any two runs' values differ (canonical JSON; an absent value differs from any
/// present one). <c>differencesOnly</c> (the default on the page) keeps only differing rows.
/// </summary>
public sealed record RunComparison(IReadOnlyList<CompareColumn> Columns, IReadOnlyList<CompareRow> Rows, bool DifferencesOnly, int TotalRows)
{
    public const string Bundle = "Bundle";
    public const string Template = "Template & parameters";
    public const string Reform = "Reform parameters";
    public const string Outputs = "Outputs";

    public static IReadOnlyList<string> GroupOrder { get; } = [Bundle, Template, Reform, Outputs];

    public static RunComparison Compare(IReadOnlyList<RunFacts> runs, bool differencesOnly)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var groups = GroupOrder.Concat(runs.SelectMany(r => r.Groups.Keys).Except(GroupOrder).Order(StringComparer.Ordinal)).ToList();
        var rows = new List<CompareRow>();
        foreach (var group in groups)
        {
            var keys = runs.SelectMany(r => r.Groups.TryGetValue(group, out var g) ? g.Keys : []).Distinct().Order(KeyOrder.Instance);
            foreach (var key in keys)
            {
                var values = runs.Select(r => r.Groups.TryGetValue(group, out var g) && g.TryGetValue(key, out var v) ? v : null).ToList();
                var texts = values.Select(v => v is null ? null : RunCanonicalJson.Serialize(v)).ToList();
                var differs = texts.Distinct(StringComparer.Ordinal).Count() > 1;
                var numbers = values.Select(AsNumber).ToList();
                var cells = values.Select((v, i) => new CompareCell(
                    Display(v),
                    numbers[i],
                    i > 0 && numbers[0] is { } b0 && numbers[i] is { } n ? n - b0 : null,
                    i > 0 && numbers[0] is { } b1 && b1 != 0 && numbers[i] is { } m ? (m - b1) / Math.Abs(b1) : null)).ToList();
                rows.Add(new CompareRow(group, key, cells, differs));
            }
        }

        return new RunComparison(
            runs.Select(r => new CompareColumn(r.RunId, r.Label)).ToList(),
            differencesOnly ? rows.Where(r => r.Differs).ToList() : rows,
            differencesOnly,
            rows.Count);
    }

    public JsonObject ToJson() => new()
    {
        ["runs"] = new JsonArray(Columns.Select(c => (JsonNode?)new JsonObject { ["run_id"] = c.RunId, ["label"] = c.Label }).ToArray()),
        ["differences_only"] = DifferencesOnly,
        ["total_rows"] = TotalRows,
        ["rows"] = new JsonArray(Rows.Select(r => (JsonNode?)new JsonObject
        {
            ["group"] = r.Group,
            ["key"] = r.Key,
            ["differs"] = r.Differs,
            ["values"] = new JsonArray(r.Cells.Select(c => (JsonNode?)new JsonObject
            {
                ["value"] = c.Text,
                ["number"] = c.Number,
                ["absolute_difference"] = c.Absolute,
                ["relative_difference"] = c.Relative,
            }).ToArray()),
        }).ToArray()),
    };

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# Run comparison\n\n");
        md.Append(DifferencesOnly ? $"Differences only: {Rows.Count} of {TotalRows} rows differ.\n" : $"All {TotalRows} rows.\n");
        foreach (var group in Rows.GroupBy(r => r.Group))
        {
            md.Append("\n## ").Append(group.Key).Append("\n\n| Key | ").Append(string.Join(" | ", Columns.Select(c => Escape(c.Label)))).Append(" |\n|---|");
            md.Append(string.Concat(Enumerable.Repeat("---|", Columns.Count))).Append('\n');
            foreach (var row in group)
            {
                md.Append("| ").Append(Escape(row.Key)).Append(row.Differs ? " ≠" : "").Append(" | ");
                md.Append(string.Join(" | ", row.Cells.Select(Format))).Append(" |\n");
            }
        }

        return md.ToString();
    }

    /// <summary>A cell for people: the value, then (for later runs) the absolute and relative difference.</summary>
    public static string Format(CompareCell cell)
    {
        var text = Escape(cell.Text ?? "—");
        if (cell.Absolute is { } abs && abs != 0)
        {
            text += $" (Δ {abs.ToString("+#,0.####;-#,0.####", CultureInfo.InvariantCulture)}";
            text += cell.Relative is { } rel ? $", {rel.ToString("+0.##%;-0.##%", CultureInfo.InvariantCulture)})" : ")";
        }

        return text;
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>
    /// Why not <c>GetValue&lt;double&gt;()</c>: a JsonValue built from a C# int or long (bundle fields,
    /// provenance parameters) refuses that conversion and threw — the 500 of /compare.json on real runs.
    /// </summary>
    private static double? AsNumber(JsonNode? v)
    {
        if (v is not JsonValue value || value.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }

        var d = value.TryGetValue<double>(out var x) ? x : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(d) ? d : null;
    }

    private static string? Display(JsonNode? v) => v switch
    {
        null => null,
        JsonValue s when s.GetValueKind() == System.Text.Json.JsonValueKind.String => s.GetValue<string>(),
        JsonValue n when n.GetValueKind() == System.Text.Json.JsonValueKind.Number => RunCanonicalJson.Number(n),
        _ => RunCanonicalJson.Serialize(v),
    };

    /// <summary>Keys in ordinal order, except that numbered keys (<c>decile 2</c> before <c>decile 10</c>) sort by number.</summary>
    private sealed class KeyOrder : IComparer<string>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var (px, nx) = Split(x ?? "");
            var (py, ny) = Split(y ?? "");
            var prefix = string.CompareOrdinal(px, py);
            return prefix != 0 ? prefix : nx != ny ? nx.CompareTo(ny) : string.CompareOrdinal(x, y);
        }

        private static (string Prefix, long Number) Split(string s)
        {
            var i = 0;
            while (i < s.Length && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var j = i;
            while (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                j++;
            }

            return j > i && j - i < 18 ? (s[..i], long.Parse(s[i..j], CultureInfo.InvariantCulture)) : (s, -1);
        }
    }
}
