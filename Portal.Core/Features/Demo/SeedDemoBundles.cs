using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.Demo;

/// <summary>
/// <c>--demo</c>: one certified bundle per country from the demo data release and the newest model
/// release, so a new user can run a simulation right away. Idempotent: on a restart the existing
/// bundles are returned (same identity → same row), nothing is certified twice.
/// </summary>
public sealed class SeedDemoBundlesHandler(PortalDbContext db, ModelCatalog catalog, CreateBundleHandler create)
{
    public async Task<IReadOnlyList<CreatedBundle>> HandleAsync(CancellationToken ct = default)
    {
        var bundles = new List<CreatedBundle>();
        foreach (var country in DataReleaseRules.Countries)
        {
            var model = catalog.Find(country);
            var version = SeedDemoDataReleasesHandler.DemoVersion;
            if (model is null || !await db.DataReleases.AnyAsync(r => r.Country == country && r.Version == version, ct))
            {
                continue;
            }

            var result = await create.HandleAsync(new CreateBundleRequest(country, model.Version, version), Actor.Operator, ct);
            bundles.Add(result.Succeeded ? result.Value! : throw new InvalidOperationException($"Demo bundle {country}: {result.Problem!.Describe()}"));
        }

        return bundles;
    }
}
