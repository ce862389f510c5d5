using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.Demo;

/// <summary>
/// <c>--demo</c>: small synthetic releases for both countries (2,000 households each, with a
/// two-clone calibration package), so the data pages and the loader have something to show.
/// Generated only when missing; an existing demo version is never regenerated.
/// </summary>
public sealed class SeedDemoDataReleasesHandler(PortalDbContext db, GenerateDataReleaseHandler generate)
{
    public const string DemoVersion = "2024.0.1-demo";
    public const int DemoHouseholds = 2_000;
    public const long DemoSeed = 2024;

    public async Task<IReadOnlyList<GeneratedDataRelease>> HandleAsync(CancellationToken ct = default)
    {
        var created = new List<GeneratedDataRelease>();
        foreach (var country in DataReleaseRules.Countries)
        {
            if (await db.DataReleases.AnyAsync(r => r.Country == country && r.Version == DemoVersion, ct))
            {
                continue;
            }

            var result = await generate.HandleAsync(new GenerateDataReleaseRequest(country, DemoVersion, DemoHouseholds, DemoSeed, Clones: 2), Actor.Operator, ct);
            created.Add(result.Succeeded ? result.Value! : throw new InvalidOperationException($"Demo data release {country}@{DemoVersion}: {result.Problem!.Describe()}"));
        }

        return created;
    }
}
