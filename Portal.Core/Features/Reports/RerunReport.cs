using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Core.Features.Reports;

/// <param name="IdempotencyKey">From the <c>Idempotency-Key</c> header; a repeat returns the first response.</param>
public sealed record RerunReportRequest(string Country, long ReportId, string? IdempotencyKey = null);

/// <summary>What a rerun did (the legacy result plus the reports it also affected and the new job).</summary>
public sealed record RerunResult(
    long ReportId, string ReportType, IReadOnlyList<long> SimulationIds, int EconomyCacheRowsDeleted, IReadOnlyList<long> AlsoAffectedReportIds, string JobId);

/// <param name="Replayed">True when an earlier request with the same idempotency key produced <paramref name="Result"/>.</param>
public sealed record RerunOutcome(RerunResult Result, bool Replayed);

/// <summary>
/// <c>POST /{country}/report/{id}/rerun</c>. Everything is validated before anything is written
/// (<see cref="RerunLinkage"/>); then ONE transaction: the idempotency row (a repeat of the key
/// collides on its unique index and gets the first response), the conditional reset of the report
/// (only from <c>complete</c> or <c>error</c>: of two concurrent reruns exactly one matches, and a
/// report still computing is a 409 naming its job), the reset of each linked simulation, the delete
/// of the report's <c>reform_impact</c> rows whatever their status (keyed by
/// <see cref="ReformImpactKey.ForReport"/>, the cache's own key function), and the new job row.
/// The Quartz trigger is added after commit (the start-up sweep covers a crash in between).
/// </summary>
public sealed class RerunReportHandler(PortalDbContext db, ReportJobs jobs, TimeProvider time)
{
    public const int MaxKeyLength = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<Result<RerunOutcome>> HandleAsync(RerunReportRequest request, Actor actor, CancellationToken ct = default)
    {
        if (request.IdempotencyKey is { } k && (k.Length is 0 or > MaxKeyLength || k.Any(char.IsControl)))
        {
            return Problem.Invalid("Idempotency-Key", $"The Idempotency-Key header must be 1 to {MaxKeyLength} printable characters.");
        }

        var linkage = await RerunLinkage.LoadAsync(db, request.Country, request.ReportId, actor, ct);
        if (!linkage.Succeeded)
        {
            return linkage.Problem!;
        }

        var link = linkage.Value!;
        if (request.IdempotencyKey is { } key && await StoredAsync(request.ReportId, key, ct) is { } stored)
        {
            return new RerunOutcome(stored, true);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var job = jobs.NewJob(link.Report.CountryId, link.Report.BundleId, actor, now);
        var simulationIds = link.SimulationIds;
        RerunResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            ReportRerunKey? keyRow = null;
            if (request.IdempotencyKey is { } idempotencyKey)
            {
                // First write of the transaction: a concurrent repeat of the key waits here and then collides.
                keyRow = new ReportRerunKey { ReportId = link.Report.Id, IdempotencyKey = idempotencyKey, ResponseJson = "{}", CreatedAt = now };
                db.ReportRerunKeys.Add(keyRow);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    return await StoredAsync(request.ReportId, idempotencyKey, ct) is { } first
                        ? new RerunOutcome(first, true)
                        : Problem.Conflict("A rerun with this Idempotency-Key is in progress; repeat the request to get its response.");
                }
            }

            var reset = await db.ReportOutputs
                .Where(r => r.Id == link.Report.Id && (r.Status == ReportStatuses.Complete || r.Status == ReportStatuses.Error))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, ReportStatuses.Pending)
                    .SetProperty(r => r.Output, (string?)null)
                    .SetProperty(r => r.ErrorMessage, (string?)null)
                    .SetProperty(r => r.JobId, job.JobId)
                    .SetProperty(r => r.StartedAt, (DateTime?)null)
                    .SetProperty(r => r.CompletedAt, (DateTime?)null)
                    .SetProperty(r => r.UpdatedAt, now), ct);
            if (reset == 0)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return await ComputingAsync(link.Report.Id, ct);
            }

            await db.ReportSimulations
                .Where(s => simulationIds.Contains(s.Id))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, ReportStatuses.Pending)
                    .SetProperty(x => x.Output, (string?)null)
                    .SetProperty(x => x.ErrorMessage, (string?)null)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            var deleted = link.CacheKey is null ? 0 : await link.CacheKey.Match(db.ReformImpacts).ExecuteDeleteAsync(ct);
            result = new RerunResult(link.Report.Id, link.Report.ReportType, simulationIds, deleted, link.AlsoAffectedReportIds, job.JobId);
            db.SimulationJobs.Add(job);
            if (keyRow is not null)
            {
                keyRow.ResponseJson = JsonSerializer.Serialize(result, Json);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        await jobs.ScheduleAsync(job.JobId, ct);
        return new RerunOutcome(result, false);
    }

    private async Task<RerunResult?> StoredAsync(long reportId, string key, CancellationToken ct)
    {
        var json = await db.ReportRerunKeys.AsNoTracking()
            .Where(k => k.ReportId == reportId && k.IdempotencyKey == key)
            .Select(k => k.ResponseJson)
            .FirstOrDefaultAsync(ct);
        return json is null or "{}" ? null : JsonSerializer.Deserialize<RerunResult>(json, Json);
    }

    /// <summary>The report is pending or running: 409 naming the job, so the client can follow it instead.</summary>
    private async Task<Problem> ComputingAsync(long reportId, CancellationToken ct)
    {
        var state = await db.ReportOutputs.AsNoTracking().Where(r => r.Id == reportId).Select(r => new { r.Status, r.JobId }).FirstAsync(ct);
        return Problem.Conflict($"Report #{reportId} is {state.Status}: it is being computed by job {state.JobId}. Wait for it to finish, then rerun.") with
        {
            Extensions = new Dictionary<string, object?> { ["report_status"] = state.Status, ["job_id"] = state.JobId },
        };
    }
}

/// <summary>A report and what a rerun of it touches, validated.</summary>
public sealed record RerunLinkage(
    ReportOutput Report, ReportSimulation Simulation1, ReportSimulation? Simulation2, ExecutionBundle Bundle, ReformImpactKey? CacheKey,
    IReadOnlyList<long> SimulationIds, IReadOnlyList<long> AlsoAffectedReportIds)
{
    /// <summary>
    /// The checks, in the legacy order and all before any write: role (Analyst+), the report exists in
    /// the country (404), the caller may rerun it (own report, or Maintainer/Admin for any: 403), each
    /// linked simulation exists (400 naming it), both have one population type (400).
    /// </summary>
    public static async Task<Result<RerunLinkage>> LoadAsync(PortalDbContext db, string country, long reportId, Actor actor, CancellationToken ct)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Rerunning a report needs the Analyst role (own reports) or Maintainer (any report).");
        }

        var report = await db.ReportOutputs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reportId && r.CountryId == country, ct);
        if (report is null)
        {
            return Problem.NotFound($"Report #{reportId} of {country}");
        }

        var maintainer = PortalPolicies.Allows(PortalPolicies.CanPromote, actor.Roles);
        if (!maintainer && (report.OwnerId is null || report.OwnerId != actor.UserId))
        {
            return Problem.Forbidden($"Report #{reportId} belongs to {report.OwnerName}; an Analyst reruns only their own reports, a Maintainer any report.");
        }

        var simulation1 = await db.ReportSimulations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == report.Simulation1Id && s.CountryId == country, ct);
        if (simulation1 is null)
        {
            return Missing(report, report.Simulation1Id, country);
        }

        ReportSimulation? simulation2 = null;
        if (report.Simulation2Id is { } id2)
        {
            simulation2 = await db.ReportSimulations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id2 && s.CountryId == country, ct);
            if (simulation2 is null)
            {
                return Missing(report, id2, country);
            }

            if (simulation2.PopulationType != simulation1.PopulationType)
            {
                return Problem.Invalid("simulation_2_id", $"Report #{reportId} links simulations with mismatched population types ({simulation1.PopulationType} and {simulation2.PopulationType}).");
            }
        }

        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == report.BundleId, ct);
        if (bundle is null)
        {
            return Problem.Conflict($"Report #{reportId} runs on bundle {report.BundleId}, which no longer exists.");
        }

        var key = simulation1.PopulationType == PopulationTypes.Geography ? ReformImpactKey.ForReport(report, simulation1, simulation2, bundle) : null;
        var also = await GetReportHandler.SharingReportIdsAsync(db, report, ct);
        return new RerunLinkage(report, simulation1, simulation2, bundle, key, GetReportHandler.LinkedSimulationIds(report), also);
    }

    private static Problem Missing(ReportOutput report, long simulationId, string country) =>
        Problem.Invalid("simulation_id", $"Report #{report.Id} references simulation #{simulationId}, but it could not be found for country {country}.")
            with { Extensions = new Dictionary<string, object?> { ["simulation_id"] = simulationId } };
}
