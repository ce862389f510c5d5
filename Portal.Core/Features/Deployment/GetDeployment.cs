using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Deployment;

public sealed record InstalledModel(string Country, string Version, string Sha256, string Name);

public sealed record InstalledDataset(string Name, string Sha256, long SizeBytes);

public sealed record InstalledDataRelease(string Country, string Version, string ManifestRevision, IReadOnlyList<InstalledDataset> Datasets);

/// <summary>
/// How to reconstruct any past alias target: every change is an event in <see cref="HistoryUrl"/>;
/// <see cref="ResolveUrl"/> replays them for an instant.
/// </summary>
public sealed record AliasEventsSummary(int Count, DateTime? LastAtUtc)
{
    public string HistoryUrl => "/aliases/{country}/{name}/history";

    public string ResolveUrl => "/aliases/{country}/{name}?at={iso8601}";
}

/// <summary>What this Portal is running: its build, the engine, installed packages and releases, and the alias table.</summary>
public sealed record DeploymentInfo(
    PortalBuild Portal,
    string EngineVersion,
    IReadOnlyList<InstalledModel> Models,
    IReadOnlyList<InstalledDataRelease> DataReleases,
    IReadOnlyList<AliasView> Aliases,
    AliasEventsSummary AliasEvents,
    DateTime GeneratedUtc);

public sealed class GetDeploymentHandler(PortalDbContext db, ModelCatalog catalog, TimeProvider time)
{
    public async Task<DeploymentInfo> HandleAsync(CancellationToken ct = default)
    {
        var models = catalog.Models.Select(m => new InstalledModel(m.Country, m.Version, m.Sha256, m.Name)).ToList();
        var releases = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts).ToListAsync(ct);
        var data = releases
            .OrderBy(r => r.Country, StringComparer.Ordinal).ThenBy(r => r.Version, SemverComparer.Instance)
            .Select(r => new InstalledDataRelease(r.Country, r.Version, r.ManifestRevision,
                r.Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => new InstalledDataset(a.Name, a.Sha256, a.SizeBytes)).ToList()))
            .ToList();
        var aliases = await AliasRules.LoadAsync(db, null, null, ct);
        var count = await db.AliasEvents.CountAsync(ct);
        var last = await db.AliasEvents.OrderByDescending(e => e.Id).Select(e => (DateTime?)e.AtUtc).FirstOrDefaultAsync(ct);
        return new DeploymentInfo(PortalBuild.Current, BundleIdentity.CurrentEngineVersion, models, data, aliases,
            new AliasEventsSummary(count, last), time.GetUtcNow().UtcDateTime);
    }
}
