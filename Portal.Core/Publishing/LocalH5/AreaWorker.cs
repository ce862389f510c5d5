namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Builds a list of areas one after another on the calling thread, sharing one snapshot. Every area
/// ends as a structured <see cref="AreaBuildResult"/> (a crash in one area fails that area only);
/// cancellation stops before the next area and is reported as a worker issue.
/// </summary>
public static class AreaWorker
{
    public static WorkerResult Run(IReadOnlyList<AreaBuildRequest> areas, SourceSnapshot source, string outputDir, ValidationPolicy policy,
        Action<AreaBuildResult> onAreaDone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(areas);
        ArgumentNullException.ThrowIfNull(onAreaDone);
        var completed = new List<AreaBuildResult>();
        var failed = new List<AreaBuildResult>();
        var issues = new List<string>();
        for (var i = 0; i < areas.Count; i++)
        {
            if (ct.IsCancellationRequested)
            {
                issues.Add($"cancelled: {areas.Count - i} of {areas.Count} areas not built ({string.Join(", ", areas.Skip(i).Take(5).Select(a => a.Key))}{(areas.Count - i > 5 ? ", …" : "")})");
                break;
            }

            AreaBuildResult result;
            try
            {
                result = LocalH5.BuildH5(areas[i], source, outputDir, policy, ct);
            }
            catch (OperationCanceledException)
            {
                issues.Add($"cancelled while building {areas[i].Key}: {areas.Count - i} of {areas.Count} areas not built");
                break;
            }

            (result.Status == AreaBuildStatus.Failed ? failed : completed).Add(result);
            try
            {
                onAreaDone(result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                issues.Add($"progress callback failed for {areas[i].Key}: {ex.Message}");
            }
        }

        return new WorkerResult(completed, failed, issues);
    }

    /// <summary>One thread per partition over the same snapshot; results in partition order.</summary>
    public static IReadOnlyList<WorkerResult> RunParallel(IReadOnlyList<IReadOnlyList<AreaBuildRequest>> partitions, SourceSnapshot source, string outputDir,
        ValidationPolicy policy, Action<AreaBuildResult> onAreaDone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var results = new WorkerResult[partitions.Count];
        var threads = partitions.Select((areas, i) => new Thread(() => results[i] = Run(areas, source, outputDir, policy, onAreaDone, ct))
        {
            IsBackground = true,
            Name = $"local-h5-worker-{i}",
        }).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        return results;
    }
}
