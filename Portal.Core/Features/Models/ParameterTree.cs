using System.Globalization;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>Walks and filters a release's parameter tree for the explorer and the metadata API.</summary>
public static class ParameterTree
{
    /// <summary>Every leaf and scale, depth first, in file order.</summary>
    public static IEnumerable<ParameterNode> Leaves(ParameterNode node)
    {
        if (node is ParameterGroup group)
        {
            foreach (var child in group.Children)
            {
                foreach (var leaf in Leaves(child))
                {
                    yield return leaf;
                }
            }
        }
        else
        {
            yield return node;
        }
    }

    /// <summary>True when the node or any descendant matches the search text (path, label or description).</summary>
    public static bool Matches(ParameterNode node, string? query) =>
        string.IsNullOrWhiteSpace(query)
        || Contains(node.Path, query) || Contains(node.Label, query) || Contains(node.Description, query)
        || (node is ParameterGroup group && group.Children.Any(c => Matches(c, query)));

    /// <summary>The node at a dotted path, or null.</summary>
    public static ParameterNode? Find(ParameterNode root, string path)
    {
        var node = root;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = (node as ParameterGroup)?.Child(segment);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>A value as the law writes it: rates as percentages, money with separators.</summary>
    public static string Format(double value, string? unit, bool isBool = false)
    {
        if (isBool)
        {
            return value != 0 ? "true" : "false";
        }

        return unit switch
        {
            "/1" => (value * 100).ToString("0.####", CultureInfo.InvariantCulture) + "%",
            not null when unit.StartsWith("currency-", StringComparison.Ordinal) =>
                unit[9..] + " " + value.ToString(value % 1 == 0 ? "#,0" : "#,0.00", CultureInfo.InvariantCulture),
            _ => value.ToString("#,0.####", CultureInfo.InvariantCulture),
        };
    }

    private static bool Contains(string? text, string query) =>
        text is not null && text.Contains(query.Trim(), StringComparison.OrdinalIgnoreCase);
}
