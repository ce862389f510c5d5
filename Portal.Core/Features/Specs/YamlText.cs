using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.Core.Features.Specs;

/// <summary>
/// The deterministic YAML writer for specs and embedded provenance. A string is written plain only
/// when reading it back plain gives the same string (no number, boolean, null or date look-alike,
/// no YAML indicator); otherwise it is double-quoted. Numbers use <see cref="CanonicalJson.Number"/>.
/// </summary>
public static partial class YamlText
{
    public static string Scalar(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return Text(v.GetValue<string>());
        }

        return CanonicalJson.Scalar(value);
    }

    public static string Text(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (SafePlain().IsMatch(s) && !Ambiguous().IsMatch(s) && new YamlScalarAt(s, true, 0, 0).Typed() is JsonValue typed
            && typed.GetValueKind() == JsonValueKind.String)
        {
            return s;
        }

        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A mapping in block style at <paramref name="indent"/> spaces, keys in their order.</summary>
    public static void Mapping(StringBuilder sb, JsonObject obj, int indent)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(obj);
        foreach (var (key, value) in obj)
        {
            sb.Append(' ', indent).Append(Text(key)).Append(':');
            switch (value)
            {
                case JsonObject { Count: 0 }:
                    sb.Append(" {}\n");
                    break;
                case JsonObject child:
                    sb.Append('\n');
                    Mapping(sb, child, indent + 2);
                    break;
                case JsonArray array:
                    // JSON is YAML: a flow sequence keeps every element's type.
                    sb.Append(' ').Append(CanonicalJson.Compact(array)).Append('\n');
                    break;
                default:
                    sb.Append(' ').Append(Scalar(value)).Append('\n');
                    break;
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_./\-]*( [A-Za-z0-9_./\-()]+)*$")]
    private static partial Regex SafePlain();

    // YAML 1.1 readers (PyYAML, older YamlDotNet schemas) take these as booleans.
    [GeneratedRegex(@"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")]
    private static partial Regex Ambiguous();
}
