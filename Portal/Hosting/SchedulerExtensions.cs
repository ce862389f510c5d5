using Portal.Core;
using Portal.Core.Data;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Publishing;
using Portal.Core.Features.Runs;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.V2;
using Portal.Core.Jobs;
using Quartz;

namespace Portal.Hosting;

/// <summary>Settings of the in-process Quartz scheduler (section <c>Scheduler</c>).</summary>
public sealed class SchedulerSettings
{
    public const string Section = "Scheduler";

    /// <summary>Scheduler name; instances that share a database and a name form one cluster (PostgreSQL only).</summary>
    public string Name { get; set; } = "Portal";

    /// <summary>Jobs run at once on this instance; 0 means one per CPU core.</summary>
    public int MaxConcurrency { get; set; }

    /// <summary>
    /// This node's id in the cluster (PostgreSQL only); must be unique among the instances sharing the
    /// database. Empty (the default) lets Quartz generate one from the host name and the start time.
    /// </summary>
    public string InstanceId { get; set; } = "";

    /// <summary>PostgreSQL cluster check-in interval: how often each node reports that it is alive and looks for dead ones.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How late past its check-in interval a node may be before another node declares it dead and
    /// re-runs its in-flight recoverable jobs; zero (the default) means twice the check-in interval.
    /// A dead node's jobs restart within about interval + this.
    /// </summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; }

    /// <summary>How late a trigger may fire before Quartz treats it as misfired (Quartz's default: 60 s).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long job runs stay in the execution history shown on the Jobs page (Quartz's own default is one day).</summary>
    public int HistoryRetentionDays { get; set; } = 30;
}

public static class SchedulerExtensions
{
    /// <summary>
    /// Quartz with a persistent ADO.NET job store in Portal's own database: SQLite for a single
    /// node, PostgreSQL clustered when several instances share one database. Quartz creates its
    /// QRTZ_* tables when missing and keeps its execution history in the database too.
    /// </summary>
    public static void AddPortalScheduler(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(SchedulerSettings.Section).Get<SchedulerSettings>() ?? new SchedulerSettings();
        var database = DatabaseSettings.From(builder.Configuration, PortalPaths.From(builder.Configuration, builder.Environment));
        var maintenance = builder.Configuration.GetSection(MaintenanceOptions.Section).Get<MaintenanceOptions>() ?? new MaintenanceOptions();
        if (!CronExpression.TryParse(maintenance.Schedule, out _))
        {
            throw new InvalidOperationException(
                $"Maintenance:Schedule '{maintenance.Schedule}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. \"0 30 3 * * ?\".");
        }

        var simulations = SimulationOptions.From(builder.Configuration);
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(options =>
            {
                options.InstanceName = settings.Name;
                if (!database.IsSqlite && !string.IsNullOrWhiteSpace(settings.InstanceId))
                {
                    options.InstanceId = settings.InstanceId;
                }
                else
                {
                    options.GenerateInstanceId = !database.IsSqlite;
                }
            });
            quartz.UseDefaultThreadPool(settings.MaxConcurrency > 0 ? settings.MaxConcurrency : Environment.ProcessorCount);
            quartz.UsePersistentStore(store =>
            {
                if (database.IsSqlite)
                {
                    // Connections that wait natively for a competing writer (see SqliteBusyTimeoutFactory).
                    store.UseSqlite(SqliteBusyTimeoutFactory.Instance, database.ConnectionString);
                }
                else
                {
                    store.UsePostgres(database.ConnectionString);
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = settings.ClusterCheckinInterval;
                        cluster.CheckinMisfireThreshold = settings.ClusterCheckinMisfireThreshold > TimeSpan.Zero
                            ? settings.ClusterCheckinMisfireThreshold
                            : settings.ClusterCheckinInterval * 2;
                    });
                }

                store.ConfigureStore(options => options.MisfireThreshold = settings.MisfireThreshold);
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
                store.UseExecutionHistory();
            });

            // Simulation triggers carry their own execution group, so at most Simulations:MaxConcurrentJobs
            // of them hold a scheduler thread at once; the rest wait in the store, not on a thread.
            quartz.UseExecutionLimits(limits => limits.ForGroup(SimulationJobQueue.QuartzGroup, simulations.MaxConcurrentJobs, ExecutionLimitScope.Node));
            if (!simulations.Worker)
            {
                quartz.RefuseExecutionGroups(SimulationJobQueue.QuartzGroup);
            }

            quartz.AddJob<DatabaseMaintenanceJob>(job => job
                .WithIdentity(DatabaseMaintenanceJob.Key)
                .WithDescription("Prunes old audit rows and dead tokens, refreshes database statistics.")
                .StoreDurably()
                .RequestRecovery());
            quartz.AddTrigger(trigger => trigger
                .ForJob(DatabaseMaintenanceJob.Key)
                .WithIdentity(DatabaseMaintenanceJob.NightlyTrigger)
                .WithDescription($"Nightly ({maintenance.Schedule})")
                .WithCronSchedule(maintenance.Schedule));
        });

        // Read by Quartz's database-backed history store (IOptions), when writing and when reading.
        builder.Services.Configure<ExecutionHistoryOptions>(options => options.Retention = TimeSpan.FromDays(Math.Max(1, settings.HistoryRetentionDays)));
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        builder.Services.AddPortalSchedulerFeatures();
        builder.Services.AddSimulations(builder.Configuration);
        builder.Services.AddV2Simulations();
        builder.Services.AddReports();
        builder.Services.AddPublishing(builder.Configuration);
        builder.Services.AddRuns();
    }
}
