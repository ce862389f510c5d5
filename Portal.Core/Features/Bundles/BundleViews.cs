using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.Bundles;

/// <summary>An alias of the bundle's country that points at it now.</summary>
public sealed record BundleAliasRef(string Name, long Revision, DateTime Since, string By);

/// <summary>A bundle as the API and pages show it: every identity field, the canonical form, the certification and its current aliases.</summary>
public record BundleView(
    string BundleId,
    string DisplayId,
    string Country,
    string ModelVersion,
    string ModelSha256,
    string DataVersion,
    string DataManifestRevision,
    string Dataset,
    string DatasetSha256,
    string EngineVersion,
    string CanonicalJson,
    bool Certified,
    BundleCertification Certification,
    DateTime CreatedAt,
    string CreatedBy,
    IReadOnlyList<BundleAliasRef> Aliases);

/// <summary>One alias change that moved an alias onto or off this bundle.</summary>
public sealed record BundleAliasEvent(string Alias, long Revision, string? FromBundle, string ToBundle, string Actor, string Reason, DateTime At, bool Arrived);

public sealed record BundleJob(string JobId, string Kind, string Status, double Progress, DateTime SubmittedAt, DateTime? CompletedAt, string SubmittedBy);

/// <summary>A bundle with its alias history and the jobs that ran on it.</summary>
public sealed record BundleDetail : BundleView
{
    public BundleDetail(BundleView bundle, IReadOnlyList<BundleAliasEvent> aliasHistory, IReadOnlyList<BundleJob> jobs)
        : base(bundle)
    {
        AliasHistory = aliasHistory;
        Jobs = jobs;
    }

    public IReadOnlyList<BundleAliasEvent> AliasHistory { get; }

    public IReadOnlyList<BundleJob> Jobs { get; }
}

internal static class BundleMapping
{
    public static BundleView View(ExecutionBundle b, IReadOnlyList<BundleAliasRef> aliases) =>
        new(b.BundleId, b.DisplayId, b.Country, b.ModelVersion, b.ModelSha256, b.DataVersion, b.DataManifestRevision, b.Dataset, b.DatasetSha256,
            b.EngineVersion, b.CanonicalJson, b.Certified, BundleCertification.Parse(b.CertificationJson, b.Certified), b.CreatedUtc, b.CreatedBy, aliases);

    /// <summary>The current aliases of each bundle, in one query.</summary>
    public static async Task<ILookup<string, BundleAliasRef>> AliasesOfAsync(PortalDbContext db, IReadOnlyCollection<string> bundleIds, CancellationToken ct)
    {
        var rows = await db.BundleAliases.AsNoTracking()
            .Where(a => bundleIds.Contains(a.BundleId))
            .OrderBy(a => a.Name)
            .Select(a => new { a.BundleId, Ref = new BundleAliasRef(a.Name, a.Revision, a.UpdatedUtc, a.UpdatedBy) })
            .ToListAsync(ct);
        return rows.ToLookup(r => r.BundleId, r => r.Ref, StringComparer.Ordinal);
    }

    public static async Task<BundleView> ViewAsync(PortalDbContext db, ExecutionBundle bundle, CancellationToken ct) =>
        View(bundle, [.. (await AliasesOfAsync(db, [bundle.BundleId], ct))[bundle.BundleId]]);
}
