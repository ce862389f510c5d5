using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Aggregates;
using Portal.Core.Features.Policies;

namespace Portal.Core.Data.Configurations;

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> builder)
    {
        builder.ToTable("policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasMaxLength(40);
        builder.Property(p => p.Country).HasMaxLength(8).IsRequired();
        builder.Property(p => p.Name).HasMaxLength(CreatePolicyHandler.MaxNameLength).IsRequired();
        builder.Property(p => p.Description).HasMaxLength(CreatePolicyHandler.MaxDescriptionLength);
        builder.Property(p => p.ChangesJson).IsRequired();
        builder.Property(p => p.PolicyHash).HasMaxLength(64).IsRequired();
        builder.Property(p => p.ValidatedModelVersion).HasMaxLength(64).IsRequired();
        builder.Property(p => p.CreatedBy).HasMaxLength(256).IsRequired();
        // Deduplication: one row per canonical policy, even under concurrent creates.
        builder.HasIndex(p => p.PolicyHash).IsUnique();
        builder.HasIndex(p => new { p.Country, p.CreatedUtc });
    }
}

internal sealed class AggregateOutputConfiguration : IEntityTypeConfiguration<AggregateOutput>
{
    public void Configure(EntityTypeBuilder<AggregateOutput> builder)
    {
        builder.ToTable("aggregates");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(40);
        builder.Property(a => a.SimulationId).HasMaxLength(40).IsRequired();
        builder.Property(a => a.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Variable).HasMaxLength(100).IsRequired();
        builder.Property(a => a.AggregateType).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Entity).HasMaxLength(32).IsRequired();
        builder.Property(a => a.FiltersJson).IsRequired();
        builder.Property(a => a.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(a => new { a.SimulationId, a.CreatedUtc });
        builder.HasIndex(a => a.CreatedUtc);
    }
}

internal sealed class ChangeAggregateConfiguration : IEntityTypeConfiguration<ChangeAggregate>
{
    public void Configure(EntityTypeBuilder<ChangeAggregate> builder)
    {
        builder.ToTable("change_aggregates");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(40);
        builder.Property(a => a.BaselineSimulationId).HasMaxLength(40).IsRequired();
        builder.Property(a => a.ReformSimulationId).HasMaxLength(40).IsRequired();
        builder.Property(a => a.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Variable).HasMaxLength(100).IsRequired();
        builder.Property(a => a.AggregateType).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Entity).HasMaxLength(32).IsRequired();
        builder.Property(a => a.FiltersJson).IsRequired();
        builder.Property(a => a.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(a => new { a.BaselineSimulationId, a.CreatedUtc });
        builder.HasIndex(a => new { a.ReformSimulationId, a.CreatedUtc });
        builder.HasIndex(a => a.CreatedUtc);
    }
}
