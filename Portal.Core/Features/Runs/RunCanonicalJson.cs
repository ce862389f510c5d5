using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Runs;

/// <summary>
/// The canonical JSON that run hashes are taken over (docs/runs.md): object keys sorted by ordinal
/// (UTF-16) order at every level, no insignificant whitespace, strings escaped as System.Text.Json's
/// relaxed encoder does (no escaping of non-ASCII), numbers normalised — an integral value within ±2^53
/// as an integer (<c>6.0</c> → <c>6</c>), anything else as the shortest round-trip double (<c>R</c>).
/// So the same data hashes the same whichever path or serializer delivered it.
/// </summary>
public static class RunCanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Lower-case hex sha256 of the UTF-8 bytes of <paramref name="text"/> (no BOM).</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Sha256(JsonNode? node) => Sha256(Serialize(node));

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue v:
                WriteValue(writer, v);
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                writer.WriteStringValue(v.GetValue<string>());
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(v), skipInputValidation: true);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The normalised text of a JSON number.</summary>
    public static string Number(JsonValue v)
    {
        var d = v.TryGetValue<double>(out var x) ? x : double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        return Number(d);
    }

    public static string Number(double d) =>
        Math.Abs(d) <= 9007199254740992d && d == Math.Floor(d)
            ? ((long)d).ToString(CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Readable forms of canonical JSON (for files people open; never hashed in this form).</summary>
public static class RunJsonText
{
    private static readonly JsonSerializerOptions Indent = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Canonical key order and numbers, indented two spaces, ending with a newline.</summary>
    public static string Indented(JsonNode? node) => JsonNode.Parse(RunCanonicalJson.Serialize(node))!.ToJsonString(Indent) + "\n";
}
