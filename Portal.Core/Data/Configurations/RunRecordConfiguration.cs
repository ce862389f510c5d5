using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Runs;

namespace Portal.Core.Data.Configurations;

internal sealed class RunRecordConfiguration : IEntityTypeConfiguration<RunRecord>
{
    public void Configure(EntityTypeBuilder<RunRecord> builder)
    {
        builder.ToTable("runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.RunId).HasMaxLength(40).IsRequired();
        builder.Property(r => r.Kind).HasMaxLength(16).IsRequired();
        builder.Property(r => r.Source).HasMaxLength(64).IsRequired();
        builder.Property(r => r.TemplateId).HasMaxLength(100);
        builder.Property(r => r.ModelId).HasMaxLength(100);
        builder.Property(r => r.Title).HasMaxLength(200);
        builder.Property(r => r.Country).HasMaxLength(8).IsRequired();
        builder.Property(r => r.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(r => r.BundleRequested).HasMaxLength(100);
        builder.Property(r => r.SpecSha256).HasMaxLength(64).IsRequired();
        builder.Property(r => r.ResultSha256).HasMaxLength(64);
        builder.Property(r => r.JobId).HasMaxLength(40);
        builder.Property(r => r.Status).HasMaxLength(16).IsRequired();
        builder.Property(r => r.WarningsJson).IsRequired();
        builder.Property(r => r.SpecText).IsRequired();
        builder.Property(r => r.ReplayOf).HasMaxLength(40);
        builder.Property(r => r.ReplayOutcome).HasMaxLength(16);
        builder.Property(r => r.SearchText).IsRequired();
        builder.Property(r => r.SubmittedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(r => r.RunId).IsUnique();
        builder.HasIndex(r => new { r.Source, r.CreatedAt });
        // One per sort of the registry (ties broken by run id), so a page never sorts the table.
        builder.HasIndex(r => new { r.CreatedAt, r.RunId });
        builder.HasIndex(r => new { r.CompletedAt, r.RunId });
        builder.HasIndex(r => new { r.TemplateId, r.RunId });
        builder.HasIndex(r => new { r.Country, r.RunId });
        builder.HasIndex(r => new { r.Status, r.RunId });
        builder.HasIndex(r => new { r.Source, r.RunId });
        builder.HasIndex(r => r.ModelId);
        builder.HasIndex(r => r.BundleId);
        builder.HasIndex(r => r.JobId);

        // One registry row per gateway or report job, even when two instances record the same
        // finished job at once (several spec runs may share one cached job, so template rows are exempt).
        builder.HasIndex(r => r.JobId, "IX_runs_job_id_one_row_per_job").IsUnique().HasFilter("\"kind\" <> 'template'");
    }
}
