using Microsoft.EntityFrameworkCore;
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

/// <summary>
/// Reads one job with its bundle in a single indexed query (job_id is unique, bundle_id too),
/// untracked: this is the path every poll takes. Budget windows add one query for
/// their years.
/// </summary>
public sealed class GetSimulationJobHandler(PortalDbContext db)
{
    public async Task<Result<SimulationJobView>> HandleAsync(string jobId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(jobId) || jobId.Length > 40)
        {
            return Problem.NotFound($"Job '{jobId}'");
        }

        // Not EF.CompileAsyncQuery: a compiled query keeps the executor of the first context it ran on,
        // so a process that touches two providers (the tests run SQLite and PostgreSQL portals side by
        // side) got the other provider's SQL and failed every poll with a 500.
        var row = await db.SimulationJobs.AsNoTracking()
            .Where(j => j.JobId == jobId)
            .Join(db.ExecutionBundles.AsNoTracking(), j => j.BundleId, b => b.BundleId, (j, b) => new Row(j, b))
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return Problem.NotFound($"Job '{jobId}'");
        }

        var j = row.Job;
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
            j.SubmittedBy, j.SubmittedUtc, j.StartedUtc, j.CompletedUtc, j.Attempts, PolicyEngineBundle.From(row.Bundle), children);
    }

    private sealed record Row(SimulationJob Job, ExecutionBundle Bundle);
}
