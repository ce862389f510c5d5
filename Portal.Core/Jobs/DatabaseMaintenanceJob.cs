using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Data;
using Quartz;

namespace Portal.Core.Jobs;

/// <summary>
/// Nightly housekeeping: prunes old audit rows and dead tokens, then lets the database
/// refresh its planner statistics (SQLite <c>PRAGMA optimize</c>, PostgreSQL <c>ANALYZE</c>).
/// Quartz prunes its own execution history by retention. Safe to run at any time, any number of times.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DatabaseMaintenanceJob(
    PortalDbContext db,
    DatabaseSettings database,
    IOptions<MaintenanceOptions> options,
    TimeProvider time,
    ILogger<DatabaseMaintenanceJob> logger) : IJob
{
    public static readonly JobKey Key = new("database-maintenance", "system");
    public static readonly TriggerKey NightlyTrigger = new("database-maintenance-nightly", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;

        context.ReportProgress(10, "Pruning audit events");
        var auditCutoff = now.AddDays(-settings.AuditRetentionDays);
        var audits = await db.AuditEvents.Where(e => e.AtUtc < auditCutoff).ExecuteDeleteAsync(cancellationToken);

        context.ReportProgress(40, "Pruning revoked and expired tokens");
        var tokenCutoff = now.AddDays(-settings.TokenRetentionDays);
        var tokens = await db.AccessTokens
            .Where(t => (t.RevokedUtc != null && t.RevokedUtc < tokenCutoff) || (t.ExpiresUtc != null && t.ExpiresUtc < tokenCutoff))
            .ExecuteDeleteAsync(cancellationToken);

        context.ReportProgress(70, "Refreshing planner statistics");
        await db.Database.ExecuteSqlRawAsync(database.IsSqlite ? "PRAGMA optimize;" : "ANALYZE;", cancellationToken);

        var summary = $"Pruned {audits} audit event(s) and {tokens} token(s); refreshed statistics.";
        logger.LogInformation("Database maintenance finished: {Summary}", summary);
        context.ReportProgress(100, "Done");
        context.Result = JobRunReport.Succeeded(summary);
    }
}
