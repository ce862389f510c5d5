using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Models;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.Reports;

/// <summary>A report cannot be computed (bad linkage, a household the bundle's model rejects); the message is for people.</summary>
public sealed class ReportComputationException(string message) : Exception(message);

/// <summary>
/// Computes a report (simulation job kind <c>report</c>). Status moves pending → running →
/// complete | error, each step one conditional write that names this job: a report reset by a
/// rerun meanwhile belongs to the new job, and this run's late outcome is discarded. Economy
/// reports use the gateway's machinery on the report's bundle and the <c>reform_impact</c> cache
/// (an <c>ok</c> row is reused; otherwise this job claims the key, computes and stores the row);
/// household reports run the household calculator on the bundle's model.
/// </summary>
public sealed class ReportExecutor(PortalDbContext db, ReportComputation computation, TimeProvider time) : ISimulationJobExecutor
{
    public string Kind => ReportJobs.Kind;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        var report = await db.ReportOutputs.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == job.JobId, ct);
        if (report is null)
        {
            return new JsonObject { ["skipped"] = "No report is computed by this job any more (it was rerun)." };
        }

        var started = time.GetUtcNow().UtcDateTime;
        var claimed = await db.ReportOutputs
            .Where(r => r.Id == report.Id && r.JobId == job.JobId && (r.Status == ReportStatuses.Pending || r.Status == ReportStatuses.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReportStatuses.Running).SetProperty(r => r.StartedAt, started).SetProperty(r => r.UpdatedAt, started), ct);
        if (claimed == 0)
        {
            return new JsonObject { ["skipped"] = $"Report #{report.Id} is no longer waiting for this job." };
        }

        var ids = GetReportHandler.LinkedSimulationIds(report);
        await db.ReportSimulations.Where(s => ids.Contains(s.Id) && s.Status != ReportStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, ReportStatuses.Running).SetProperty(x => x.UpdatedAt, started), ct);
        try
        {
            var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == report.BundleId, ct)
                ?? throw new ReportComputationException($"Bundle {report.BundleId} does not exist.");
            var simulations = await db.ReportSimulations.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
            var simulation1 = simulations.GetValueOrDefault(report.Simulation1Id)
                ?? throw new ReportComputationException($"Report #{report.Id} references simulation #{report.Simulation1Id}, which does not exist.");
            var simulation2 = report.Simulation2Id is { } id2
                ? simulations.GetValueOrDefault(id2) ?? throw new ReportComputationException($"Report #{report.Id} references simulation #{id2}, which does not exist.")
                : null;
            var simulationOutputs = new Dictionary<long, string?>();
            JsonNode output;
            if (report.ReportType == ReportTypes.Household)
            {
                var combined = new JsonObject();
                foreach (var simulation in simulations.Values.OrderBy(s => s.Id))
                {
                    await progress.ReportAsync(0.1 + (0.8 * simulationOutputs.Count / simulations.Count), $"Calculating the household under policy #{simulation.PolicyId}");
                    var household = await HouseholdAsync(report, simulation, bundle, ct);
                    simulationOutputs[simulation.Id] = household.ToJsonString();
                    combined[simulation.Id.ToString(CultureInfo.InvariantCulture)] = household;
                }

                output = combined;
            }
            else
            {
                output = await EconomyAsync(job, report, simulation1, simulation2, bundle, progress, ct);
                foreach (var id in simulations.Keys)
                {
                    simulationOutputs[id] = null;
                }
            }

            await FinishAsync(job, report, bundle, simulationOutputs, output.ToJsonString(), null, ct);
            return new JsonObject { ["report_id"] = report.Id, ["status"] = ReportStatuses.Complete };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var message = SimulationJobRunner.Describe(e);
            await FinishAsync(job, report, null, ids.ToDictionary(id => id, _ => (string?)null), null, message, CancellationToken.None);
            throw;
        }
    }

    private async Task<JsonObject> HouseholdAsync(ReportOutput report, ReportSimulation simulation, ExecutionBundle bundle, CancellationToken ct)
    {
        var householdId = long.Parse(simulation.PopulationId, CultureInfo.InvariantCulture);
        var household = await db.LegacyHouseholds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, ct)
            ?? throw new ReportComputationException($"Simulation #{simulation.Id} references household #{householdId}, which does not exist.");
        var policy = await db.LegacyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == simulation.PolicyId, ct)
            ?? throw new ReportComputationException($"Simulation #{simulation.Id} references policy #{simulation.PolicyId}, which does not exist.");
        return computation.Household(report.CountryId, report.Year, (JsonObject)JsonNode.Parse(household.HouseholdJson)!, JsonNode.Parse(policy.PolicyJson), bundle, simulation.Id);
    }

    private async Task<JsonNode> EconomyAsync(
        SimulationJob job, ReportOutput report, ReportSimulation simulation1, ReportSimulation? simulation2, ExecutionBundle bundle, IJobProgress progress, CancellationToken ct)
    {
        var key = ReformImpactKey.ForReport(report, simulation1, simulation2, bundle);
        var cached = await key.Match(db.ReformImpacts.AsNoTracking()).FirstOrDefaultAsync(ct);
        if (cached is { Status: ReformImpactStatuses.Ok })
        {
            await progress.ReportAsync(0.9, "Reusing the cached economy comparison");
            return JsonNode.Parse(cached.ReformImpactJson)!;
        }

        // Claim the key: whatever did not succeed before (error, abandoned computing) is replaced by this job's row.
        var now = time.GetUtcNow().UtcDateTime;
        await key.Match(db.ReformImpacts).Where(r => r.Status != ReformImpactStatuses.Ok).ExecuteDeleteAsync(ct);
        var row = key.NewRow(job.JobId, now);
        db.ReformImpacts.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var winner = await key.Match(db.ReformImpacts.AsNoTracking()).FirstOrDefaultAsync(ct);
            if (winner is { Status: ReformImpactStatuses.Ok })
            {
                return JsonNode.Parse(winner.ReformImpactJson)!;
            }

            throw new ReportComputationException("Another computation of the same economy comparison is storing its result; rerun the report in a moment.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        var policies = await db.LegacyPolicies.AsNoTracking().Where(p => p.Id == key.BaselinePolicyId || p.Id == key.ReformPolicyId).ToDictionaryAsync(p => p.Id, ct);
        try
        {
            if (!policies.TryGetValue(key.BaselinePolicyId, out var baseline) || !policies.TryGetValue(key.ReformPolicyId, out var reform))
            {
                throw new ReportComputationException($"Report #{report.Id} references a policy that does not exist.");
            }

            var result = await computation.EconomyAsync(report.CountryId, key.Region, report.Year, JsonNode.Parse(reform.PolicyJson), JsonNode.Parse(baseline.PolicyJson),
                ReportOptions.Target(report.OptionsJson) == EconomyTargets.Cliff, bundle, progress, ct);
            await StoreAsync(row.ReformImpactId, job.JobId, ReformImpactStatuses.Ok, result.ToJsonString(), "Completed", CancellationToken.None);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StoreAsync(row.ReformImpactId, job.JobId, ReformImpactStatuses.Error, "{}", GetEconomyHandler.Truncate(SimulationJobRunner.Describe(e)), CancellationToken.None);
            throw;
        }
    }

    private async Task StoreAsync(long rowId, string jobId, string status, string json, string message, CancellationToken ct)
    {
        var end = time.GetUtcNow().UtcDateTime;
        await db.ReformImpacts
            .Where(r => r.ReformImpactId == rowId && r.ExecutionId == jobId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.ReformImpactJson, json)
                .SetProperty(r => r.Message, message)
                .SetProperty(r => r.EndTime, end), ct);
    }

    /// <summary>The outcome of report and simulations in one transaction, only while the report is still this job's and running.</summary>
    private async Task FinishAsync(SimulationJob job, ReportOutput report, ExecutionBundle? bundle, Dictionary<long, string?> simulationOutputs, string? output, string? error, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var status = error is null ? ReportStatuses.Complete : ReportStatuses.Error;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var written = await db.ReportOutputs
            .Where(r => r.Id == report.Id && r.JobId == job.JobId && r.Status == ReportStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.Output, output)
                .SetProperty(r => r.ErrorMessage, error)
                .SetProperty(r => r.CompletedAt, now)
                .SetProperty(r => r.UpdatedAt, now), ct);
        if (written == 0)
        {
            // Reset by a rerun meanwhile: the new job owns the rows now.
            await transaction.RollbackAsync(ct);
            return;
        }

        foreach (var (id, simulationOutput) in simulationOutputs)
        {
            if (bundle is null)
            {
                await db.ReportSimulations.Where(s => s.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.ErrorMessage, error).SetProperty(x => x.UpdatedAt, now), ct);
                continue;
            }

            await db.ReportSimulations.Where(s => s.Id == id)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Status, status)
                    .SetProperty(x => x.Output, simulationOutput)
                    .SetProperty(x => x.ErrorMessage, error)
                    .SetProperty(x => x.ApiVersion, bundle.ModelVersion)
                    .SetProperty(x => x.BundleId, bundle.BundleId)
                    .SetProperty(x => x.UpdatedAt, now), ct);
        }

        await transaction.CommitAsync(ct);
    }
}
