using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Reports;

namespace Portal.Core.Data.Configurations;

internal sealed class LegacyPolicyConfiguration : IEntityTypeConfiguration<LegacyPolicy>
{
    public void Configure(EntityTypeBuilder<LegacyPolicy> builder)
    {
        builder.ToTable("policy");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.CountryId).HasMaxLength(3).IsRequired();
        builder.Property(p => p.Label).HasMaxLength(255);
        builder.Property(p => p.ApiVersion).HasMaxLength(32).IsRequired();
        builder.Property(p => p.PolicyJson).IsRequired();
        builder.Property(p => p.PolicyHash).HasMaxLength(255).IsRequired();
        // "Deduplicated by hash", also under concurrent creates.
        builder.HasIndex(p => new { p.CountryId, p.PolicyHash }).IsUnique();
    }
}

internal sealed class LegacyHouseholdConfiguration : IEntityTypeConfiguration<LegacyHousehold>
{
    public void Configure(EntityTypeBuilder<LegacyHousehold> builder)
    {
        builder.ToTable("household");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.CountryId).HasMaxLength(3).IsRequired();
        builder.Property(h => h.Label).HasMaxLength(255);
        builder.Property(h => h.ApiVersion).HasMaxLength(32).IsRequired();
        builder.Property(h => h.HouseholdJson).IsRequired();
        builder.Property(h => h.HouseholdHash).HasMaxLength(255).IsRequired();
        builder.HasIndex(h => new { h.CountryId, h.HouseholdHash }).IsUnique();
    }
}

internal sealed class ReportSimulationConfiguration : IEntityTypeConfiguration<ReportSimulation>
{
    public void Configure(EntityTypeBuilder<ReportSimulation> builder)
    {
        builder.ToTable("simulations");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.CountryId).HasMaxLength(3).IsRequired();
        builder.Property(s => s.ApiVersion).HasMaxLength(32).IsRequired();
        builder.Property(s => s.PopulationId).HasMaxLength(255).IsRequired();
        builder.Property(s => s.PopulationType).HasMaxLength(50).IsRequired();
        builder.Property(s => s.Status).HasMaxLength(32).IsRequired();
        builder.Property(s => s.BundleId).HasMaxLength(64);
        // Legacy reuse key: one simulation per (country, population, policy), shared by reports.
        builder.HasIndex(s => new { s.CountryId, s.PopulationId, s.PopulationType, s.PolicyId }).IsUnique();
    }
}

internal sealed class ReportOutputConfiguration : IEntityTypeConfiguration<ReportOutput>
{
    public void Configure(EntityTypeBuilder<ReportOutput> builder)
    {
        builder.ToTable("report_outputs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.CountryId).HasMaxLength(3).IsRequired();
        builder.Property(r => r.Simulation1Id).HasColumnName("simulation_1_id");
        builder.Property(r => r.Simulation2Id).HasColumnName("simulation_2_id");
        builder.Property(r => r.ApiVersion).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Year).HasMaxLength(255).IsRequired();
        builder.Property(r => r.ReportType).HasMaxLength(16).IsRequired();
        builder.Property(r => r.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(r => r.OptionsJson).IsRequired();
        builder.Property(r => r.ReuseKey).HasMaxLength(400).IsRequired();
        builder.Property(r => r.OwnerId).HasMaxLength(450);
        builder.Property(r => r.OwnerName).HasMaxLength(256).IsRequired();
        builder.Property(r => r.JobId).HasMaxLength(40);
        builder.HasIndex(r => r.ReuseKey).IsUnique();
        builder.HasIndex(r => r.Simulation1Id);
        builder.HasIndex(r => r.Simulation2Id);
        builder.HasIndex(r => r.JobId);
        builder.HasIndex(r => new { r.CountryId, r.CreatedAt });
        builder.HasIndex(r => new { r.OwnerId, r.CreatedAt });
        // One per sort of the reports list (ties broken by id), so a page never sorts the table.
        builder.HasIndex(r => new { r.CreatedAt, r.Id });
        builder.HasIndex(r => new { r.Status, r.Id });
        builder.HasIndex(r => new { r.Year, r.Id });
        builder.HasIndex(r => new { r.CountryId, r.Id });
    }
}

internal sealed class ReformImpactConfiguration : IEntityTypeConfiguration<ReformImpact>
{
    public void Configure(EntityTypeBuilder<ReformImpact> builder)
    {
        builder.ToTable("reform_impact");
        builder.HasKey(r => r.ReformImpactId);
        builder.Property(r => r.CountryId).HasMaxLength(3).IsRequired();
        builder.Property(r => r.Region).HasMaxLength(255).IsRequired();
        builder.Property(r => r.Dataset).HasMaxLength(255).IsRequired();
        builder.Property(r => r.TimePeriod).HasMaxLength(32).IsRequired();
        builder.Property(r => r.OptionsJson).IsRequired();
        builder.Property(r => r.OptionsHash).HasMaxLength(255).IsRequired();
        builder.Property(r => r.ApiVersion).HasMaxLength(32).IsRequired();
        builder.Property(r => r.ReformImpactJson).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Message).HasMaxLength(2000);
        builder.Property(r => r.ExecutionId).HasMaxLength(255).IsRequired();
        // The legacy lookup key, unique: concurrent first requests converge on one computing row.
        builder.HasIndex(r => new { r.CountryId, r.ReformPolicyId, r.BaselinePolicyId, r.Region, r.TimePeriod, r.OptionsHash, r.ApiVersion, r.Dataset }).IsUnique();
    }
}

internal sealed class ReportRerunKeyConfiguration : IEntityTypeConfiguration<ReportRerunKey>
{
    public void Configure(EntityTypeBuilder<ReportRerunKey> builder)
    {
        builder.ToTable("report_rerun_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.IdempotencyKey).HasMaxLength(200).IsRequired();
        builder.Property(k => k.ResponseJson).IsRequired();
        builder.HasIndex(k => new { k.ReportId, k.IdempotencyKey }).IsUnique();
    }
}
