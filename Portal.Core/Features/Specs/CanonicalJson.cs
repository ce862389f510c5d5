using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Specs;

/// <summary>
/// One JSON text writer for everything Sim and Engine hash or hand out, so that the same value is
/// always the same bytes. Canonical form (<see cref="Canonical"/>) follows RFC 8785 (JCS): object
/// keys sorted by UTF-16 code units (ordinal), no whitespace, strings escaped minimally (only
/// <c>"</c>, <c>\</c> and U+0000–U+001F; <c>\b \t \n \f \r</c> short forms, others <c>\u00xx</c>
/// lowercase; everything else raw UTF-8), numbers as ECMAScript writes doubles (shortest
/// round-trip digits; <c>16000</c>, <c>0.25</c>, <c>1e+21</c>, <c>-0</c> written as <c>0</c>).
/// <see cref="Pretty"/> keeps key order and indents by two spaces with <c>\n</c>, same scalars.
/// </summary>
public static class CanonicalJson
{
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: true, indent: -1);
        return sb.ToString();
    }

    public static string Pretty(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: false, indent: 0);
        return sb.ToString();
    }

    /// <summary>Key order kept, no whitespace (a YAML flow collection, too).</summary>
    public static string Compact(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: false, indent: -1);
        return sb.ToString();
    }

    /// <summary>A JSON scalar (string, number, boolean, null) as canonical JSON text.</summary>
    public static string Scalar(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteScalar(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, bool sortKeys, int indent)
    {
        switch (node)
        {
            case JsonObject obj:
                IEnumerable<KeyValuePair<string, JsonNode?>> members = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : obj;
                Container(sb, '{', '}', members.ToList(), indent, (m, inner) =>
                {
                    String(sb, m.Key);
                    sb.Append(indent >= 0 ? ": " : ":");
                    Write(sb, m.Value, sortKeys, inner);
                });
                break;
            case JsonArray array:
                Container(sb, '[', ']', array.ToList(), indent, (item, inner) => Write(sb, item, sortKeys, inner));
                break;
            default:
                WriteScalar(sb, node);
                break;
        }
    }

    private static void Container<T>(StringBuilder sb, char open, char close, List<T> items, int indent, Action<T, int> item)
    {
        sb.Append(open);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            if (indent >= 0)
            {
                sb.Append('\n').Append(' ', (indent + 1) * 2);
            }

            item(items[i], indent >= 0 ? indent + 1 : -1);
        }

        if (indent >= 0 && items.Count > 0)
        {
            sb.Append('\n').Append(' ', indent * 2);
        }

        sb.Append(close);
    }

    private static void WriteScalar(StringBuilder sb, JsonNode? node)
    {
        if (node is null)
        {
            sb.Append("null");
            return;
        }

        if (node is not JsonValue value)
        {
            throw new ArgumentException("Expected a JSON scalar.", nameof(node));
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                String(sb, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Number:
                sb.Append(Number(JsonNumber(value)));
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                throw new ArgumentException($"Unsupported JSON value kind {value.GetValueKind()}.", nameof(node));
        }
    }

    /// <summary>A JSON number node as a double (long and decimal values included).</summary>
    public static double JsonNumber(JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        if (value.TryGetValue<JsonElement>(out var e))
        {
            return e.GetDouble();
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>ECMAScript Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3).</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinity have no JSON form.", nameof(value));
        }

        if (value == 0)
        {
            return "0";
        }

        // .NET's "R" gives the shortest round-trip digits; re-layout them the ECMAScript way.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var e = r.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var n = (dot < 0 ? mantissa.Length : dot) + exponent; // value = 0.digits × 10^n
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..].TrimEnd('0');
        n -= lead;
        var k = digits.Length;
        string text;
        if (k <= n && n <= 21)
        {
            text = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            text = "0." + new string('0', -n) + digits;
        }
        else
        {
            var exp = n - 1;
            text = digits[..1] + (k > 1 ? "." + digits[1..] : "") + "e" + (exp >= 0 ? "+" : "-") + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        }

        return negative ? "-" + text : text;
    }

    private static void String(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
