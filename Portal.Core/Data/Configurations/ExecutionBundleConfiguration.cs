using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Data.Configurations;

internal sealed class ExecutionBundleConfiguration : IEntityTypeConfiguration<ExecutionBundle>
{
    public void Configure(EntityTypeBuilder<ExecutionBundle> builder)
    {
        builder.ToTable("execution_bundles");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(b => b.DisplayId).HasMaxLength(20).IsRequired();
        builder.Property(b => b.Country).HasMaxLength(8).IsRequired();
        builder.Property(b => b.ModelVersion).HasMaxLength(64).IsRequired();
        builder.Property(b => b.ModelSha256).HasMaxLength(64).IsRequired();
        builder.Property(b => b.DataVersion).HasMaxLength(64).IsRequired();
        builder.Property(b => b.DataManifestRevision).HasMaxLength(64).IsRequired();
        builder.Property(b => b.Dataset).HasMaxLength(100).IsRequired();
        builder.Property(b => b.DatasetSha256).HasMaxLength(64).IsRequired();
        builder.Property(b => b.EngineVersion).HasMaxLength(64).IsRequired();
        builder.Property(b => b.CanonicalJson).HasMaxLength(2000).IsRequired();
        builder.Property(b => b.CertificationJson).IsRequired();
        builder.Property(b => b.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(b => b.BundleId).IsUnique();
        builder.HasIndex(b => b.DisplayId).IsUnique();
        builder.HasIndex(b => new { b.Country, b.CreatedUtc });
        // The bundles list's other sorts (ties broken by id).
        builder.HasIndex(b => new { b.Country, b.Id });
        builder.HasIndex(b => new { b.DataVersion, b.Id });
    }
}

internal sealed class BundleAliasConfiguration : IEntityTypeConfiguration<BundleAlias>
{
    public void Configure(EntityTypeBuilder<BundleAlias> builder)
    {
        builder.ToTable("bundle_aliases");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Country).HasMaxLength(8).IsRequired();
        builder.Property(a => a.Name).HasMaxLength(64).IsRequired();
        builder.Property(a => a.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.UpdatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(a => new { a.Country, a.Name }).IsUnique();
    }
}

internal sealed class AliasEventConfiguration : IEntityTypeConfiguration<AliasEvent>
{
    public void Configure(EntityTypeBuilder<AliasEvent> builder)
    {
        builder.ToTable("alias_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Country).HasMaxLength(8).IsRequired();
        builder.Property(e => e.Alias).HasMaxLength(64).IsRequired();
        builder.Property(e => e.FromBundle).HasMaxLength(64);
        builder.Property(e => e.ToBundle).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Actor).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Reason).HasMaxLength(1000).IsRequired();
        builder.HasIndex(e => new { e.Country, e.Alias, e.Revision }).IsUnique();
        builder.HasIndex(e => e.ToBundle);
    }
}
