using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Engine;

namespace Portal.Core.Features.Bundles;

public sealed record ModelReleaseOption(string Country, string Version, string Sha256);

public sealed record DataReleaseOption(string Country, string Version, int Period, IReadOnlyList<string> Datasets);

/// <summary>What a bundle can be made of: installed model releases (newest first) and registered data releases with their datasets.</summary>
public sealed record BundleFormOptions(IReadOnlyList<string> Countries, IReadOnlyList<ModelReleaseOption> Models, IReadOnlyList<DataReleaseOption> DataReleases);

public sealed class GetBundleFormOptionsHandler(PortalDbContext db, ModelCatalog catalog)
{
    public async Task<BundleFormOptions> HandleAsync(CancellationToken ct = default)
    {
        var models = catalog.Models.Reverse().Select(m => new ModelReleaseOption(m.Country, m.Version, m.Sha256)).ToList();
        var releases = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts).OrderByDescending(r => r.Id).ToListAsync(ct);
        var data = releases
            .Select(r => new DataReleaseOption(r.Country, r.Version, r.Period, [.. r.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal)]))
            .ToList();
        return new BundleFormOptions(catalog.Countries, models, data);
    }
}
