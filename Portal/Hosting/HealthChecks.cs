using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Core.Data.Migrations;
using Quartz;

namespace Portal.Hosting;

/// <summary>Ready when the database answers and its schema is at this build's version.</summary>
public sealed class DatabaseHealthCheck(SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await migrator.GetStatusAsync(cancellationToken);
            var data = new Dictionary<string, object> { ["schema_version"] = status.CurrentVersion, ["latest_version"] = status.LatestVersion };
            return status.IsCurrent
                ? HealthCheckResult.Healthy("Database reachable, schema current.", data)
                : HealthCheckResult.Unhealthy($"Schema at version {status.CurrentVersion}, expected {status.LatestVersion}.", data: data);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", e);
        }
    }
}

/// <summary>Ready when the in-process scheduler is started (not created, stand-by or shutting down).</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var status = await scheduler.GetStatus(cancellationToken);
        var data = new Dictionary<string, object> { ["status"] = status.ToString(), ["instance_id"] = scheduler.SchedulerInstanceId };
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("Scheduler running.", data)
            : HealthCheckResult.Unhealthy($"Scheduler is {status}.", data: data);
    }
}

public static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>A JSON body naming each check, so an operator sees which dependency is down.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            duration_ms = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
