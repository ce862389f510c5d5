using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Common;

namespace Portal.Core.Features.Simulations;

/// <summary>One row of the reform builder as typed: a parameter path, a value, and optional dates (yyyy-MM-dd).</summary>
public sealed record ReformRow(string? Path, string? Value, string? Start, string? End);

/// <summary>
/// Turns the reform builder's rows into PolicyEngine's policy JSON
/// (<c>{path: {"start.end": value}}</c>), the same body the API takes, so the form and the API
/// submit through one handler. Blank rows are ignored; a start defaults to 1 January of the
/// simulated year, an end to 2100-12-31 (PolicyEngine's "indefinitely"). Problems are keyed
/// <c>changes[i].path|value|start|end</c> so the page can show each next to its input.
/// </summary>
public static class ReformRows
{
    public const string OpenEnd = "2100-12-31";

    public static Result<JsonObject?> ToPolicy(IReadOnlyList<ReformRow> rows, int year)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var errors = new Validation();
        var policy = new JsonObject();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var path = row.Path?.Trim() ?? "";
            var text = row.Value?.Trim() ?? "";
            if (path.Length == 0 && text.Length == 0)
            {
                continue;
            }

            var at = $"changes[{i}]";
            errors.Require(path.Length > 0, $"{at}.path", $"Row {i + 1}: choose a parameter for the value {text}.");
            var value = ParseValue(text);
            errors.Require(value is not null, $"{at}.value", text.Length == 0
                ? $"Row {i + 1}: enter a value for {path}."
                : $"Row {i + 1}: '{text}' is not a number (use a dot for decimals, e.g. 0.25; rates are shares, 25% = 0.25) or true/false.");
            var start = Date(row.Start, $"{year:0000}-01-01", $"{at}.start", i, errors);
            var end = Date(row.End, OpenEnd, $"{at}.end", i, errors);
            if (start is not null && end is not null && string.CompareOrdinal(end, start) < 0)
            {
                errors.Add($"{at}.end", $"Row {i + 1}: the end {end} is before the start {start}.");
            }

            if (path.Length == 0 || value is null || start is null || end is null)
            {
                continue;
            }

            if (policy[path] is not JsonObject periods)
            {
                policy[path] = periods = new JsonObject();
            }

            var key = $"{start}.{end}";
            if (periods.ContainsKey(key))
            {
                errors.Add($"{at}.path", $"Row {i + 1}: {path} from {start} to {end} is already set by an earlier row.");
                continue;
            }

            periods[key] = value;
        }

        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        return policy.Count == 0 ? null : policy;
    }

    /// <summary>A number (invariant, a trailing % divides by 100) or true/false; null when it is neither.</summary>
    public static JsonNode? ParseValue(string text)
    {
        if (bool.TryParse(text, out var flag))
        {
            return JsonValue.Create(flag);
        }

        var percent = text.EndsWith('%');
        var number = percent ? text[..^1].Trim() : text;
        if (!double.TryParse(number.Replace(",", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            return null;
        }

        return JsonValue.Create(percent ? value / 100 : value);
    }

    private static string? Date(string? text, string fallback, string field, int row, Validation errors)
    {
        var value = string.IsNullOrWhiteSpace(text) ? fallback : text.Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return value;
        }

        errors.Add(field, $"Row {row + 1}: '{value}' is not a date like 2026-01-01.");
        return null;
    }
}
