using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Core.Features.Publishing;

/// <summary>
/// Runs one publish run inside the process: resolves the release, checks the fingerprint, decides
/// what is already done (resume), partitions the rest across N workers with LPT balancing, runs the
/// workers in parallel, persists every area's structured result as it completes (its own short
/// transaction, so the run is visible live and a kill loses at most the areas being built), then
/// writes the manifest and decides promotability. Idempotent: a recovered run continues the same rows.
/// </summary>
public sealed class PublishCoordinator(
    PortalDbContext db,
    PublishSources sources,
    IServiceScopeFactory scopes,
    PublishingOptions options,
    TimeProvider time,
    ILogger<PublishCoordinator> logger)
{
    /// <summary>Runs the publish now on this thread (the Quartz job and tests call this); returns the final status or why nothing ran.</summary>
    public async Task<string> RunAsync(string runId, CancellationToken ct = default)
    {
        var run = await db.PublishRuns.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct);
        if (run is null)
        {
            logger.LogWarning("Publish run {RunId} does not exist; nothing to run", runId);
            return "missing";
        }

        if (PublishRunStatuses.IsTerminal(run.Status))
        {
            return run.Status;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await db.PublishRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, PublishRunStatuses.Running)
            .SetProperty(r => r.Attempts, r => r.Attempts + 1)
            .SetProperty(r => r.StartedUtc, r => r.StartedUtc ?? now), ct);
        try
        {
            var error = await PublishAsync(run, ct);
            return await FinishAsync(run, error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the run stays unfinished; the start-up sweep or Quartz recovery resumes it.
            await db.PublishRuns.Where(r => r.Id == run.Id && r.Status == PublishRunStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, PublishRunStatuses.Queued), CancellationToken.None);
            throw;
        }
#pragma warning disable CA1031 // Any failure becomes the run's error instead of crashing the scheduler thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Publish run {RunId} failed", runId);
            return await FinishAsync(run, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Builds what is left; returns a run-level error, or null.</summary>
    private async Task<string?> PublishAsync(PublishRun run, CancellationToken ct)
    {
        var resolved = await sources.ResolveAsync(run.Country, run.DataRelease, ct);
        if (!resolved.Succeeded)
        {
            return resolved.Problem!.Describe();
        }

        var outputDir = sources.FullPath(run.OutputDir);
        Directory.CreateDirectory(outputDir);
        RemoveTempFiles(outputDir);

        // One snapshot shared read-only by every worker thread: the dataset and package are loaded once per run.
        using var snapshot = sources.Open(resolved.Value!);
        var catalog = AreaCatalog.FromCalibration(run.Country, snapshot);
        var fingerprint = PublishSources.Fingerprint(resolved.Value!, snapshot, catalog);
        if (fingerprint != run.Fingerprint)
        {
            return $"The inputs changed since the run was queued (fingerprint {fingerprint[..12]}, queued with {run.Fingerprint[..12]}); start a new run.";
        }

        var pending = await ReconcileAsync(run, ct);
        var byKey = catalog.Areas.ToDictionary(a => a.Key, StringComparer.Ordinal);
        var requests = pending.Select(k => byKey[k]).ToList();
        if (requests.Count == 0)
        {
            return null;
        }

        var chunks = LptPartitioner.Partition(requests, catalog.ExpectedHouseholds, Math.Clamp(run.Workers, 1, requests.Count))
            .Where(c => c.Count > 0).ToList();
        var crashed = new ConcurrentQueue<string>();
        var workers = chunks.Select(chunk => Task.Factory.StartNew(
            () => AreaWorker.Run(chunk, snapshot, outputDir, ValidationPolicy.Default, result => Persist(run.Id, result), ct),
            ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        var results = new List<WorkerResult>();
        foreach (var worker in workers)
        {
            try
            {
                results.Add(await worker);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A worker that dies is a worker issue of the run, reported with the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashed.Enqueue($"A worker stopped: {e.GetType().Name}: {e.Message}");
            }
        }

        ct.ThrowIfCancellationRequested();
        var issues = results.SelectMany(r => r.WorkerIssues).Concat(crashed).ToList();
        foreach (var issue in issues)
        {
            logger.LogWarning("Publish run {RunId}: {Issue}", run.RunId, issue);
        }

        return issues.Count == 0 ? null : "Worker issues: " + string.Join(" ", issues.Take(5));
    }

    /// <summary>
    /// The resume rule at the adapter boundary. Rows this run already finished count only if their
    /// file still hashes to the recorded sha256 (else built again). With <c>resume</c>, a pending area
    /// whose file an earlier run of the same fingerprint finished (same directory, file present, sha256
    /// re-hashed equal) is skipped. Returns the keys left to build.
    /// </summary>
    private async Task<List<string>> ReconcileAsync(PublishRun run, CancellationToken ct)
    {
        var rows = await db.PublishAreas.Where(a => a.PublishRunId == run.Id).ToListAsync(ct);
        var earlier = !run.Resume ? [] : await db.PublishAreas.AsNoTracking()
            .Where(a => a.PublishRunId != run.Id && a.Sha256 != null
                && (a.Status == PublishAreaStatuses.Completed || a.Status == PublishAreaStatuses.Skipped)
                && db.PublishRuns.Any(r => r.Id == a.PublishRunId && r.OutputDir == run.OutputDir && r.Fingerprint == run.Fingerprint))
            .OrderByDescending(a => a.Id)
            .ToListAsync(ct);
        var pending = new List<string>();
        foreach (var row in rows)
        {
            var file = sources.FullPath(Path.Combine(run.OutputDir, row.OutputPath));
            var previous = earlier.FirstOrDefault(e => e.OutputPath == row.OutputPath);
            var actual = (PublishAreaStatuses.IsDone(row.Status) && row.Sha256 is not null) || previous is not null ? await HashOrNullAsync(file, ct) : null;
            if (PublishAreaStatuses.IsDone(row.Status) && row.Sha256 is not null && actual == row.Sha256)
            {
                continue;
            }

            if (previous is not null && actual == previous.Sha256)
            {
                row.Status = PublishAreaStatuses.Skipped;
                row.Sha256 = previous.Sha256;
                row.SizeBytes = previous.SizeBytes;
                row.Households = previous.Households;
                row.Persons = previous.Persons;
                row.WeightTotal = previous.WeightTotal;
                row.ValidationStatus = previous.ValidationStatus;
                row.IssuesJson = previous.IssuesJson;
                row.BuildError = null;
                row.DurationMs = 0;
                row.CompletedUtc = time.GetUtcNow().UtcDateTime;
                continue;
            }

            row.Status = PublishAreaStatuses.Pending;
            pending.Add($"{row.AreaType}:{row.AreaId}");
        }

        await db.SaveChangesAsync(ct);
        await RecountAsync(db, run.Id, ct);
        return pending;
    }

    /// <summary>One area's result, in its own short transaction with the run's counts (called from worker threads).</summary>
    private void Persist(long runId, AreaBuildResult result)
    {
        using (var scope = scopes.CreateScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            using var transaction = context.Database.BeginTransaction();
            var area = result.Request;
            var status = JsonNamingPolicy.SnakeCaseLower.ConvertName(result.Status.ToString());
            var validation = JsonNamingPolicy.SnakeCaseLower.ConvertName(result.Validation.Status.ToString());
            var issues = JsonSerializer.Serialize(result.Validation.Issues, PublishingJson.Options);
            var completed = time.GetUtcNow().UtcDateTime;
            context.PublishAreas
                .Where(a => a.PublishRunId == runId && a.AreaType == area.AreaType && a.AreaId == area.AreaId)
                .ExecuteUpdate(s => s
                    .SetProperty(a => a.Status, status)
                    .SetProperty(a => a.Sha256, result.Sha256)
                    .SetProperty(a => a.SizeBytes, result.SizeBytes)
                    .SetProperty(a => a.Households, result.Households)
                    .SetProperty(a => a.Persons, result.Persons)
                    .SetProperty(a => a.WeightTotal, result.WeightTotal)
                    .SetProperty(a => a.ValidationStatus, validation)
                    .SetProperty(a => a.IssuesJson, issues)
                    .SetProperty(a => a.BuildError, result.BuildError)
                    .SetProperty(a => a.DurationMs, (long)result.Duration.TotalMilliseconds)
                    .SetProperty(a => a.CompletedUtc, completed));
            RecountAsync(context, runId, CancellationToken.None).GetAwaiter().GetResult();
            transaction.Commit();
        }

        if (options.AreaDelayMs > 0)
        {
            Thread.Sleep(options.AreaDelayMs);
        }
    }

    /// <summary>Counts from the rows, never incremented, so a recovered run cannot double-count.</summary>
    private static Task<int> RecountAsync(PortalDbContext context, long runId, CancellationToken ct) =>
        context.PublishRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.AreasCompleted, r => context.PublishAreas.Count(a => a.PublishRunId == runId && a.Status == PublishAreaStatuses.Completed))
            .SetProperty(r => r.AreasSkipped, r => context.PublishAreas.Count(a => a.PublishRunId == runId && a.Status == PublishAreaStatuses.Skipped))
            .SetProperty(r => r.AreasFailed, r => context.PublishAreas.Count(a => a.PublishRunId == runId && a.Status == PublishAreaStatuses.Failed)), ct);

    private async Task<string> FinishAsync(PublishRun run, string? error)
    {
        await RecountAsync(db, run.Id, CancellationToken.None);
        var rows = await db.PublishAreas.AsNoTracking().Where(a => a.PublishRunId == run.Id).OrderBy(a => a.Id).ToListAsync(CancellationToken.None);
        var failed = rows.Count(a => a.Status == PublishAreaStatuses.Failed);
        var unfinished = rows.Count(a => a.Status == PublishAreaStatuses.Pending);
        error ??= failed > 0 ? $"{failed} of {rows.Count} areas failed to build; see their errors." : unfinished > 0 ? $"{unfinished} areas were not built." : null;
        var promotability = Promotability.Decide(run.Country, run.Scope, rows);
        string? manifestPath = null;
        string? manifestSha = null;
        if (Directory.Exists(sources.FullPath(run.OutputDir)))
        {
            (manifestPath, manifestSha) = PublishManifest.Write(sources, run, rows, promotability, time.GetUtcNow().UtcDateTime);
        }

        var status = error is null ? PublishRunStatuses.Completed : PublishRunStatuses.Failed;
        var finished = time.GetUtcNow().UtcDateTime;
        await db.PublishRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Error, error)
            .SetProperty(r => r.Promotable, error == null && promotability.Promotable)
            .SetProperty(r => r.PromotableReason, error == null ? promotability.Reason : "The run did not complete.")
            .SetProperty(r => r.ManifestPath, manifestPath)
            .SetProperty(r => r.ManifestSha256, manifestSha)
            .SetProperty(r => r.FinishedUtc, finished), CancellationToken.None);
        return status;
    }

    /// <summary>Leftovers of a build the kill interrupted: never counted, never served, removed before building again.</summary>
    private void RemoveTempFiles(string outputDir)
    {
        foreach (var file in Directory.EnumerateFiles(outputDir, "*", SearchOption.AllDirectories).Where(PublishManifest.IsTemp))
        {
            logger.LogInformation("Removing the partial file {File} of an interrupted build", file);
            File.Delete(file);
        }
    }

    private static async Task<string?> HashOrNullAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }
}
