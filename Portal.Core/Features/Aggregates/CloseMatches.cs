namespace Portal.Core.Features.Aggregates;

/// <summary>Names close to a mistyped one, for error messages that list what the caller may have meant.</summary>
public static class CloseMatches
{
    public static IReadOnlyList<string> Find(string name, IEnumerable<string> candidates, int max = 5)
    {
        var lower = name.ToLowerInvariant();
        var limit = Math.Max(2, name.Length / 3);
        return [.. candidates
            .Select(c => (Name: c, Distance: Distance(lower, c.ToLowerInvariant()), Contains: lower.Length >= 3 && c.Contains(lower, StringComparison.OrdinalIgnoreCase)))
            .Where(c => c.Contains || (c.Distance <= limit && c.Distance < name.Length))
            .OrderBy(c => c.Contains ? 0 : c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(c => c.Name)];
    }

    /// <summary>"; close matches: a, b" or "".</summary>
    public static string Describe(string name, IEnumerable<string> candidates)
    {
        var found = Find(name, candidates);
        return found.Count == 0 ? "" : $"; close matches: {string.Join(", ", found)}";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
