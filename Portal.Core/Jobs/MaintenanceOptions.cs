namespace Portal.Core.Jobs;

/// <summary>Settings of the nightly <see cref="DatabaseMaintenanceJob"/> (section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions
{
    public const string Section = "Maintenance";

    /// <summary>Quartz cron expression (seconds first). Default: every day at 03:30 server time.</summary>
    public string Schedule { get; set; } = "0 30 3 * * ?";

    /// <summary>Audit events older than this are deleted.</summary>
    public int AuditRetentionDays { get; set; } = 365;

    /// <summary>Revoked or expired tokens are deleted this long after they stopped working.</summary>
    public int TokenRetentionDays { get; set; } = 90;
}
