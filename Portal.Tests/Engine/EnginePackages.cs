using Portal.Core.Engine;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Engine;

/// <summary>The fixture package (copied next to the test assembly) and throw-away variants of it.</summary>
public static class EnginePackages
{
    public static string FixtureCountries => Path.Combine(AppContext.BaseDirectory, "Engine", "Fixtures", "Countries");

    public static string FixtureRelease => Path.Combine(FixtureCountries, "xx", "1.0.0");

    private static readonly Lazy<CountryModel> Fixture = new(() => PackageLoader.Load(FixtureRelease));

    /// <summary>The fixture release, loaded once.</summary>
    public static CountryModel Xx => Fixture.Value;

    /// <summary>A copy of the fixture under a temp folder (<c>Countries/xx/1.0.0</c>), optionally with extra files.</summary>
    public static TempDirectory Copy(IReadOnlyDictionary<string, string>? files = null, bool withTests = false)
    {
        var temp = new TempDirectory("engine");
        var release = Path.Combine(temp.Path, "Countries", "xx", "1.0.0");
        foreach (var file in Directory.EnumerateFiles(FixtureRelease, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(FixtureRelease, file);
            if (!withTests && relative.StartsWith("tests", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(release, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        foreach (var (relative, content) in files ?? new Dictionary<string, string>())
        {
            var target = Path.Combine(release, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
        }

        return temp;
    }

    public static string ReleaseOf(TempDirectory temp) => Path.Combine(temp.Path, "Countries", "xx", "1.0.0");

    /// <summary>Loads the fixture plus an extra variables file.</summary>
    public static CountryModel WithVariables(string yaml)
    {
        using var temp = Copy(new Dictionary<string, string> { ["variables/extra.yaml"] = yaml });
        return PackageLoader.Load(ReleaseOf(temp));
    }

    /// <summary>The load error message for the fixture plus an extra variables file.</summary>
    public static string LoadError(string yaml) => LoadError(new Dictionary<string, string> { ["variables/extra.yaml"] = yaml });

    public static string LoadError(IReadOnlyDictionary<string, string> files)
    {
        using var temp = Copy(files);
        return Assert.Throws<ModelLoadException>(() => PackageLoader.Load(ReleaseOf(temp))).Message;
    }

    /// <summary>
    /// A population of persons with the given ages and incomes; tax units and households by index
    /// arrays (defaults: everyone in one).
    /// </summary>
    public static Population People(CountryModel model, double[] ages, double[]? incomes = null, int[]? taxUnits = null, int[]? households = null)
    {
        var population = new Population(model, ages.Length);
        taxUnits ??= new int[ages.Length];
        households ??= new int[ages.Length];
        population.SetGroup("tax_unit", taxUnits.Max() + 1, taxUnits);
        population.SetGroup("household", households.Max() + 1, households);
        population.SetInput("age", ages);
        population.SetInput("employment_income", incomes ?? new double[ages.Length]);
        return population;
    }
}
