using System.Globalization;

namespace Portal.Core.Features.Bundles;

/// <summary>
/// The <c>If-Match</c> of an alias change, parsed. Each listed value may be the alias's current
/// revision (<c>3</c>, <c>"3"</c>, <c>W/"3"</c>) or the bundle it points at (full or display id,
/// quoted or not); the precondition holds when any value matches. <c>*</c> is rejected: it would
/// match any state and defeat the lost-update check the header exists for.
/// </summary>
public sealed record AliasPrecondition(IReadOnlyList<string> Values)
{
    public static AliasPrecondition? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var values = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(Unquote)
            .Where(v => v.Length > 0)
            .ToList();
        return values.Count == 0 ? null : new AliasPrecondition(values);
    }

    public bool IsWildcard => Values.Any(v => v == "*");

    public bool Matches(BundleAlias current) => Values.Any(v =>
        (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision == current.Revision)
        || string.Equals(v, current.BundleId, StringComparison.OrdinalIgnoreCase)
        || string.Equals(v, BundleIdentity.DisplayIdOf(current.BundleId), StringComparison.OrdinalIgnoreCase));

    public override string ToString() => string.Join(", ", Values);

    private static string Unquote(string value)
    {
        var v = value.StartsWith("W/", StringComparison.Ordinal) ? value[2..] : value;
        return v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1].Trim() : v.Trim();
    }
}
