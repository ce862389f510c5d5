using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.Specs;

/// <summary>
/// Reads and validates the <c>spec</c> mapping of a document (shape and values that need no
/// database or model: paths are checked against a model by <see cref="SpecModelCheck"/>).
/// </summary>
public static partial class SpecReader
{
    private static readonly string[] SpecKeys = ["country", "bundle", "time_period", "region", "reform", "outputs"];
    private static readonly string[] ChangeKeys = ["path", "start", "stop", "value"];

    public static SimulationSpec? Read(YamlNodeAt node, SpecErrors errors, string field = "spec")
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(errors);
        if (node is not YamlMapAt map)
        {
            errors.Add(field, node, "expected a mapping with country, bundle, time_period, region, reform, outputs.");
            return null;
        }

        var before = errors.Count;
        Keys(map, SpecKeys, field, errors);
        foreach (var required in SpecKeys.Where(k => k != "reform" && map[k] is null))
        {
            errors.Add($"{field}.{required}", map, $"'{required}' is required.");
        }

        var country = Text(map["country"], $"{field}.country", errors)?.Trim().ToLowerInvariant();
        if (country is not null and not ("us" or "uk"))
        {
            errors.Add($"{field}.country", map["country"]!, $"unknown country '{country}'; expected us or uk.");
            country = null;
        }

        var bundle = Text(map["bundle"], $"{field}.bundle", errors)?.Trim();
        if (bundle is not null && !BundleReference().IsMatch(bundle))
        {
            errors.Add($"{field}.bundle", map["bundle"]!, "expected an alias name (e.g. latest) or a bundle id: 1–100 letters, digits, '.', '_', '-', ':' or '@'.");
        }

        int? year = null;
        if (map["time_period"] is { } yearNode)
        {
            year = Typed(yearNode) is JsonValue y && y.GetValueKind() == JsonValueKind.Number && y.TryGetValue<long>(out var l) && l is >= 1900 and <= 2099
                ? (int)l
                : Fail<int?>(errors, $"{field}.time_period", yearNode, "expected a year between 1900 and 2099, e.g. 2026.");
        }

        var region = Text(map["region"], $"{field}.region", errors);
        if (region is not null && country is not null)
        {
            var parsed = EconomyRegion.Parse(country, region);
            region = parsed.Succeeded ? parsed.Value!.ToString() : Fail<string?>(errors, $"{field}.region", map["region"]!, parsed.Problem!.Describe());
        }

        var reform = ReadReform(map["reform"], $"{field}.reform", errors);
        var outputs = ReadOutputs(map["outputs"], country, $"{field}.outputs", errors);
        return errors.Count == before
            ? new SimulationSpec(country!, bundle!, year!.Value, region!, reform, outputs)
            : null;
    }

    private static List<SpecReformChange> ReadReform(YamlNodeAt? node, string field, SpecErrors errors)
    {
        var changes = new List<SpecReformChange>();
        if (node is null || node is YamlScalarAt { Plain: true } s && s.Typed() is null)
        {
            return changes;
        }

        if (node is not YamlSeqAt seq)
        {
            errors.Add(field, node, "expected a list of changes {path, start, stop, value} (may be empty: []).");
            return changes;
        }

        for (var i = 0; i < seq.Items.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (seq.Items[i] is not YamlMapAt item)
            {
                errors.Add(at, seq.Items[i], "expected a mapping {path, start, stop, value}.");
                continue;
            }

            var before = errors.Count;
            Keys(item, ChangeKeys, at, errors);
            var path = Text(item["path"], $"{at}.path", errors);
            if (item["path"] is null)
            {
                errors.Add($"{at}.path", item, "'path' is required: a parameter path such as gov.irs.deductions.standard.amount.SINGLE.");
            }
            else if (path is not null && !ParameterPath().IsMatch(path))
            {
                errors.Add($"{at}.path", item["path"]!, $"'{path}' is not a parameter path (dot-separated names, optional [n] bracket index).");
            }

            var start = DateField(item["start"], $"{at}.start", errors, required: true);
            var stop = DateField(item["stop"], $"{at}.stop", errors, required: false);
            if (item["start"] is null)
            {
                errors.Add($"{at}.start", item, "'start' is required: a date yyyy-MM-dd.");
            }

            if (start is { } from && stop is { } to && to < from)
            {
                errors.Add($"{at}.stop", item["stop"]!, $"stop {SimulationSpec.Date(to)} is before start {SimulationSpec.Date(from)}.");
            }

            JsonElement value = default;
            if (item["value"] is not { } valueNode)
            {
                errors.Add($"{at}.value", item, "'value' is required: a number or true/false.");
            }
            else if (Typed(valueNode) is JsonValue v && v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                value = JsonSerializer.SerializeToElement(v);
            }
            else
            {
                errors.Add($"{at}.value", valueNode, "expected a number or true/false (quoted text is a string).");
            }

            if (errors.Count == before)
            {
                var overlap = changes.FirstOrDefault(c => string.Equals(c.Path, path, StringComparison.OrdinalIgnoreCase)
                    && c.Start <= (stop ?? DateOnly.MaxValue) && start!.Value <= (c.Stop ?? DateOnly.MaxValue));
                if (overlap is not null)
                {
                    errors.Add(at, item, $"the period of '{path}' overlaps an earlier change starting {SimulationSpec.Date(overlap.Start)}; give each date one value.");
                    continue;
                }

                changes.Add(new SpecReformChange(path!, start!.Value, stop, value));
            }
        }

        return changes;
    }

    private static List<string> ReadOutputs(YamlNodeAt? node, string? country, string field, SpecErrors errors)
    {
        var outputs = new List<string>();
        if (node is null)
        {
            return outputs;
        }

        if (node is not YamlSeqAt seq || seq.Items.Count == 0)
        {
            errors.Add(field, node, $"expected a non-empty list of outputs from: {string.Join(", ", SpecOutputs.All)}.");
            return outputs;
        }

        for (var i = 0; i < seq.Items.Count; i++)
        {
            var name = Text(seq.Items[i], $"{field}[{i}]", errors);
            if (name is null)
            {
                continue;
            }

            if ((country is null ? (SpecOutputs.All.Contains(name) ? null : SpecOutputs.Check("us", name)) : SpecOutputs.Check(country, name)) is { } why)
            {
                errors.Add($"{field}[{i}]", seq.Items[i], why);
            }
            else if (outputs.Contains(name, StringComparer.Ordinal))
            {
                errors.Add($"{field}[{i}]", seq.Items[i], $"'{name}' is listed twice.");
            }
            else
            {
                outputs.Add(name);
            }
        }

        return outputs;
    }

    /// <summary>Unknown keys are errors: a misspelt key must not be silently ignored.</summary>
    public static void Keys(YamlMapAt map, string[] allowed, string field, SpecErrors errors)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach (var (key, _) in map.Entries)
        {
            if (!allowed.Contains(key.Text, StringComparer.Ordinal))
            {
                errors.Add(field.Length == 0 ? key.Text : $"{field}.{key.Text}", key, $"unknown key '{key.Text}'; allowed: {string.Join(", ", allowed)}.");
            }
        }
    }

    public static JsonNode? Typed(YamlNodeAt node) => node is YamlScalarAt s ? s.Typed() : YamlTree.ToJson(node);

    /// <summary>A string scalar (plain or quoted); numbers and booleans are rejected, not converted.</summary>
    public static string? Text(YamlNodeAt? node, string field, SpecErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarAt s && s.Typed() is JsonValue v && v.GetValueKind() == JsonValueKind.String && s.Text.Trim().Length > 0)
        {
            return s.Text;
        }

        errors.Add(field, node, "expected a non-empty text value.");
        return null;
    }

    private static DateOnly? DateField(YamlNodeAt? node, string field, SpecErrors errors, bool required)
    {
        if (node is null || !required && node is YamlScalarAt { Plain: true } s && s.Typed() is null)
        {
            return null;
        }

        return node is YamlScalarAt scalar && DateOnly.TryParseExact(scalar.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : Fail<DateOnly?>(errors, field, node, "expected a date yyyy-MM-dd" + (required ? "." : " or null (open-ended)."));
    }

    private static T? Fail<T>(SpecErrors errors, string field, YamlNodeAt node, string message)
    {
        errors.Add(field, node, message);
        return default;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@\-]{0,99}$")]
    private static partial Regex BundleReference();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?(\.[A-Za-z0-9_]+(\[[0-9]+\])?)*$")]
    private static partial Regex ParameterPath();
}
