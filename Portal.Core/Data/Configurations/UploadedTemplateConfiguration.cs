using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Templates;

namespace Portal.Core.Data.Configurations;

internal sealed class UploadedTemplateConfiguration : IEntityTypeConfiguration<UploadedTemplate>
{
    public void Configure(EntityTypeBuilder<UploadedTemplate> builder)
    {
        builder.ToTable("templates");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(64);
        builder.Property(t => t.Version).HasMaxLength(32).IsRequired();
        builder.Property(t => t.Title).IsRequired();
        builder.Property(t => t.Yaml).IsRequired();
        builder.Property(t => t.Sha256).HasMaxLength(64).IsRequired();
        builder.Property(t => t.UploadedBy).HasMaxLength(256).IsRequired();
    }
}
