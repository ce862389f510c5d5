using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.Simulations;

/// <summary>A budget window with failed years; the parent fails, the years that worked keep their results.</summary>
public sealed class BudgetWindowException(string message) : Exception(message);

/// <summary>
/// The parent of a budget window. It runs its years itself, one after another, on its own worker
/// slot — the simplest arrangement that cannot deadlock under a concurrency limit (a parent never
/// waits for slots its children would need) and survives a restart: a recovered parent skips the
/// years already complete. Each year's row is updated as it runs, so polls see per-year status.
/// The result aggregates the annual budget impacts with totals, as PolicyEngine's budget window does.
/// </summary>
public sealed class BudgetWindowExecutor(PortalDbContext db, BudgetWindowYearExecutor years, TimeProvider time) : ISimulationJobExecutor
{
    private static readonly string[] ImpactFields =
        ["tax_revenue_impact", "federal_tax_revenue_impact", "state_tax_revenue_impact", "benefit_spending_impact", "budgetary_impact"];

    public string Kind => SimulationJobKinds.BudgetWindow;

    public async Task<JsonNode> ExecuteAsync(SimulationJob job, IJobProgress progress, CancellationToken ct)
    {
        var inputs = GatewayInputs.Parse(job.RequestJson);
        var children = (await db.SimulationJobs.AsNoTracking().Where(c => c.ParentJobId == job.JobId).ToListAsync(ct))
            .OrderBy(c => GatewayInputs.ChildYear(c.RequestJson)).ToList();
        var impacts = new List<JsonObject>();
        var failures = new List<string>();
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            var year = GatewayInputs.ChildYear(child.RequestJson);
            await progress.ReportAsync((double)i / children.Count, $"Year {year} ({i + 1} of {children.Count})");
            if (child.Status == SimulationJobStatuses.Complete && child.ResultJson is not null)
            {
                impacts.Add((JsonObject)JsonNode.Parse(child.ResultJson)!);
                continue;
            }

            var (impact, error) = await RunYearAsync(child, ct);
            if (impact is not null)
            {
                impacts.Add(impact);
            }
            else
            {
                failures.Add($"{year}: {error}");
            }
        }

        if (failures.Count > 0)
        {
            throw new BudgetWindowException($"{failures.Count} of {children.Count} years failed — " + string.Join("; ", failures));
        }

        var totals = new JsonObject { ["year"] = "Total" };
        foreach (var field in ImpactFields)
        {
            totals[field] = impacts.Sum(impact => (double?)impact[field] ?? 0);
        }

        return new JsonObject
        {
            ["kind"] = "budgetWindow",
            ["start_year"] = inputs.StartYear,
            ["end_year"] = inputs.StartYear + inputs.WindowSize - 1,
            ["window_size"] = inputs.WindowSize,
            ["annual_impacts"] = new JsonArray([.. impacts]),
            ["totals"] = totals,
        };
    }

    /// <summary>Runs one year and records its outcome on its row; returns the impact or the error.</summary>
    private async Task<(JsonObject? Impact, string? Error)> RunYearAsync(SimulationJob child, CancellationToken ct)
    {
        await db.SimulationJobs.Where(c => c.JobId == child.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, SimulationJobStatuses.Running)
            .SetProperty(c => c.Attempts, c => c.Attempts + 1)
            .SetProperty(c => c.StartedUtc, time.GetUtcNow().UtcDateTime), ct);
        JsonObject? impact = null;
        string? error = null;
        try
        {
            impact = (JsonObject)await years.ExecuteAsync(child, NoProgress.Instance, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await db.SimulationJobs.Where(c => c.JobId == child.JobId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, SimulationJobStatuses.Submitted), CancellationToken.None);
            throw;
        }
#pragma warning disable CA1031 // A failing year is recorded on its row; the parent reports all failed years together.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = SimulationJobRunner.Describe(e);
        }

        var json = impact?.ToJsonString();
        await db.SimulationJobs.Where(c => c.JobId == child.JobId).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, error is null ? SimulationJobStatuses.Complete : SimulationJobStatuses.Failed)
            .SetProperty(c => c.ResultJson, json)
            .SetProperty(c => c.Error, error)
            .SetProperty(c => c.Progress, error is null ? 1.0 : 0.0)
            .SetProperty(c => c.CompletedUtc, time.GetUtcNow().UtcDateTime), CancellationToken.None);
        return (impact, error);
    }

    private sealed class NoProgress : IJobProgress
    {
        public static readonly NoProgress Instance = new();

        public Task ReportAsync(double progress, string stage) => Task.CompletedTask;

        public void Report(double progress, string stage)
        {
        }
    }
}
