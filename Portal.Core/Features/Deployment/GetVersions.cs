using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.Deployment;

/// <summary>
/// Version discovery for one country: alias name → bundle id, and model version → the certified
/// bundles built on it (newest first). Only certified bundles are listed, because only they can be
/// promoted or run; an alias always points at one of them.
/// </summary>
public sealed record CountryVersions(IReadOnlyDictionary<string, string> Aliases, IReadOnlyDictionary<string, IReadOnlyList<string>> Bundles);

public sealed class GetVersionsHandler(PortalDbContext db)
{
    /// <summary>Every country (us, uk), even those with no bundles yet.</summary>
    public async Task<IReadOnlyDictionary<string, CountryVersions>> HandleAsync(CancellationToken ct = default)
    {
        var result = new SortedDictionary<string, CountryVersions>(StringComparer.Ordinal);
        foreach (var country in DataReleaseRules.Countries)
        {
            result[country] = await ForAsync(country, ct);
        }

        return result;
    }

    public async Task<Result<CountryVersions>> HandleAsync(string country, CancellationToken ct = default) =>
        DataReleaseRules.IsCountry(country)
            ? await ForAsync(country, ct)
            : Problem.NotFound($"Country '{country}' (known: {string.Join(", ", DataReleaseRules.Countries)})");

    private async Task<CountryVersions> ForAsync(string country, CancellationToken ct)
    {
        var aliases = await db.BundleAliases.AsNoTracking().Where(a => a.Country == country)
            .Select(a => new { a.Name, a.BundleId }).ToListAsync(ct);
        var bundles = await db.ExecutionBundles.AsNoTracking().Where(b => b.Country == country && b.Certified)
            .Select(b => new { b.ModelVersion, b.BundleId, b.CreatedUtc, b.Id }).ToListAsync(ct);
        var byVersion = new SortedDictionary<string, IReadOnlyList<string>>(SemverComparer.Instance);
        foreach (var group in bundles.GroupBy(b => b.ModelVersion, StringComparer.Ordinal))
        {
            byVersion[group.Key] = group.OrderByDescending(b => b.CreatedUtc).ThenByDescending(b => b.Id).Select(b => b.BundleId).ToList();
        }

        return new CountryVersions(
            new SortedDictionary<string, string>(aliases.ToDictionary(a => a.Name, a => a.BundleId, StringComparer.Ordinal), StringComparer.Ordinal),
            byVersion);
    }
}
