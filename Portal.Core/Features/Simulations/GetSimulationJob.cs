using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Simulations;

/// <summary>One year of a budget window.</summary>
public sealed record ChildJobView(string JobId, int Year, string Status, double Progress, string? Error);

/// <summary>
/// A job as polled: its state, its bundle and, once complete, the stored result JSON as text (never
/// parsed here: a poll serves the stored bytes). <see cref="Children"/> is set for budget windows.
/// </summary>
public sealed record SimulationJobView(
    string JobId,
    string Kind,
    string Country,
    string Status,
    double Progress,
    string? Stage,
    string RunId,
    string? ParentJobId,
    string RequestJson,
    string? ResultJson,
    string? Error,
    string SubmittedBy,
    DateTime SubmittedUtc,
    DateTime? StartedUtc,
    DateTime? CompletedUtc,
    int Attempts,
    PolicyEngineBundle Bundle,
    IReadOnlyList<ChildJobView>? Children);

/// <summary>A job as a poll serves it: the state without the result text, and the result as cached UTF-8 bytes when complete.</summary>
public sealed record JobPoll(SimulationJobView Job, byte[]? ResultUtf8);

/// <summary>
/// Reads one job with its bundle in a single indexed query (job_id is unique, bundle_id too),
/// untracked and precompiled. <see cref="PollAsync"/> is the path every poll takes: it reads the job's
/// state alone (no text columns, no join: the immutable bundle comes from memory) and serves a
/// complete job from <see cref="JobResultCache"/> without any query (read from the row once). Budget windows add one query for their years.
/// </summary>
public sealed class GetSimulationJobHandler(PortalDbContext db, JobResultCache results)
{
    // Compiled queries are bound to one EF model; a process with two providers (the tests) has two.
    private static readonly ConditionalWeakTable<IModel, Queries> ByModel = [];

    private Queries Compiled => ByModel.GetValue(db.Model, _ => new Queries());

    /// <summary>The whole job, including its request and result JSON as text (pages, downloads).</summary>
    public async Task<Result<SimulationJobView>> HandleAsync(string jobId, CancellationToken ct = default)
    {
        var row = IsJobId(jobId) ? await Compiled.FindJob(db, jobId, ct) : null;
        return row is null ? Problem.NotFound($"Job '{jobId}'") : await ViewAsync(row.Job, PolicyEngineBundle.From(row.Bundle), ct);
    }

    /// <summary>The job for a poll: no request text, and the result as cached bytes.</summary>
    public async Task<Result<JobPoll>> PollAsync(string jobId, CancellationToken ct = default)
    {
        if (results.TryGetPoll(jobId, out var cached))
        {
            return cached;
        }

        var state = IsJobId(jobId) ? await Compiled.FindJobState(db, jobId, ct) : null;
        var bundle = state is null ? null
            : results.TryGetBundle(state.BundleId, out var known) ? known
            : await Compiled.FindBundle(db, state.BundleId, ct) is { } read ? results.AddBundle(read) : null;
        if (state is null || bundle is null)
        {
            return Problem.NotFound($"Job '{jobId}'");
        }

        var job = new SimulationJob
        {
            JobId = state.JobId, Kind = state.Kind, Country = state.Country, ParentJobId = state.ParentJobId, Status = state.Status, Progress = state.Progress,
            Stage = state.Stage, Error = state.Error, RunId = state.RunId, SubmittedBy = state.SubmittedBy, SubmittedUtc = state.SubmittedUtc,
            StartedUtc = state.StartedUtc, CompletedUtc = state.CompletedUtc, Attempts = state.Attempts, BundleId = state.BundleId,
        };
        var view = await ViewAsync(job, bundle, ct);
        byte[]? result = null;
        if (job.Status == SimulationJobStatuses.Complete && !results.TryGet(jobId, out result)
            && await Compiled.FindResult(db, jobId, ct) is { } text)
        {
            // Only a job without years is kept whole: a budget window's years are read on every poll.
            result = results.Add(jobId, text, view.Children is null ? view : null);
        }

        return new JobPoll(view, result);
    }

    private static bool IsJobId(string jobId) => !string.IsNullOrEmpty(jobId) && jobId.Length <= 40;

    private async Task<SimulationJobView> ViewAsync(SimulationJob j, PolicyEngineBundle bundle, CancellationToken ct)
    {
        IReadOnlyList<ChildJobView>? children = null;
        if (j.Kind == SimulationJobKinds.BudgetWindow)
        {
            var rows = await db.SimulationJobs.AsNoTracking()
                .Where(c => c.ParentJobId == j.JobId)
                .Select(c => new { c.JobId, c.Status, c.Progress, c.Error, c.RequestJson })
                .ToListAsync(ct);
            children = [.. rows.Select(c => new ChildJobView(c.JobId, GatewayInputs.ChildYear(c.RequestJson), c.Status, c.Progress, c.Error)).OrderBy(c => c.Year)];
        }

        return new SimulationJobView(
            j.JobId, j.Kind, j.Country, j.Status, j.Progress, j.Stage, j.RunId, j.ParentJobId, j.RequestJson, j.ResultJson, j.Error,
            j.SubmittedBy, j.SubmittedUtc, j.StartedUtc, j.CompletedUtc, j.Attempts, bundle, children);
    }

    private sealed record Row(SimulationJob Job, ExecutionBundle Bundle);

    private sealed class Queries
    {
        public readonly Func<PortalDbContext, string, CancellationToken, Task<Row?>> FindJob = EF.CompileAsyncQuery(
            (PortalDbContext context, string jobId, CancellationToken _) => context.SimulationJobs.AsNoTracking()
                .Where(j => j.JobId == jobId)
                .Join(context.ExecutionBundles.AsNoTracking(), j => j.BundleId, b => b.BundleId, (j, b) => new Row(j, b))
                .FirstOrDefault());

        // No join: a bundle never changes, so polls take it from memory (FindBundle once per bundle).
        public readonly Func<PortalDbContext, string, CancellationToken, Task<JobState?>> FindJobState = EF.CompileAsyncQuery(
            (PortalDbContext context, string jobId, CancellationToken _) => context.SimulationJobs.AsNoTracking()
                .Where(j => j.JobId == jobId)
                .Select(j => new JobState
                {
                    JobId = j.JobId, Kind = j.Kind, Country = j.Country, ParentJobId = j.ParentJobId, Status = j.Status, Progress = j.Progress,
                    Stage = j.Stage, Error = j.Error, RunId = j.RunId, SubmittedBy = j.SubmittedBy, SubmittedUtc = j.SubmittedUtc,
                    StartedUtc = j.StartedUtc, CompletedUtc = j.CompletedUtc, Attempts = j.Attempts, BundleId = j.BundleId,
                })
                .FirstOrDefault());

        public readonly Func<PortalDbContext, string, CancellationToken, Task<PolicyEngineBundle?>> FindBundle = EF.CompileAsyncQuery(
            (PortalDbContext context, string bundleId, CancellationToken _) => context.ExecutionBundles.AsNoTracking()
                .Where(b => b.BundleId == bundleId)
                .Select(b => new PolicyEngineBundle(b.BundleId, b.DisplayId, b.Country, b.ModelVersion, b.ModelSha256, b.DataVersion,
                    b.DataManifestRevision, b.Dataset, b.DatasetSha256, b.EngineVersion))
                .FirstOrDefault());

        public readonly Func<PortalDbContext, string, CancellationToken, Task<string?>> FindResult = EF.CompileAsyncQuery(
            (PortalDbContext context, string jobId, CancellationToken _) => context.SimulationJobs.AsNoTracking()
                .Where(j => j.JobId == jobId).Select(j => j.ResultJson).FirstOrDefault());
    }

    /// <summary>A job row without its request and result text.</summary>
    private sealed class JobState
    {
        public string JobId { get; init; } = "";

        public string Kind { get; init; } = "";

        public string Country { get; init; } = "";

        public string? ParentJobId { get; init; }

        public string Status { get; init; } = "";

        public double Progress { get; init; }

        public string? Stage { get; init; }

        public string? Error { get; init; }

        public string RunId { get; init; } = "";

        public string SubmittedBy { get; init; } = "";

        public DateTime SubmittedUtc { get; init; }

        public DateTime? StartedUtc { get; init; }

        public DateTime? CompletedUtc { get; init; }

        public int Attempts { get; init; }

        public string BundleId { get; init; } = "";
    }
}
