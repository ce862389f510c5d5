using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.ModelReleases;

namespace Portal.Core.Data.Configurations;

internal sealed class ModelReleaseConfiguration : IEntityTypeConfiguration<ModelRelease>
{
    public void Configure(EntityTypeBuilder<ModelRelease> builder)
    {
        builder.ToTable("model_releases");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Country).HasMaxLength(8).IsRequired();
        builder.Property(r => r.Version).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Sha256).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Name).HasMaxLength(200).IsRequired();
        builder.HasIndex(r => new { r.Country, r.Version }).IsUnique();
    }
}
