using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Publishing;

namespace Portal.Core.Data.Configurations;

internal sealed class PublishRunConfiguration : IEntityTypeConfiguration<PublishRun>
{
    public void Configure(EntityTypeBuilder<PublishRun> builder)
    {
        builder.ToTable("publish_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.RunId).HasMaxLength(40).IsRequired();
        builder.Property(r => r.Country).HasMaxLength(8).IsRequired();
        builder.Property(r => r.DataRelease).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Scope).HasMaxLength(16).IsRequired();
        builder.Property(r => r.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(r => r.OutputDir).HasMaxLength(300).IsRequired();
        builder.Property(r => r.Status).HasMaxLength(16).IsRequired();
        builder.Property(r => r.PromotableReason).HasMaxLength(1000);
        builder.Property(r => r.Actor).HasMaxLength(256).IsRequired();
        builder.Property(r => r.ManifestSha256).HasMaxLength(64);
        builder.Property(r => r.ManifestPath).HasMaxLength(300);
        builder.HasIndex(r => r.RunId).IsUnique();
        builder.HasIndex(r => new { r.Country, r.DataRelease, r.Fingerprint });
        builder.HasMany<PublishArea>().WithOne().HasForeignKey(a => a.PublishRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PublishAreaConfiguration : IEntityTypeConfiguration<PublishArea>
{
    public void Configure(EntityTypeBuilder<PublishArea> builder)
    {
        builder.ToTable("publish_areas");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.AreaType).HasMaxLength(32).IsRequired();
        builder.Property(a => a.AreaId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.DisplayName).HasMaxLength(200).IsRequired();
        builder.Property(a => a.OutputPath).HasMaxLength(300).IsRequired();
        builder.Property(a => a.Status).HasMaxLength(16).IsRequired();
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.ValidationStatus).HasMaxLength(16).IsRequired();
        builder.Property(a => a.IssuesJson).IsRequired();
        builder.HasIndex(a => new { a.PublishRunId, a.AreaType, a.AreaId }).IsUnique();
        builder.HasIndex(a => new { a.PublishRunId, a.Status });
    }
}

internal sealed class PublishScopeFingerprintConfiguration : IEntityTypeConfiguration<PublishScopeFingerprint>
{
    public void Configure(EntityTypeBuilder<PublishScopeFingerprint> builder)
    {
        builder.ToTable("publish_scope_fingerprints");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Country).HasMaxLength(8).IsRequired();
        builder.Property(f => f.DataRelease).HasMaxLength(64).IsRequired();
        builder.Property(f => f.Scope).HasMaxLength(16).IsRequired();
        builder.Property(f => f.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(f => f.OutputDir).HasMaxLength(300).IsRequired();
        builder.Property(f => f.RunId).HasMaxLength(40).IsRequired();
        builder.HasIndex(f => new { f.Country, f.DataRelease, f.Scope }).IsUnique();
    }
}
