using System.Text;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// The UTF-8 bytes of completed job results, kept in memory for polls (LRU, bounded by
/// <see cref="SimulationOptions.ResultCacheMegabytes"/>). A complete result never changes, so the
/// cache needs no invalidation; it spares every poll of a finished job from reading a ~100 KB text
/// column and allocating it twice (as a string, then as bytes) on the large-object heap, which
/// otherwise dominates the cost of a poll through gen-2 collections. A complete job's row never
/// changes either, so for jobs without years (not budget windows, whose years are read apart) the
/// polled state is kept with the bytes and such a poll needs no query at all (<see cref="TryGetPoll"/>).
/// </summary>
public sealed class JobResultCache(SimulationOptions options)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string JobId, byte[] Utf8, SimulationJobView? Job)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string JobId, byte[] Utf8, SimulationJobView? Job)> recency = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PolicyEngineBundle> bundles = new(StringComparer.Ordinal);
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

    /// <summary>A bundle as polls report it: bundle rows are immutable, so once read it is kept.</summary>
    public bool TryGetBundle(string bundleId, out PolicyEngineBundle bundle) => bundles.TryGetValue(bundleId, out bundle!);

    public PolicyEngineBundle AddBundle(PolicyEngineBundle bundle)
    {
        if (bundles.Count > 10_000)
        {
            bundles.Clear();
        }

        return bundles.GetOrAdd(bundle.BundleId, bundle);
    }

    /// <summary>A complete job's whole poll answer (state and result), when kept by <see cref="Add"/>.</summary>
    public bool TryGetPoll(string jobId, out JobPoll poll)
    {
        lock (gate)
        {
            if (entries.TryGetValue(jobId, out var node) && node.Value.Job is { } job)
            {
                recency.Remove(node);
                recency.AddFirst(node);
                poll = new JobPoll(job, node.Value.Utf8);
                return true;
            }
        }

        poll = null!;
        return false;
    }

    /// <summary>
    /// Encodes and keeps <paramref name="resultJson"/> (unless it alone exceeds the budget) with the
    /// complete job's polled state <paramref name="job"/> (null: state is read per poll); returns the bytes.
    /// </summary>
    public byte[] Add(string jobId, string resultJson, SimulationJobView? job = null)
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
                if (existing.Value.Job is null && job is not null)
                {
                    existing.Value = existing.Value with { Job = job };
                }

                return existing.Value.Utf8;
            }

            entries[jobId] = recency.AddFirst((jobId, utf8, job));
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
