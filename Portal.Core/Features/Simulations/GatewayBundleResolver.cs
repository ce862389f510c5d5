using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// Which certified bundle a gateway request runs on. Precedence: an explicit <c>bundle</c> (full id,
/// display id or alias name) &gt; <c>model_version</c>/<c>version</c> and/or <c>data_version</c> &gt;
/// the <c>latest</c> alias. Fields that contradict the chosen bundle are a 400 naming both values;
/// nothing that matches is a 400 listing what exists. <c>data</c> names a dataset artifact: with an
/// explicit bundle it must be that bundle's; otherwise it narrows the choice to bundles of that dataset.
/// </summary>
public sealed class GatewayBundleResolver(PortalDbContext db)
{
    public const string DefaultAlias = "latest";

    public async Task<Result<ResolvedBundle>> ResolveAsync(GatewayRequest request, CancellationToken ct = default)
    {
        var country = request.Country;
        if (request.Version is not null && request.ModelVersion is not null && request.Version != request.ModelVersion)
        {
            return Problem.Invalid("model_version", $"'version' ({request.Version}) and 'model_version' ({request.ModelVersion}) disagree; send one of them.");
        }

        var modelVersion = request.RequestedModelVersion;

        // Queries, not a list: a country can have thousands of bundles, and a submit needs one.
        var bundles = db.ExecutionBundles.AsNoTracking().Where(b => b.Country == country);
        if (!await bundles.AnyAsync(ct))
        {
            return Problem.Invalid("country", $"There are no execution bundles for '{country}' yet; a maintainer creates one from a model release and a data release.");
        }

        ResolvedBundle resolved;
        if (request.Bundle is { } reference)
        {
            var found = await BundleLookup.ResolveAsync(db, country, reference.Trim(), ct);
            if (found is null)
            {
                return Problem.Invalid("bundle", $"No bundle or alias '{reference}' for {country}. {await ListAsync(country, ct)}");
            }

            var b = found.Bundle;
            var conflict = Conflict("model_version", modelVersion, b.ModelVersion, b)
                ?? Conflict("data_version", request.DataVersion, b.DataVersion, b)
                ?? Conflict("data", request.Data, b.Dataset, b);
            if (conflict is not null)
            {
                return conflict;
            }

            resolved = found;
        }
        else if (modelVersion is not null || request.DataVersion is not null)
        {
            var matching = bundles.Where(b => b.Certified);
            if (modelVersion is not null)
            {
                matching = matching.Where(b => b.ModelVersion == modelVersion);
            }

            if (request.DataVersion is not null)
            {
                matching = matching.Where(b => b.DataVersion == request.DataVersion);
            }

            if (request.Data is not null)
            {
                matching = matching.Where(b => b.Dataset == request.Data);
            }

            // Several bundles fit (e.g. only model_version given): prefer what 'latest' points at, else the newest.
            var latest = await AliasTargetAsync(country, DefaultAlias, ct);
            // (Bundle ids are lower-case hex, so the database's order of ties is the ordinal one.)
            var chosen = await matching.FirstOrDefaultAsync(b => b.BundleId == latest, ct)
                ?? await matching.OrderByDescending(b => b.CreatedUtc).ThenBy(b => b.BundleId).FirstOrDefaultAsync(ct);
            if (chosen is null)
            {
                var field = modelVersion is not null && !await bundles.AnyAsync(b => b.ModelVersion == modelVersion, ct) ? "model_version"
                    : request.DataVersion is not null && !await bundles.AnyAsync(b => b.DataVersion == request.DataVersion, ct) ? "data_version"
                    : request.Data is not null ? "data" : "model_version";
                var asked = string.Join(", ", new[] { ("model_version", modelVersion), ("data_version", request.DataVersion), ("data", request.Data) }
                    .Where(p => p.Item2 is not null).Select(p => $"{p.Item1} {p.Item2}"));
                return Problem.Invalid(field, $"No certified {country} bundle has {asked}. {await ListAsync(country, ct)}");
            }

            resolved = new ResolvedBundle(chosen, null, null);
        }
        else
        {
            var found = await BundleLookup.ResolveAsync(db, country, DefaultAlias, ct);
            if (found is null)
            {
                return Problem.Invalid("bundle", $"{country} has no '{DefaultAlias}' alias yet; name a bundle or versions. {await ListAsync(country, ct)}");
            }

            resolved = found;
            if (request.Data is { } dataset && dataset != found.Bundle.Dataset)
            {
                // Same model and data release as the alias target, other dataset artifact.
                var releasePair = bundles.Where(b => b.Certified && b.ModelVersion == found.Bundle.ModelVersion && b.DataVersion == found.Bundle.DataVersion);
                var sibling = await releasePair.Where(b => b.Dataset == dataset).OrderByDescending(b => b.CreatedUtc).FirstOrDefaultAsync(ct);
                if (sibling is null)
                {
                    var datasets = (await releasePair.Select(b => b.Dataset).Distinct().ToListAsync(ct)).Order(StringComparer.Ordinal);
                    return Problem.Invalid("data", $"No certified bundle runs dataset '{dataset}' with {country} {found.Bundle.ModelVersion} and data {found.Bundle.DataVersion} " +
                        $"('{DefaultAlias}'); its datasets with bundles are: {string.Join(", ", datasets)}. {await ListAsync(country, ct)}");
                }

                resolved = new ResolvedBundle(sibling, null, null);
            }
        }

        if (!resolved.Bundle.Certified)
        {
            return Problem.Invalid("bundle", $"Bundle {resolved.Bundle.DisplayId} ({resolved.Bundle.ModelVersion} + data {resolved.Bundle.DataVersion}/{resolved.Bundle.Dataset}) is not certified, so it cannot run simulations.");
        }

        return resolved;
    }

    private static Problem? Conflict(string field, string? asked, string actual, ExecutionBundle bundle) =>
        asked is null || asked == actual
            ? null
            : Problem.Invalid(field, $"'{field}' is {asked} but bundle {bundle.DisplayId} has {actual}; drop one of them or make them agree.");

    private async Task<string?> AliasTargetAsync(string country, string alias, CancellationToken ct) =>
        await db.BundleAliases.AsNoTracking().Where(a => a.Country == country && a.Name == alias).Select(a => a.BundleId).FirstOrDefaultAsync(ct);

    /// <summary>Most certified bundles a 400 lists (the newest); the rest are counted.</summary>
    private const int ListedBundles = 20;

    /// <summary>What a client can ask for instead: the aliases and the newest certified bundles with their versions.</summary>
    private async Task<string> ListAsync(string country, CancellationToken ct)
    {
        var aliases = await db.BundleAliases.AsNoTracking().Where(a => a.Country == country).OrderBy(a => a.Name)
            .Select(a => new { a.Name, a.BundleId, DisplayId = db.ExecutionBundles.Where(b => b.BundleId == a.BundleId).Select(b => b.DisplayId).FirstOrDefault() })
            .ToListAsync(ct);
        var certifiedQuery = db.ExecutionBundles.AsNoTracking().Where(b => b.Country == country && b.Certified);
        var total = await certifiedQuery.CountAsync(ct);
        var newest = await certifiedQuery.OrderByDescending(b => b.CreatedUtc).ThenByDescending(b => b.Id).Take(ListedBundles)
            .Select(b => new { b.DisplayId, b.ModelVersion, b.DataVersion, b.Dataset }).ToListAsync(ct);
        var certified = newest.OrderBy(b => b.ModelVersion, StringComparer.Ordinal).ThenBy(b => b.DataVersion, StringComparer.Ordinal).ThenBy(b => b.Dataset, StringComparer.Ordinal)
            .Select(b => $"{b.DisplayId} (model_version {b.ModelVersion}, data_version {b.DataVersion}, data {b.Dataset})").ToList();
        var aliasText = aliases.Count == 0
            ? "no aliases"
            : "aliases: " + string.Join(", ", aliases.Select(a => $"{a.Name} → {a.DisplayId ?? a.BundleId}"));
        var bundleText = certified.Count == 0 ? "no certified bundles"
            : "certified bundles: " + string.Join("; ", certified) + (total > certified.Count ? $"; and {total - certified.Count} older (GET /api/v2/bundles?country={country})" : "");
        return $"Existing for {country}: {aliasText}; {bundleText}.";
    }
}
