using Portal.Core.Engine;
using Portal.Core.Features.Models;

namespace Portal.Tests.Models;

/// <summary>The US and UK packages as the application loads them (copied next to Portal.Core.dll), loaded once per test run.</summary>
public static class ShippedModels
{
    private static readonly Lazy<ModelCatalog> Loaded = new(() => ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "Countries"), allowUnlocked: false));

    public static ModelCatalog Catalog => Loaded.Value;

    public static CountryModel Us => Catalog.Find("us")!;

    public static CountryModel Uk => Catalog.Find("uk")!;

    public static RunCalculatorHandler Calculator => new(Catalog, new CalculateHouseholdHandler(Catalog));
}
