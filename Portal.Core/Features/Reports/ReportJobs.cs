using System.Security.Cryptography;
using Portal.Core.Common;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Reports;

/// <summary>
/// Report computations are simulation jobs of kind <c>report</c>: the same persistent Quartz job
/// (<see cref="SimulationJobRunner"/>, recovery on restart, execution limits, progress, the Jobs
/// page). The report row names its current job; only that job may write the report's outcome.
/// </summary>
public sealed class ReportJobs(SimulationJobQueue queue)
{
    public const string Kind = "report";

    /// <summary>A job row ready to insert in the caller's transaction (scheduled after commit with <see cref="ScheduleAsync"/>).</summary>
    public SimulationJob NewJob(string country, string bundleId, Actor actor, DateTime now) => new()
    {
        JobId = SimulationJobQueue.NewJobId(),
        Kind = Kind,
        Country = country,
        BundleId = bundleId,
        CacheKey = null,
        Status = SimulationJobStatuses.Submitted,
        RequestJson = "{\"kind\":\"report\"}",
        RunId = "run_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        SubmittedBy = actor.Name,
        SubmittedUtc = now,
    };

    public Task ScheduleAsync(string jobId, CancellationToken ct) => queue.ScheduleAsync(jobId, ct);
}
