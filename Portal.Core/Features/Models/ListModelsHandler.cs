using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

public sealed record ModelReleaseSummary(
    string Country, string Version, string Sha256, string Name, string Description, string Currency,
    int DefaultPeriod, int VariableCount, int ParameterCount, bool IsLatest);

public sealed record ModelCountrySummary(string Country, IReadOnlyList<ModelReleaseSummary> Releases);

/// <summary>Every loaded country and its releases, newest first: the model explorer's index and <c>GET /api/v2/models</c>.</summary>
public sealed class ListModelsHandler(ModelCatalog catalog)
{
    public IReadOnlyList<ModelCountrySummary> Handle() =>
        catalog.Countries.Order(StringComparer.Ordinal).Select(country =>
        {
            var latest = catalog.Find(country);
            var releases = catalog.Releases(country)
                .OrderByDescending(m => m.Version, SemverComparer.Instance)
                .Select(m => new ModelReleaseSummary(
                    m.Country, m.Version, m.Sha256, m.Name, m.Description, m.Currency, m.DefaultPeriod,
                    m.Variables.Count, ParameterTree.Leaves(m.Parameters).Count(), ReferenceEquals(m, latest)))
                .ToList();
            return new ModelCountrySummary(country, releases);
        }).ToList();
}
