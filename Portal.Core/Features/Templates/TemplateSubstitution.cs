using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Templates;

/// <summary>
/// Type-aware <c>${name}</c> substitution on the positioned YAML tree (never on text). A scalar that
/// is exactly one placeholder takes the parameter's typed value: a number or boolean becomes a plain
/// scalar, a string a quoted one (so "6" stays a string). A placeholder inside longer text is
/// replaced by the value's text (numbers in canonical form) and the scalar keeps its own style, so
/// <c>start: ${year}-01-01</c> reads as the date text it would be if written out.
/// </summary>
public static partial class TemplateSubstitution
{
    public static YamlNodeAt Apply(YamlNodeAt node, JsonObject values) => node switch
    {
        YamlScalarAt s => Scalar(s, values),
        YamlMapAt m => m with { Entries = [.. m.Entries.Select(e => KeyValuePair.Create(e.Key, Apply(e.Value, values)))] },
        YamlSeqAt q => q with { Items = [.. q.Items.Select(i => Apply(i, values))] },
        _ => node,
    };

    /// <summary>Every placeholder name with the first scalar that uses it.</summary>
    public static IEnumerable<(string Name, YamlScalarAt At)> Placeholders(YamlNodeAt node) => node switch
    {
        YamlScalarAt s => Placeholder().Matches(s.Text).Select(m => (m.Groups[1].Value, s)),
        YamlMapAt m => m.Entries.SelectMany(e => Placeholders(e.Key).Concat(Placeholders(e.Value))),
        YamlSeqAt q => q.Items.SelectMany(Placeholders),
        _ => [],
    };

    private static YamlScalarAt Scalar(YamlScalarAt s, JsonObject values)
    {
        var whole = WholePlaceholder().Match(s.Text);
        if (whole.Success && values[whole.Groups[1].Value] is JsonValue typed)
        {
            var isString = typed.GetValueKind() == JsonValueKind.String;
            return s with { Text = Text(typed), Plain = !isString };
        }

        return Placeholder().IsMatch(s.Text)
            ? s with { Text = Placeholder().Replace(s.Text, m => values[m.Groups[1].Value] is JsonValue v ? Text(v) : m.Value) }
            : s;
    }

    private static string Text(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : CanonicalJson.Scalar(value);

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")]
    private static partial Regex WholePlaceholder();
}
