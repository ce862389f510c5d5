using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Templates;

/// <summary>Checks values against parameter declarations and builds the effective parameter set.</summary>
public static class TemplateParameters
{
    /// <summary>JSON numbers are doubles; integers beyond ±2^53 would not survive a round trip.</summary>
    public const double MaxExactInteger = 9_007_199_254_740_992;

    /// <summary>
    /// The value in its normalised JSON type (integer → long, number → double, boolean, string),
    /// or an error sentence naming the parameter.
    /// </summary>
    public static (JsonNode? Value, string? Error) Check(TemplateParameter parameter, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var name = parameter.Name;
        var kind = (value as JsonValue)?.GetValueKind();
        switch (parameter.Type)
        {
            case "number" or "integer":
                if (kind != JsonValueKind.Number)
                {
                    return (null, $"'{name}' must be {(parameter.Type == "integer" ? "an integer" : "a number")}, not {Describe(value)}.");
                }

                var number = CanonicalJson.JsonNumber((JsonValue)value!);
                if (!double.IsFinite(number))
                {
                    return (null, $"'{name}' must be a finite number.");
                }

                if (parameter.Type == "integer" && (Math.Floor(number) != number || Math.Abs(number) > MaxExactInteger))
                {
                    return (null, $"'{name}' must be an integer, not {CanonicalJson.Number(number)}.");
                }

                if (parameter.Min is { } min && number < min || parameter.Max is { } max && number > max)
                {
                    return (null, $"'{name}' must be between {Bound(parameter.Min)} and {Bound(parameter.Max)}; got {CanonicalJson.Number(number)}.");
                }

                return (parameter.Type == "integer" ? JsonValue.Create((long)number) : JsonValue.Create(number == 0 ? 0d : number), null);
            case "boolean":
                return kind is JsonValueKind.True or JsonValueKind.False
                    ? (JsonValue.Create(kind == JsonValueKind.True), null)
                    : (null, $"'{name}' must be true or false, not {Describe(value)}.");
            case "string":
                return kind == JsonValueKind.String
                    ? (JsonValue.Create(value!.GetValue<string>()), null)
                    : (null, $"'{name}' must be a string, not {Describe(value)}.");
            default: // enum
                if (kind != JsonValueKind.String)
                {
                    return (null, $"'{name}' must be one of {string.Join(", ", parameter.Values)}, not {Describe(value)}.");
                }

                var text = value!.GetValue<string>();
                return parameter.Values.Contains(text, StringComparer.Ordinal)
                    ? (JsonValue.Create(text), null)
                    : (null, $"'{name}' must be one of {string.Join(", ", parameter.Values)}; got '{text}'.");
        }
    }

    /// <summary>
    /// Defaults plus overrides, every value checked and normalised, keys sorted ordinally.
    /// Unknown names, wrong types, out-of-range numbers and enum values not listed are errors keyed by the parameter name.
    /// </summary>
    public static Result<JsonObject> Effective(SpecTemplate template, JsonObject? overrides)
    {
        ArgumentNullException.ThrowIfNull(template);
        var errors = new Validation();
        foreach (var (name, _) in overrides ?? [])
        {
            if (template.Parameter(name) is null)
            {
                errors.Add(name, template.Parameters.Count == 0
                    ? $"Unknown parameter '{name}'; template '{template.Id}' has no parameters."
                    : $"Unknown parameter '{name}'; template '{template.Id}' has {string.Join(", ", template.Parameters.Select(p => p.Name))}.");
            }
        }

        var effective = new JsonObject();
        foreach (var parameter in template.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var given = overrides is not null && overrides.TryGetPropertyValue(parameter.Name, out var v) ? v : parameter.Default;
            var (value, error) = Check(parameter, given);
            if (error is not null)
            {
                errors.Add(parameter.Name, error);
            }
            else
            {
                effective[parameter.Name] = value;
            }
        }

        return errors.IsValid ? effective : errors.ToProblem();
    }

    private static string Bound(double? bound) => bound is { } b ? CanonicalJson.Number(b) : "unbounded";

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {v.ToJsonString()}",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        JsonArray => "a list",
        _ => "an object",
    };
}
