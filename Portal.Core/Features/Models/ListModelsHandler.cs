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
                .OrderByDescending(m => m.Version, SemVerComparer.Instance)
                .Select(m => new ModelReleaseSummary(
                    m.Country, m.Version, m.Sha256, m.Name, m.Description, m.Currency, m.DefaultPeriod,
                    m.Variables.Count, ParameterTree.Leaves(m.Parameters).Count(), ReferenceEquals(m, latest)))
                .ToList();
            return new ModelCountrySummary(country, releases);
        }).ToList();
}

/// <summary>Orders "1.10.0" after "1.9.0"; pre-release tags sort before the release.</summary>
public sealed class SemVerComparer : IComparer<string>
{
    public static SemVerComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = Parse(x);
        var b = Parse(y);
        for (var i = 0; i < 3; i++)
        {
            var c = a.Numbers[i].CompareTo(b.Numbers[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return (a.Tag, b.Tag) switch
        {
            ("", "") => 0,
            ("", _) => 1,
            (_, "") => -1,
            _ => string.CompareOrdinal(a.Tag, b.Tag),
        };
    }

    private static (int[] Numbers, string Tag) Parse(string? version)
    {
        var text = version ?? "";
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var tag = dash < 0 ? "" : text[(dash + 1)..];
        var parts = (dash < 0 ? text : text[..dash]).Split('.');
        var numbers = new int[3];
        for (var i = 0; i < 3 && i < parts.Length; i++)
        {
            _ = int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]);
        }

        return (numbers, tag);
    }
}
