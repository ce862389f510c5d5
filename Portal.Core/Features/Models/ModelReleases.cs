using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>The identity of the release a result was computed with: enough to reproduce it exactly.</summary>
public sealed record ModelReleaseRef(string Country, string Version, string Sha256)
{
    public static ModelReleaseRef Of(CountryModel model) => new(model.Country, model.Version, model.Sha256);
}

/// <summary>Finds a release in the catalog, or says in words which one is missing.</summary>
public static class ModelLookup
{
    /// <summary><paramref name="version"/> null or empty = the country's newest release.</summary>
    public static Result<CountryModel> Find(ModelCatalog catalog, string? country, string? version)
    {
        var countryKey = (country ?? "").Trim().ToLowerInvariant();
        if (!catalog.Countries.Contains(countryKey, StringComparer.Ordinal))
        {
            return Problem.NotFound($"A model for country '{country}'");
        }

        var model = catalog.Find(countryKey, string.IsNullOrWhiteSpace(version) ? null : version.Trim());
        return model is null ? Problem.NotFound($"Model release {countryKey} {version}") : model;
    }
}
