using System.Text;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// The UTF-8 bytes of completed job results, kept in memory for polls (LRU, bounded by
/// <see cref="SimulationOptions.ResultCacheMegabytes"/>). A complete result never changes, so the
/// cache needs no invalidation; it spares every poll of a finished job from reading a ~100 KB text
/// column and allocating it twice (as a string, then as bytes) on the large-object heap, which
/// otherwise dominates the cost of a poll through gen-2 collections.
/// </summary>
public sealed class JobResultCache(SimulationOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string JobId, byte[] Utf8)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string JobId, byte[] Utf8)> recency = new();
    private long bytes;

    private long Capacity => (long)options.ResultCacheMegabytes << 20;

    public bool TryGet(string jobId, out byte[] utf8)
    {
        lock (gate)
        {
            if (entries.TryGetValue(jobId, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                utf8 = node.Value.Utf8;
                return true;
            }
        }

        utf8 = [];
        return false;
    }

    /// <summary>Encodes and keeps <paramref name="resultJson"/> (unless it alone exceeds the budget); returns the bytes.</summary>
    public byte[] Add(string jobId, string resultJson)
    {
        var utf8 = Encoding.UTF8.GetBytes(resultJson);
        if (utf8.Length > Capacity)
        {
            return utf8;
        }

        lock (gate)
        {
            if (entries.TryGetValue(jobId, out var existing))
            {
                return existing.Value.Utf8;
            }

            entries[jobId] = recency.AddFirst((jobId, utf8));
            bytes += utf8.Length;
            while (bytes > Capacity && recency.Last is { } last)
            {
                entries.Remove(last.Value.JobId);
                bytes -= last.Value.Utf8.Length;
                recency.RemoveLast();
            }
        }

        return utf8;
    }
}
