using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Data.Configurations;

internal sealed class DataReleaseConfiguration : IEntityTypeConfiguration<DataRelease>
{
    public void Configure(EntityTypeBuilder<DataRelease> builder)
    {
        builder.ToTable("data_releases");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Country).HasMaxLength(8).IsRequired();
        builder.Property(r => r.Version).HasMaxLength(64).IsRequired();
        builder.Property(r => r.ManifestRevision).HasMaxLength(64).IsRequired();
        builder.Property(r => r.ManifestJson).IsRequired();
        builder.Property(r => r.CreatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(r => new { r.Country, r.Version }).IsUnique();
        builder.HasMany(r => r.Artifacts).WithOne(a => a.DataRelease).HasForeignKey(a => a.DataReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
