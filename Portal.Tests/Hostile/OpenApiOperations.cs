using System.Text.Json.Nodes;

namespace Portal.Tests.Hostile;

public sealed record ApiParameter(string Name, string In, JsonObject Schema, bool Required);

/// <summary>One operation of the OpenAPI document, with <c>$ref</c>s resolved.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters, JsonObject? JsonBody, IReadOnlyList<string> BodyContentTypes)
{
    public string Name => $"{Method} {Path}";

    public bool HasBody => Method is "POST" or "PUT" or "PATCH" or "DELETE";
}

public static class OpenApiOperations
{
    public static IReadOnlyList<ApiOperation> Read(JsonObject document)
    {
        var schemas = document["components"]?["schemas"] as JsonObject ?? [];
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in (JsonObject)document["paths"]!)
        {
            foreach (var (method, node) in (JsonObject)item!)
            {
                if (node is not JsonObject operation || method is "parameters" or "summary" or "description")
                {
                    continue;
                }

                var parameters = (operation["parameters"] as JsonArray ?? [])
                    .OfType<JsonObject>()
                    .Select(p => new ApiParameter(
                        p["name"]!.GetValue<string>(),
                        p["in"]!.GetValue<string>(),
                        Resolve(p["schema"] as JsonObject ?? [], schemas, 0),
                        p["required"]?.GetValue<bool>() ?? false))
                    .ToList();
                var content = operation["requestBody"]?["content"] as JsonObject ?? [];
                var json = content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.OrdinalIgnoreCase)).Value?["schema"] as JsonObject;
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, parameters, json is null ? null : Resolve(json, schemas, 0), content.Select(c => c.Key).ToList()));
            }
        }

        return operations;
    }

    /// <summary>A copy of the schema with every <c>$ref</c> inlined (cut off at a small depth for recursive types).</summary>
    private static JsonObject Resolve(JsonObject schema, JsonObject schemas, int depth)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var target = schemas[reference.Split('/')[^1]] as JsonObject;
            return target is null || depth > 6 ? [] : Resolve(target, schemas, depth + 1);
        }

        var copy = new JsonObject();
        foreach (var (key, value) in schema)
        {
            copy[key] = value switch
            {
                JsonObject child when key is "items" or "additionalProperties" => Resolve(child, schemas, depth + 1),
                JsonObject properties when key == "properties" => new JsonObject(properties.Select(p =>
                    KeyValuePair.Create(p.Key, (JsonNode?)Resolve(p.Value as JsonObject ?? [], schemas, depth + 1)))),
                JsonArray alternatives when key is "oneOf" or "anyOf" or "allOf" => new JsonArray(alternatives.OfType<JsonObject>().Select(a => (JsonNode)Resolve(a, schemas, depth + 1)).ToArray()),
                _ => value?.DeepClone(),
            };
        }

        return copy;
    }

    /// <summary>The schema's type, looking through nullable unions (<c>["null","string"]</c>, <c>oneOf</c>).</summary>
    public static string TypeOf(JsonObject schema)
    {
        switch (schema["type"])
        {
            case JsonValue v when v.TryGetValue<string>(out var t):
                return t;
            case JsonArray types:
                return types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not null and not "null") ?? "null";
        }

        if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray alternatives)
        {
            return alternatives.OfType<JsonObject>().Select(TypeOf).FirstOrDefault(t => t is not "null" and not "any") ?? "any";
        }

        return schema["properties"] is not null ? "object" : "any";
    }
}
