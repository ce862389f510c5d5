using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Core.Features.Specs;

/// <summary>A YAML node with the 1-based line and column where it starts, for error messages.</summary>
public abstract record YamlNodeAt(int Line, int Column)
{
    public string At => $"line {Line}, column {Column}";
}

/// <summary>
/// A scalar as written. <see cref="Plain"/> scalars are typed by the YAML 1.2 core schema
/// (<c>null ~ true false</c>, integers, floats); quoted scalars (and <c>!!str</c>) are always strings,
/// so <c>"6"</c> stays the string "6" and <c>6</c> the integer 6.
/// </summary>
public sealed partial record YamlScalarAt(string Text, bool Plain, int Line, int Column) : YamlNodeAt(Line, Column)
{
    public JsonNode? Typed()
    {
        if (!Plain)
        {
            return JsonValue.Create(Text);
        }

        if (Text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (Text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (Text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(Text) && long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (FloatPattern().IsMatch(Text) && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(Text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

public sealed record YamlMapAt(IReadOnlyList<KeyValuePair<YamlScalarAt, YamlNodeAt>> Entries, int Line, int Column) : YamlNodeAt(Line, Column)
{
    public YamlNodeAt? this[string key] => Entries.FirstOrDefault(e => e.Key.Text == key).Value;
}

public sealed record YamlSeqAt(IReadOnlyList<YamlNodeAt> Items, int Line, int Column) : YamlNodeAt(Line, Column);

/// <summary>Loads one YAML document into positioned nodes; syntax errors carry line and column.</summary>
public static class YamlTree
{
    public const int MaxBytes = 262_144;

    /// <summary>The document root, or an error message starting "line L, column C: ".</summary>
    public static (YamlNodeAt? Root, string? Error, int Line, int Column) Load(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes)
        {
            return (null, $"line 1, column 1: the document is {text.Length} characters; the limit is {MaxBytes}.", 1, 1);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException as YamlException)?.Message ?? e.Message;
            var (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            return (null, $"line {line}, column {column}: {Clean(message)}", line, column);
        }

        if (stream.Documents.Count != 1)
        {
            return (null, stream.Documents.Count == 0 ? "line 1, column 1: the document is empty." : "line 1, column 1: expected one YAML document, found several.", 1, 1);
        }

        // Aliases share nodes in the loaded stream but are copied here, so nine anchors of nine
        // aliases each ("billion laughs") would expand to a billion nodes: count them and stop.
        var budget = new int[] { MaxNodes };
        try
        {
            return (Convert(stream.Documents[0].RootNode, budget), null, 0, 0);
        }
        catch (NodeBudgetExceeded)
        {
            return (null, $"line 1, column 1: the document expands to more than {MaxNodes} nodes (through YAML aliases); the limit is {MaxNodes}.", 1, 1);
        }
    }

    /// <summary>Far above any real spec or template (a few hundred nodes), far below a memory problem.</summary>
    public const int MaxNodes = 100_000;

    private sealed class NodeBudgetExceeded : Exception;

    private static YamlNodeAt Convert(YamlNode node, int[] budget)
    {
        if (--budget[0] < 0)
        {
            throw new NodeBudgetExceeded();
        }

        var (line, column) = ((int)node.Start.Line, (int)node.Start.Column);
        return node switch
        {
            YamlScalarNode s => Scalar(s),
            YamlMappingNode m => new YamlMapAt([.. m.Children.Select(c => KeyValuePair.Create(Scalar(c.Key), Convert(c.Value, budget)))], line, column),
            YamlSequenceNode q => new YamlSeqAt([.. q.Children.Select(c => Convert(c, budget))], line, column),
            _ => new YamlScalarAt("", true, line, column),
        };
    }

    /// <summary>A complex key (a mapping used as a key) reads as its text; the readers reject unknown keys anyway.</summary>
    private static YamlScalarAt Scalar(YamlNode node)
    {
        var (line, column) = ((int)node.Start.Line, (int)node.Start.Column);
        if (node is not YamlScalarNode s)
        {
            return new YamlScalarAt(node.ToString(), false, line, column);
        }

        var plain = s.Style == ScalarStyle.Plain && s.Tag.IsEmpty;
        return new YamlScalarAt(s.Value ?? "", plain, line, column);
    }

    // YamlDotNet repeats the position in its messages: "(Line: 3, Col: 5, Idx: 20) - (…): text".
    private static string Clean(string message)
    {
        var dash = message.LastIndexOf("): ", StringComparison.Ordinal);
        return dash >= 0 ? message[(dash + 3)..] : message;
    }

    /// <summary>JSON for a YAML subtree: mappings → objects, sequences → arrays, scalars typed.</summary>
    public static JsonNode? ToJson(YamlNodeAt node) => node switch
    {
        YamlScalarAt s => s.Typed(),
        YamlMapAt m => new JsonObject(m.Entries.Select(e => KeyValuePair.Create(e.Key.Text, ToJson(e.Value)))),
        YamlSeqAt q => new JsonArray([.. q.Items.Select(ToJson)]),
        _ => null,
    };
}
