using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Data.Configurations;

internal sealed class DataReleaseArtifactConfiguration : IEntityTypeConfiguration<DataReleaseArtifact>
{
    public void Configure(EntityTypeBuilder<DataReleaseArtifact> builder)
    {
        builder.ToTable("data_release_artifacts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(100).IsRequired();
        builder.Property(a => a.Path).HasMaxLength(300).IsRequired();
        builder.Property(a => a.Sha256).HasMaxLength(64).IsRequired();
        builder.Property(a => a.RowsJson).HasMaxLength(2000).IsRequired();
        builder.HasIndex(a => new { a.DataReleaseId, a.Name }).IsUnique();
        builder.HasIndex(a => a.Sha256);
    }
}
