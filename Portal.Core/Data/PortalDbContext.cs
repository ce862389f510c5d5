using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data.Conventions;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Aggregates;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Core.Features.Audit;
using Portal.Core.Features.ModelReleases;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Publishing;
using Portal.Core.Features.Runs;
using Portal.Core.Features.Settings;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Templates;
using Portal.Core.Identity;

namespace Portal.Core.Data;

/// <summary>
/// The one database context: Identity's tables plus Portal's own. Quartz keeps its QRTZ_*
/// tables in the same database through its own ADO.NET store.
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core data-protection keys (cookies, antiforgery); used on PostgreSQL so every instance shares them.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<SystemSetting> SystemSettings => Set<SystemSetting>();

    public DbSet<ModelRelease> ModelReleases => Set<ModelRelease>();

    public DbSet<DataRelease> DataReleases => Set<DataRelease>();

    public DbSet<DataReleaseArtifact> DataReleaseArtifacts => Set<DataReleaseArtifact>();

    public DbSet<ExecutionBundle> ExecutionBundles => Set<ExecutionBundle>();

    public DbSet<BundleAlias> BundleAliases => Set<BundleAlias>();

    public DbSet<AliasEvent> AliasEvents => Set<AliasEvent>();

    public DbSet<SimulationJob> SimulationJobs => Set<SimulationJob>();

    public DbSet<Policy> Policies => Set<Policy>();

    public DbSet<AggregateOutput> AggregateOutputs => Set<AggregateOutput>();

    public DbSet<ChangeAggregate> ChangeAggregates => Set<ChangeAggregate>();

    public DbSet<LegacyPolicy> LegacyPolicies => Set<LegacyPolicy>();

    public DbSet<LegacyHousehold> LegacyHouseholds => Set<LegacyHousehold>();

    public DbSet<ReportSimulation> ReportSimulations => Set<ReportSimulation>();

    public DbSet<ReportOutput> ReportOutputs => Set<ReportOutput>();

    public DbSet<ReformImpact> ReformImpacts => Set<ReformImpact>();

    public DbSet<ReportRerunKey> ReportRerunKeys => Set<ReportRerunKey>();

    public DbSet<PublishRun> PublishRuns => Set<PublishRun>();

    public DbSet<PublishArea> PublishAreas => Set<PublishArea>();

    public DbSet<PublishScopeFingerprint> PublishScopeFingerprints => Set<PublishScopeFingerprint>();
    public DbSet<RunRecord> Runs => Set<RunRecord>();

    public DbSet<UploadedTemplate> UploadedTemplates => Set<UploadedTemplate>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        SnakeCaseNames.ApplyToPortalEntities(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite returns DateTime with Kind=Unspecified; every timestamp in Portal is UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }
}
