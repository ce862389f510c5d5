namespace Portal.Core.Common;

/// <summary>
/// A list's sort as it lives in the query string (<c>sort=status&amp;dir=asc</c>). Like paging,
/// user-supplied sorting is clamped to what the list offers instead of rejected: an unknown key
/// falls back to the list's default (its first key), an unknown direction to descending.
/// </summary>
public sealed record Sorting(string Key, bool Descending)
{
    public string Direction => Descending ? "desc" : "asc";

    public static Sorting Normalize(string? key, string? direction, IReadOnlyList<string> keys)
    {
        var k = key?.Trim().ToLowerInvariant();
        return new Sorting(k is not null && keys.Contains(k) ? k : keys[0], !string.Equals(direction?.Trim(), "asc", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Orders by <paramref name="key"/> in this direction, ties broken by <paramref name="tie"/> in the same direction (stable pages).</summary>
    public IOrderedQueryable<T> Apply<T, TKey, TTie>(IQueryable<T> query, System.Linq.Expressions.Expression<Func<T, TKey>> key, System.Linq.Expressions.Expression<Func<T, TTie>> tie) =>
        Descending ? query.OrderByDescending(key).ThenByDescending(tie) : query.OrderBy(key).ThenBy(tie);
}
