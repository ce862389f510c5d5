using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Tests.Hostile;

/// <summary>One hostile request: where it goes, what it carries and what kind of hostility it is.</summary>
public sealed record Payload(string Kind, string Method, string Url, byte[]? Body, string? ContentType)
{
    /// <summary>Enough to replay the request by hand.</summary>
    public string Describe()
    {
        var body = Body is null ? "<none>"
            : Body.Length > 2_000 ? $"{Body.Length} bytes, starting {Show(Body[..300])} … ending {Show(Body[^100..])}"
            : Show(Body);
        return $"{Kind}\n  {Method} {Url}\n  Content-Type: {ContentType ?? "<none>"}\n  Body: {body}";
    }

    private static string Show(byte[] bytes) => Encoding.UTF8.GetString(bytes).Any(c => c == '\uFFFD' || char.IsControl(c) && c is not '\n' and not '\r' and not '\t')
        ? "hex " + Convert.ToHexString(bytes)
        : Encoding.UTF8.GetString(bytes);
}

/// <summary>
/// Malformed and boundary payloads derived from an operation's OpenAPI schema: wrong types, missing
/// and null fields, huge numbers, deep nesting, long strings, invalid UTF-8, unknown fields,
/// duplicate keys, bodies that are not JSON or not objects, wrong content types; and hostile
/// values for every query and route parameter. Deterministic for a seed.
/// </summary>
public sealed class PayloadGenerator(Random random)
{
    public const string Json = "application/json";

    private static readonly string LongString = new('a', 1 << 20);

    // Values a field of any type might receive; each one is wrong for most fields.
    private static readonly JsonNode?[] HostileValues =
    [
        null, "", " ", "x", "NaN", "Infinity", "-Infinity", "1e308", "9223372036854775808", "\u0000", "\u202e\ufeff", "../../../etc/passwd",
        "<script>alert(1)</script>", "'; DROP TABLE users; --", "%00", "😀😀", "true", "null", "2024-13-45T99:99:99Z",
        0, -1, 1, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, 1.5, -0.0, 1e308, -1e308, 5e-324,
        true, false, new JsonArray(), new JsonArray(1, "two", null), new JsonObject(), new JsonObject { ["unexpected"] = 1 },
    ];

    // Raw JSON texts that System.Text.Json's own writer cannot produce.
    private static readonly string[] RawNumbers = ["9223372036854775808", "18446744073709551616", "1e309", "-1e309", "1E+400", "0.0000000000000000000000000000001", "01", "-0", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "123456789012345678901234567890"];

    public IEnumerable<Payload> ForBody(ApiOperation operation, string url, int quota)
    {
        var schema = operation.JsonBody ?? [];
        var example = Example(schema, 0) as JsonObject ?? [];
        var produced = 0;
        foreach (var payload in Structural(operation, url, example).Concat(PerField(operation, url, schema, example)))
        {
            produced++;
            yield return payload;
        }

        while (produced < quota)
        {
            produced++;
            yield return RandomMutation(operation, url, schema, example);
        }
    }

    public IEnumerable<Payload> ForParameters(ApiOperation operation, Func<ApiOperation, IReadOnlyDictionary<string, string>?, string> urlFor, int quota)
    {
        var produced = 0;
        var parameters = operation.Parameters.Where(p => p.In is "query" or "path").ToList();
        if (parameters.Count == 0)
        {
            yield break;
        }

        foreach (var parameter in parameters)
        {
            // The in-memory test server refuses a NUL in the path before the app sees it (Kestrel answers 400 itself).
            foreach (var value in ParameterValues(parameter).Where(v => parameter.In != "path" || !v.Contains('\0')))
            {
                produced++;
                yield return new Payload($"{parameter.In} parameter '{parameter.Name}' = {Abbreviate(value)}", operation.Method, urlFor(operation, new Dictionary<string, string> { [parameter.Name] = value }), null, null);
            }
        }

        while (produced < quota)
        {
            produced++;
            var parameter = parameters[random.Next(parameters.Count)];
            var value = RandomString();
            value = parameter.In == "path" ? value.Replace('\0', '\u0001') : value;
            yield return new Payload($"{parameter.In} parameter '{parameter.Name}' = random {Abbreviate(value)}", operation.Method, urlFor(operation, new Dictionary<string, string> { [parameter.Name] = value }), null, null);
        }
    }

    private static IEnumerable<string> ParameterValues(ApiParameter parameter)
    {
        string[] common = ["", " ", "abc", "-1", "0", "1e308", "-1e308", "9223372036854775808", "NaN", "true", "null", "1.5", "2147483648", "%", "\u0000", "..", "../../etc/passwd", "..\\..\\windows", "/etc/passwd", "C:\\Windows", "<script>", "'", "😀", new string('z', 10_000)];
        foreach (var value in common)
        {
            yield return value;
        }

        if (parameter.Schema["enum"] is JsonArray values)
        {
            foreach (var v in values)
            {
                yield return (v?.ToString() ?? "") + "x";
            }
        }
    }

    private IEnumerable<Payload> Structural(ApiOperation op, string url, JsonObject example)
    {
        var valid = Encoding.UTF8.GetBytes(example.ToJsonString());
        Payload P(string kind, byte[]? body, string? contentType = Json) => new(kind, op.Method, url, body, contentType);
        byte[] U(string text) => Encoding.UTF8.GetBytes(text);

        yield return P("empty body with JSON content type", []);
        yield return P("no body, no content type", null, null);
        yield return P("whitespace body", U("   \n\t "));
        yield return P("JSON null", U("null"));
        yield return P("empty object", U("{}"));
        yield return P("array instead of object", U("[]"));
        yield return P("array of the example", U($"[{example.ToJsonString()}]"));
        yield return P("string instead of object", U("\"hello\""));
        yield return P("number instead of object", U("42"));
        yield return P("boolean instead of object", U("true"));
        yield return P("non-JSON text", U("this is not json"));
        yield return P("XML with JSON content type", U("<?xml version=\"1.0\"?><a>1</a>"));
        yield return P("unterminated object", U("{"));
        yield return P("truncated example", valid[..(valid.Length / 2)]);
        yield return P("trailing comma", U(example.ToJsonString().TrimEnd('}') + (example.Count > 0 ? "," : "") + "}"));
        yield return P("trailing garbage", U(example.ToJsonString() + "garbage"));
        yield return P("two documents", U(example.ToJsonString() + example.ToJsonString()));
        yield return P("comment", U("/* c */" + example.ToJsonString()));
        yield return P("single quotes", U(example.ToJsonString().Replace('"', '\'')));
        yield return P("BOM prefix", [0xEF, 0xBB, 0xBF, .. valid]);
        yield return P("UTF-16 body", Encoding.Unicode.GetBytes(example.ToJsonString()));
        yield return P("deep array nesting (10,000)", U(new string('[', 10_000) + new string(']', 10_000)));
        yield return P("deep array nesting, unterminated", U(new string('[', 10_000)));
        yield return P("deep object nesting (10,000)", U(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)));
        yield return P("deep nesting inside a field (100)", U(WithFirstField(example, new string('[', 100) + new string(']', 100))));
        yield return P("unknown field", U(WithExtra(example, "\"zz_unknown_field\":1")));
        yield return P("unknown field with object value", U(WithExtra(example, "\"__proto__\":{\"admin\":true}")));
        yield return P("duplicate keys", U(DuplicateFirstKey(example)));
        yield return P("invalid UTF-8 in a string", [.. U("{\"x\":\""), 0xC3, 0x28, 0xFF, 0xFE, .. U("\"}")]);
        yield return P("invalid UTF-8 in the first field", InvalidUtf8InFirstField(example));
        yield return P("lone surrogate escape", U(WithFirstField(example, "\"\\ud800\"")));
        yield return P("NUL escape", U(WithFirstField(example, "\"a\\u0000b\"")));
        yield return P("1 MB string in the first field", U(WithFirstField(example, "\"" + LongString + "\"")));
        yield return P("1 MB unknown key", U("{\"" + LongString + "\":1}"));
        yield return P("random bytes", RandomBytes(256));
        yield return P("valid JSON as text/plain", valid, "text/plain");
        yield return P("valid JSON as application/xml", valid, "application/xml");
        yield return P("valid JSON as form", valid, "application/x-www-form-urlencoded");
        yield return P("valid JSON as multipart without boundary", valid, "multipart/form-data");
        yield return P("valid JSON with a bogus charset", valid, "application/json; charset=klingon");
        yield return P("valid JSON with a malformed content type", valid, "application/json;;;=");
        yield return P("form body as JSON", U("a=1&b=2"));
        foreach (var number in RawNumbers)
        {
            yield return P($"raw number {number} in the first field", U(WithFirstField(example, number)));
        }
    }

    private IEnumerable<Payload> PerField(ApiOperation op, string url, JsonObject schema, JsonObject example)
    {
        var required = (schema["required"] as JsonArray ?? []).Select(r => r?.GetValue<string>()).ToHashSet();
        foreach (var (name, _) in example.ToList())
        {
            var without = (JsonObject)example.DeepClone();
            without.Remove(name);
            yield return new(required.Contains(name) ? $"missing required field '{name}'" : $"missing field '{name}'", op.Method, url, Encoding.UTF8.GetBytes(without.ToJsonString()), Json);

            foreach (var value in HostileValues)
            {
                var changed = (JsonObject)example.DeepClone();
                changed[name] = value?.DeepClone();
                yield return new($"field '{name}' = {Abbreviate(value?.ToJsonString() ?? "null")}", op.Method, url, Encoding.UTF8.GetBytes(changed.ToJsonString()), Json);
            }

            foreach (var number in RawNumbers.Take(6))
            {
                yield return new($"field '{name}' = raw {number}", op.Method, url, Encoding.UTF8.GetBytes(WithField(example, name, number)), Json);
            }
        }
    }

    private Payload RandomMutation(ApiOperation op, string url, JsonObject schema, JsonObject example)
    {
        var changed = (JsonObject)example.DeepClone();
        var kinds = new List<string>();
        var mutations = 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            var choice = random.Next(5);
            var names = changed.Select(p => p.Key).ToList();
            if (choice == 0 || names.Count == 0)
            {
                var key = RandomString();
                changed[key] = RandomValue(2);
                kinds.Add($"extra field '{Abbreviate(key)}'");
            }
            else if (choice == 1)
            {
                var name = names[random.Next(names.Count)];
                changed.Remove(name);
                kinds.Add($"without '{name}'");
            }
            else
            {
                var name = names[random.Next(names.Count)];
                changed[name] = RandomValue(2);
                kinds.Add($"'{name}' = random");
            }
        }

        var bytes = Encoding.UTF8.GetBytes(changed.ToJsonString());
        if (random.Next(10) == 0 && bytes.Length > 2)
        {
            // Flip one byte: mostly broken syntax, sometimes invalid UTF-8.
            var at = random.Next(bytes.Length);
            bytes[at] = (byte)random.Next(256);
            kinds.Add($"byte {at} flipped");
        }

        return new Payload("random: " + string.Join(", ", kinds), op.Method, url, bytes, Json);
    }

    private JsonNode? RandomValue(int depth) => random.Next(depth > 0 ? 10 : 8) switch
    {
        0 => null,
        1 => RandomString(),
        2 => random.NextInt64(long.MinValue, long.MaxValue),
        3 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
        4 => random.Next(2) == 0,
        5 => HostileValues[random.Next(HostileValues.Length)]?.DeepClone(),
        6 => random.Next(-3, 100_000),
        7 => "",
        8 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(depth - 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create(RandomString() + i, RandomValue(depth - 1)))),
    };

    private string RandomString()
    {
        var length = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 8), 2 => random.Next(8, 200), _ => random.Next(200, 5_000) };
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(6) switch
            {
                0 => (char)random.Next(0x20),
                1 => (char)random.Next(0x80, 0x2FFF),
                2 => "./\\%:;\"'<>{}[]"[random.Next(14)],
                _ => (char)random.Next('a', 'z' + 1),
            };
        }

        return new string(chars);
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A plausible value for the schema: the starting point every mutation breaks one way.</summary>
    public static JsonNode? Example(JsonObject schema, int depth)
    {
        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]?.DeepClone();
        }

        return OpenApiOperations.TypeOf(schema) switch
        {
            "object" when depth < 4 => new JsonObject((schema["properties"] as JsonObject ?? [])
                .Select(p => KeyValuePair.Create(p.Key, Example(p.Value as JsonObject ?? [], depth + 1)))),
            "object" => new JsonObject(),
            "array" => depth < 4 ? new JsonArray(Example(schema["items"] as JsonObject ?? [], depth + 1)) : new JsonArray(),
            "integer" => 1,
            "number" => 1.5,
            "boolean" => true,
            "string" => schema["format"]?.GetValue<string>() == "date-time" ? "2026-01-01T00:00:00Z" : "x",
            _ => "x",
        };
    }

    private static string WithFirstField(JsonObject example, string rawValue) =>
        example.Count == 0 ? "{\"x\":" + rawValue + "}" : WithField(example, example.First().Key, rawValue);

    /// <summary>The example with one field's value replaced by raw JSON text (written by hand, so it can be invalid).</summary>
    private static string WithField(JsonObject example, string name, string rawValue)
    {
        var parts = example.Select(p => $"{System.Text.Json.JsonSerializer.Serialize(p.Key)}:{(p.Key == name ? rawValue : p.Value?.ToJsonString() ?? "null")}");
        return "{" + string.Join(",", parts) + "}";
    }

    private static string WithExtra(JsonObject example, string member)
    {
        var text = example.ToJsonString();
        return example.Count == 0 ? "{" + member + "}" : text[..^1] + "," + member + "}";
    }

    private static string DuplicateFirstKey(JsonObject example)
    {
        if (example.Count == 0)
        {
            return "{\"a\":1,\"a\":2}";
        }

        var (key, value) = example.First();
        return WithExtra(example, $"{System.Text.Json.JsonSerializer.Serialize(key)}:{value?.ToJsonString() ?? "null"}");
    }

    private static byte[] InvalidUtf8InFirstField(JsonObject example)
    {
        var marker = "\"__INVALID__\"";
        var text = Encoding.UTF8.GetBytes(WithFirstField(example, marker));
        var at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker));
        return [.. text[..(at + 1)], 0xF0, 0x28, 0x8C, 0xBC, 0x80, .. text[(at + marker.Length - 1)..]];
    }

    private static string Abbreviate(string text) => text.Length > 60 ? $"{text[..40]}… ({text.Length} chars)" : text;
}
