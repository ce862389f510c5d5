using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Gives a finished report computation its registry row (kind and source <c>report</c>): called by
/// <see cref="RunRecorder"/> when a report job finishes, i.e. after the one update that completed the
/// report. The run's spec is the report's self-contained request (<see cref="ReportRunSpec"/>), its
/// result the report's output. A job whose report was reset by a rerun meanwhile records nothing (the
/// new job will); every completed computation (each rerun too) gets its own row, linked to the report
/// by <c>report_id</c> in the provenance and the title <c>Report #id</c>.
/// </summary>
public sealed class ReportRunRecorder(PortalDbContext db)
{
    public async Task<(RunRecord Run, SimulationJob Outcome)?> AddAsync(SimulationJob job, CancellationToken ct)
    {
        var report = await db.ReportOutputs.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == job.JobId, ct);
        if (report is null || !(report.Status is ReportStatuses.Complete or ReportStatuses.Error))
        {
            return null;
        }

        var existing = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == job.JobId, ct);
        if (existing is not null)
        {
            // Added before a crash but never completed (RunRecovery): complete that row, never add a second.
            return existing.Status == RunStatuses.Submitted ? (existing, Outcome(job, report)) : null;
        }

        var spec = await ReportRunSpec.BuildAsync(db, report, ct);
        var provenance = new JsonObject
        {
            ["source"] = RunKinds.Report,
            ["report_id"] = report.Id,
            ["report_type"] = report.ReportType,
            ["job_id"] = job.JobId,
            ["job_kind"] = job.Kind,
            ["telemetry_run_id"] = job.RunId,
            ["owner"] = report.OwnerName,
            ["submitted_by"] = job.SubmittedBy,
            ["received_at"] = job.SubmittedUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
        var run = RunRecord.ForFinishedJob(RunKinds.Report, $"Report #{report.Id.ToString(CultureInfo.InvariantCulture)} ({report.ReportType})", job, report.BundleId, spec, provenance);
        db.Runs.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance recorded this job a moment earlier (one row per report job: unique index).
            db.ChangeTracker.Clear();
            var raced = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == job.JobId, ct);
            if (raced is null)
            {
                throw;
            }

            return raced.Status == RunStatuses.Submitted ? (raced, Outcome(job, report)) : null;
        }

        db.ChangeTracker.Clear();
        return (run, Outcome(job, report));
    }

    /// <summary>The report job as the run sees it: its outcome is the report's output (read with the row that made the spec), not the job's short status object.</summary>
    private static SimulationJob Outcome(SimulationJob job, ReportOutput report) => new()
    {
        JobId = job.JobId,
        Kind = job.Kind,
        Country = job.Country,
        BundleId = job.BundleId,
        RunId = job.RunId,
        Status = report.Status == ReportStatuses.Complete && report.Output is not null ? SimulationJobStatuses.Complete : SimulationJobStatuses.Failed,
        ResultJson = report.Output,
        Error = report.ErrorMessage,
    };
}
