using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Engine;

/// <summary>One parameter change: from <see cref="Start"/> to <see cref="Stop"/> (inclusive; null = open ended).</summary>
public sealed record ParameterChange(string Path, DateOnly Start, DateOnly? Stop, double Value, string JsonPath);

/// <summary>
/// A list of parameter changes applied as an overlay at run time. Paths name a leaf
/// (<c>gov.irs.deductions.standard.SINGLE</c>) or a bracket field of a scale
/// (<c>gov.irs.income.brackets.SINGLE[2].rate</c>), case-insensitive per segment.
/// </summary>
public sealed class Reform
{
    public Reform(IReadOnlyList<ParameterChange> changes) => Changes = changes;

    public static Reform Empty { get; } = new([]);

    public IReadOnlyList<ParameterChange> Changes { get; }

    public bool IsEmpty => Changes.Count == 0;

    public static Reform Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ReformException("$", $"not valid JSON: {e.Message}");
        }

        return Parse(node);
    }

    /// <summary>Accepts the list form or PolicyEngine's <c>{path: {"start.stop": value}}</c> form; null means no changes.</summary>
    public static Reform Parse(JsonNode? node)
    {
        var changes = new List<ParameterChange>();
        switch (node)
        {
            case null:
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    var at = $"$[{i}]";
                    if (list[i] is not JsonObject item)
                    {
                        throw new ReformException(at, "expected an object {path, start, stop?, value}");
                    }

                    foreach (var (key, _) in item)
                    {
                        if (key is not ("path" or "start" or "stop" or "value"))
                        {
                            throw new ReformException($"{at}.{key}", "unknown field; expected path, start, stop, value");
                        }
                    }

                    var path = item["path"] is JsonValue p && p.TryGetValue<string>(out var s) && s.Length > 0
                        ? s
                        : throw new ReformException($"{at}.path", "required: the parameter path");
                    var start = Date(item["start"], $"{at}.start") ?? throw new ReformException($"{at}.start", "required: a date yyyy-MM-dd");
                    var stop = Date(item["stop"], $"{at}.stop");
                    changes.Add(new ParameterChange(path, start, stop, Value(item["value"], $"{at}.value"), $"{at}.path"));
                }

                break;
            case JsonObject policy:
                foreach (var (path, periods) in policy)
                {
                    var at = $"$['{path}']";
                    if (periods is JsonObject byPeriod)
                    {
                        foreach (var (range, value) in byPeriod)
                        {
                            var parts = range.Split('.', 2);
                            var start = Date(JsonValue.Create(parts[0]), $"{at}['{range}']")!.Value;
                            var stop = parts.Length == 2 ? Date(JsonValue.Create(parts[1]), $"{at}['{range}']") : null;
                            changes.Add(new ParameterChange(path, start, stop, Value(value, $"{at}['{range}']"), at));
                        }
                    }
                    else
                    {
                        throw new ReformException(at, "expected {\"yyyy-MM-dd.yyyy-MM-dd\": value}");
                    }
                }

                break;
            default:
                throw new ReformException("$", "a reform is a list of changes or a PolicyEngine policy object");
        }

        foreach (var change in changes)
        {
            if (change.Stop is { } stop && stop < change.Start)
            {
                throw new ReformException(change.JsonPath, $"stop {stop:yyyy-MM-dd} is before start {change.Start:yyyy-MM-dd}");
            }
        }

        return new Reform(changes);
    }

    private static DateOnly? Date(JsonNode? node, string at)
    {
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ReformException(at, $"expected a date yyyy-MM-dd, got {node.ToJsonString()}");
    }

    private static double Value(JsonNode? node, string at)
    {
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number)
            {
                return JsonNumbers.ToDouble(v);
            }

            if (v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetValue<bool>() ? 1 : 0;
            }
        }

        throw new ReformException(at, $"expected a number or boolean value, got {node?.ToJsonString() ?? "nothing"}");
    }

    /// <summary>Checks every path against the model; throws <see cref="ReformException"/> for the first bad one.</summary>
    public void Validate(CountryModel model) => Resolve(model);

    /// <summary>Changes keyed by canonical target: a leaf path, or <c>scalePath[i].field</c>.</summary>
    internal Dictionary<string, List<ParameterChange>> Resolve(CountryModel model)
    {
        var result = new Dictionary<string, List<ParameterChange>>(StringComparer.Ordinal);
        foreach (var change in Changes)
        {
            var key = ResolvePath(model, change);
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(change);
        }

        return result;
    }

    private static string ResolvePath(CountryModel model, ParameterChange change)
    {
        ParameterNode node = model.Parameters;
        var segments = change.Path.Split('.');
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s];
            var bracket = -1;
            var open = segment.IndexOf('[', StringComparison.Ordinal);
            if (open >= 0)
            {
                if (!segment.EndsWith(']') || !int.TryParse(segment[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out bracket))
                {
                    throw new ReformException(change.JsonPath, $"'{segment}' is not a valid bracket reference like brackets[2]");
                }

                segment = segment[..open];
            }

            if (node is not ParameterGroup group)
            {
                throw new ReformException(change.JsonPath, $"'{node.Path}' has no child '{segment}'");
            }

            node = group.Child(segment)
                ?? throw new ReformException(change.JsonPath, $"unknown parameter '{change.Path}'{Formulas.Binder.Suggest(segment, group.Children.Select(c => c.Name))}");
            if (bracket >= 0)
            {
                if (node is not ParameterScale scale)
                {
                    throw new ReformException(change.JsonPath, $"'{node.Path}' is not a scale, so it has no brackets");
                }

                if (bracket >= scale.Brackets.Count)
                {
                    throw new ReformException(change.JsonPath, $"'{scale.Path}' has {scale.Brackets.Count} brackets (0 to {scale.Brackets.Count - 1}); there is no bracket {bracket}");
                }

                var field = s + 1 < segments.Length ? segments[s + 1].ToLowerInvariant() : "";
                if (s + 2 != segments.Length || field is not ("threshold" or "rate" or "amount"))
                {
                    throw new ReformException(change.JsonPath, $"a bracket reference must end with .threshold, .rate or .amount");
                }

                var has = field switch
                {
                    "rate" => scale.Brackets[bracket].Rate is not null,
                    "amount" => scale.Brackets[bracket].Amount is not null,
                    _ => true,
                };
                return has
                    ? $"{scale.Path}[{bracket}].{field}"
                    : throw new ReformException(change.JsonPath, $"'{scale.Path}' is a {(scale.ScaleType == ScaleType.MarginalRate ? "marginal_rate scale (use .rate)" : "single_amount scale (use .amount)")}");
            }
        }

        return node switch
        {
            ParameterLeaf leaf => leaf.Path,
            ParameterScale scale => throw new ReformException(change.JsonPath, $"'{scale.Path}' is a scale; change one bracket field, e.g. {scale.Path}[0].rate"),
            _ => throw new ReformException(change.JsonPath, $"'{node.Path}' is a parameter node, not a value"),
        };
    }
}
