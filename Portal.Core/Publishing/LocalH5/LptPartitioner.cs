namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Longest-processing-time-first: areas sorted by weight (descending, ties by key), each given to the
/// currently lightest worker (ties: lowest worker index). Deterministic; empty partitions are dropped.
/// The largest load is at most 4/3 of the optimum.
/// </summary>
public static class LptPartitioner
{
    public static IReadOnlyList<IReadOnlyList<AreaBuildRequest>> Partition(IReadOnlyList<AreaBuildRequest> areas, Func<AreaBuildRequest, double> weight, int workers)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var bins = Enumerable.Range(0, workers).Select(_ => new List<AreaBuildRequest>()).ToArray();
        var loads = new PriorityQueue<int, (double Load, int Index)>();
        for (var i = 0; i < workers; i++)
        {
            loads.Enqueue(i, (0, i));
        }

        var ordered = areas.Select(a => (Area: a, Weight: Math.Max(0, weight(a))))
            .OrderByDescending(x => x.Weight).ThenBy(x => x.Area.Key, StringComparer.Ordinal);
        foreach (var (area, w) in ordered)
        {
            loads.TryDequeue(out var bin, out var load);
            bins[bin].Add(area);
            loads.Enqueue(bin, (load.Load + w, bin));
        }

        return bins.Where(b => b.Count > 0).ToArray();
    }
}
