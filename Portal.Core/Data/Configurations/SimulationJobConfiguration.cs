using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Data.Configurations;

internal sealed class SimulationJobConfiguration : IEntityTypeConfiguration<SimulationJob>
{
    public void Configure(EntityTypeBuilder<SimulationJob> builder)
    {
        builder.ToTable("simulation_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.JobId).HasMaxLength(40).IsRequired();
        builder.Property(j => j.Kind).HasMaxLength(32).IsRequired();
        builder.Property(j => j.Country).HasMaxLength(8).IsRequired();
        builder.Property(j => j.BundleId).HasMaxLength(64).IsRequired();
        builder.Property(j => j.CacheKey).HasMaxLength(64);
        builder.Property(j => j.ParentJobId).HasMaxLength(40);
        builder.Property(j => j.Status).HasMaxLength(16).IsRequired();
        builder.Property(j => j.Stage).HasMaxLength(200);
        builder.Property(j => j.RequestJson).IsRequired();
        builder.Property(j => j.RunId).HasMaxLength(100).IsRequired();
        builder.Property(j => j.SubmittedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(j => j.JobId).IsUnique();
        // One job per cache key, even under concurrent submits (NULLs, the children, are distinct).
        builder.HasIndex(j => j.CacheKey).IsUnique();
        // The list's sorts (top-level jobs: parent_job_id IS NULL) walk these instead of sorting
        // every job on each render; the first also finds a budget window's years.
        builder.HasIndex(j => new { j.ParentJobId, j.SubmittedUtc, j.Id });
        builder.HasIndex(j => new { j.ParentJobId, j.Status, j.Id });
        builder.HasIndex(j => new { j.ParentJobId, j.Country, j.Id });
        builder.HasIndex(j => new { j.BundleId, j.SubmittedUtc });
        builder.HasIndex(j => new { j.Status, j.SubmittedUtc });
    }
}
