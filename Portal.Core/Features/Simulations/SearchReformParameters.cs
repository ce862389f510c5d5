using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Models;

namespace Portal.Core.Features.Simulations;

/// <summary>A reformable value: a leaf, or one bracket field of a scale (<c>path[1].rate</c>), with its value in force at the period.</summary>
public sealed record ReformParameter(string Path, string? Label, string? Unit, double? Value, string Formatted, bool IsBool);

/// <summary>The model release a search ran against, the instant its values are read at, and the first matches.</summary>
public sealed record ReformParameterSearch(string Country, string ModelVersion, int Year, string Instant, IReadOnlyList<ReformParameter> Matches, int Total);

/// <summary>
/// The reform builder's parameter search: resolves the bundle (id, display id or alias), takes its
/// model release and lists the parameters whose path, label or description contain the query, each
/// with the value it has at the start of the simulated year (the instant the engine reads).
/// </summary>
public sealed class SearchReformParametersHandler(PortalDbContext db, ModelCatalog catalog)
{
    public const int MaxMatches = 25;

    public async Task<Result<ReformParameterSearch>> HandleAsync(string country, string? bundle, int? year, string? query, CancellationToken ct = default)
    {
        var reference = string.IsNullOrWhiteSpace(bundle) ? SimulationFormOptionsHandler.DefaultAlias : bundle.Trim();
        var resolved = await BundleLookup.ResolveAsync(db, country ?? "", reference, ct);
        if (resolved is null)
        {
            return Problem.Invalid("bundle", $"No bundle or alias '{reference}' for country '{country}'.");
        }

        var model = catalog.Find(resolved.Bundle.Country, resolved.Bundle.ModelVersion);
        if (model is null)
        {
            return Problem.Invalid("bundle", $"Model release {resolved.Bundle.Country} {resolved.Bundle.ModelVersion} of {resolved.Bundle.DisplayId} is not installed.");
        }

        var period = year is >= 1900 and <= 2099 ? year.Value : model.DefaultPeriod;
        var instant = model.InstantOf(period);
        var text = query?.Trim() ?? "";
        var matches = text.Length == 0
            ? []
            : ParameterTree.Leaves(model.Parameters).Where(p => ParameterTree.Matches(p, text)).SelectMany(p => Reformable(p, instant)).ToList();
        return new ReformParameterSearch(model.Country, model.Version, period, GetModelMetadataHandler.Date(instant), [.. matches.Take(MaxMatches)], matches.Count);
    }

    /// <summary>A leaf as itself; a scale as one entry per bracket threshold and rate (or amount), the paths a reform names.</summary>
    private static IEnumerable<ReformParameter> Reformable(ParameterNode node, DateOnly instant)
    {
        switch (node)
        {
            case ParameterLeaf leaf:
                yield return Entry(leaf.Path, leaf.Label, leaf.Unit, leaf.Values, instant, leaf.IsBool);
                break;
            case ParameterScale scale:
                var field = scale.ScaleType == ScaleType.MarginalRate ? "rate" : "amount";
                for (var i = 0; i < scale.Brackets.Count; i++)
                {
                    var b = scale.Brackets[i];
                    yield return Entry($"{scale.Path}[{i}].threshold", $"{scale.Label ?? scale.Name}, bracket {i} threshold", scale.Unit, b.Threshold, instant, false);
                    yield return Entry($"{scale.Path}[{i}].{field}", $"{scale.Label ?? scale.Name}, bracket {i} {field}",
                        field == "rate" ? "/1" : scale.Unit, b.Rate ?? b.Amount ?? [], instant, false);
                }

                break;
        }
    }

    private static ReformParameter Entry(string path, string? label, string? unit, IReadOnlyList<DatedValue> values, DateOnly instant, bool isBool)
    {
        var value = Simulation.TryValueAt(values, instant);
        return new ReformParameter(path, label, unit, value, value is { } v ? ParameterTree.Format(v, unit, isBool) : "not in force", isBool);
    }
}
