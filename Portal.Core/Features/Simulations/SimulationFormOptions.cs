using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Microdata;

namespace Portal.Core.Features.Simulations;

/// <summary>A choice for the "bundle or alias" select: an alias name or a certified bundle's display id.</summary>
public sealed record BundleChoice(string Value, string Label, string ModelVersion, string DataVersion, bool IsAlias);

/// <summary>One region in the region select, in the gateway's region syntax (<c>state/CA</c>, <c>constituency/E14000530</c>).</summary>
public sealed record RegionChoice(string Value, string Label);

public sealed record RegionGroup(string Label, IReadOnlyList<RegionChoice> Regions);

/// <summary>Everything the submit form offers for one country.</summary>
public sealed record SimulationFormOptions(
    string Country,
    IReadOnlyList<string> Countries,
    IReadOnlyList<BundleChoice> Bundles,
    IReadOnlyList<RegionGroup> Regions,
    int DefaultYear,
    string DefaultBundle);

/// <summary>
/// The submit form's selects: the country's aliases (default <c>latest</c>) and certified bundles,
/// and its regions from the geography tables the synthetic data and the gateway share.
/// </summary>
public sealed class SimulationFormOptionsHandler(PortalDbContext db, ModelCatalog catalog)
{
    public const string DefaultAlias = "latest";

    public async Task<SimulationFormOptions> HandleAsync(string? country, CancellationToken ct = default)
    {
        var countries = catalog.Countries;
        var chosen = countries.Contains(country ?? "", StringComparer.Ordinal) ? country!
            : countries.Contains("us", StringComparer.Ordinal) || countries.Count == 0 ? "us" : countries[0];
        var aliases = await db.BundleAliases.AsNoTracking()
            .Where(a => a.Country == chosen)
            .Join(db.ExecutionBundles, a => a.BundleId, b => b.BundleId, (a, b) => new { a.Name, b.DisplayId, b.ModelVersion, b.DataVersion })
            .ToListAsync(ct);
        var bundles = await db.ExecutionBundles.AsNoTracking()
            .Where(b => b.Country == chosen && b.Certified)
            .OrderByDescending(b => b.Id)
            .Take(100)
            .Select(b => new { b.DisplayId, b.ModelVersion, b.DataVersion, b.Dataset })
            .ToListAsync(ct);

        // latest first, then the other aliases by name, then bundles newest first.
        var choices = aliases
            .OrderBy(a => a.Name == DefaultAlias ? 0 : 1).ThenBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => new BundleChoice(a.Name, $"{a.Name} → {a.DisplayId} (model {a.ModelVersion}, data {a.DataVersion})", a.ModelVersion, a.DataVersion, true))
            .Concat(bundles.Select(b => new BundleChoice(b.DisplayId, $"{b.DisplayId} (model {b.ModelVersion}, data {b.DataVersion}, {b.Dataset})", b.ModelVersion, b.DataVersion, false)))
            .ToList();
        var defaultBundle = choices.FirstOrDefault()?.Value ?? DefaultAlias;
        var model = choices.Count > 0 ? catalog.Find(chosen, choices[0].ModelVersion) : null;
        model ??= catalog.Find(chosen);
        return new SimulationFormOptions(chosen, countries, choices, RegionsOf(chosen), model?.DefaultPeriod ?? DateTime.UtcNow.Year, defaultBundle);
    }

    /// <summary>The regions the gateway accepts for a country, grouped for the select.</summary>
    public static IReadOnlyList<RegionGroup> RegionsOf(string country) => country == "uk"
        ?
        [
            new("National", [new("uk", "United Kingdom")]),
            new("Regions", [.. UkGeography.Regions.Select(r => new RegionChoice($"region/{r.Code}", r.Name))]),
            new("Constituencies", [.. UkGeography.Regions.Zip(UkGeography.ConstituencyCodes)
                .SelectMany(pair => pair.Second.Select(code => new RegionChoice($"constituency/{code}", $"{code} ({pair.First.Name})")))]),
        ]
        :
        [
            new("National", [new("us", "United States")]),
            new("States", [.. UsGeography.States.Select(s => new RegionChoice($"state/{s.Code}", s.Name))]),
            new("Congressional districts", [.. UsGeography.States.SelectMany(s => Enumerable.Range(1, s.Districts)
                .Select(n => FormattableString.Invariant($"{s.Code}-{n:00}"))
                .Select(d => new RegionChoice($"district/{d}", d)))]),
            new("Cities", [new("city/NYC", "New York City")]),
        ];
}
