using Portal.Core.Engine;

namespace Portal.Tests.Engine;

public sealed class CatalogTests
{
    private static string Countries(Portal.Tests.Infrastructure.TempDirectory temp) => Path.Combine(temp.Path, "Countries");

    private static void Lock(string countries, string version = "1.0.0") =>
        ReleaseLockFile.Write(Path.Combine(countries, "xx"),
            [.. ReleaseLockFile.Read(Path.Combine(countries, "xx")).Where(l => l.Version != version), new ReleaseLock("xx", version, ReleaseHash.Compute(Path.Combine(countries, "xx", version)))]);

    private static void AddVersion(string countries, string version, Func<string, string>? edit = null)
    {
        var source = Path.Combine(countries, "xx", "1.0.0");
        var target = Path.Combine(countries, "xx", version);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            var text = File.ReadAllText(file);
            text = relative == "package.yaml" ? text.Replace("version: 1.0.0", $"version: {version}", StringComparison.Ordinal) : text;
            File.WriteAllText(Path.Combine(target, relative), edit is null ? text : edit(text));
        }
    }

    [Fact]
    public void Loads_the_locked_fixture()
    {
        var catalog = ModelCatalog.Load(EnginePackages.FixtureCountries, allowUnlocked: false);
        Assert.Equal(["xx"], catalog.Countries);
        Assert.Equal("1.0.0", catalog.Find("xx")!.Version);
        Assert.Same(catalog.Find("xx"), catalog.Find("XX", "1.0.0"));
        Assert.Null(catalog.Find("xx", "9.9.9"));
        Assert.Null(catalog.Find("zz"));
        Assert.Empty(ModelCatalog.Load(Path.Combine(EnginePackages.FixtureCountries, "missing"), false).Models);
    }

    [Fact]
    public void Unlocked_release_is_refused_unless_allowed()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        var error = Assert.Throws<ModelLoadException>(() => ModelCatalog.Load(Countries(temp), allowUnlocked: false));
        Assert.StartsWith("xx/1.0.0: release is not listed in xx/releases.lock.json", error.Message);
        Assert.Single(ModelCatalog.Load(Countries(temp), allowUnlocked: true).Models);
    }

    [Fact]
    public void Changed_content_without_a_version_bump_is_refused_even_when_unlocked_releases_are_allowed()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        Lock(Countries(temp));
        Assert.Single(ModelCatalog.Load(Countries(temp), false).Models);
        File.AppendAllText(Path.Combine(EnginePackages.ReleaseOf(temp), "parameters", "region.yaml"), "# edited\n");
        var error = Assert.Throws<ModelLoadException>(() => ModelCatalog.Load(Countries(temp), allowUnlocked: true));
        Assert.Contains("xx/1.0.0: content changed without a version bump", error.Message, StringComparison.Ordinal);
        Assert.Equal(ReleaseState.Changed, Assert.Single(ModelCatalog.Inspect(Countries(temp))).State);
    }

    [Fact]
    public void A_locked_release_whose_folder_disappeared_is_an_error()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        Lock(Countries(temp));
        AddVersion(Countries(temp), "1.1.0");
        Lock(Countries(temp), "1.1.0");
        Directory.Delete(Path.Combine(Countries(temp), "xx", "1.1.0"), recursive: true);
        Assert.Contains("lists released version 1.1.0 but its folder is missing", Assert.Throws<ModelLoadException>(() => ModelCatalog.Load(Countries(temp), true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Highest_semver_wins_and_broken_packages_name_their_file()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        AddVersion(Countries(temp), "1.9.0");
        AddVersion(Countries(temp), "1.10.0");
        var catalog = ModelCatalog.Load(Countries(temp), allowUnlocked: true);
        Assert.Equal(["1.0.0", "1.9.0", "1.10.0"], catalog.Releases("xx").Select(m => m.Version));
        Assert.Equal("1.10.0", catalog.Find("xx")!.Version);

        File.WriteAllText(Path.Combine(Countries(temp), "xx", "1.9.0", "variables", "broken.yaml"), "oops:\n  entity: person\n  value_type: float\n  formula: age +\n");
        Assert.Equal("xx/1.9.0/variables/broken.yaml:4:17: expected a value but found end of formula",
            Assert.Throws<ModelLoadException>(() => ModelCatalog.Load(Countries(temp), true)).Message);
        Assert.Equal(ReleaseState.Broken, ModelCatalog.Inspect(Countries(temp)).Single(r => r.Version == "1.9.0").State);
    }

    [Fact]
    public void Semver_order()
    {
        string[] versions = ["1.10.0", "1.2.0", "1.2.0-beta", "0.9.9", "2.0.0"];
        Assert.Equal(["0.9.9", "1.2.0-beta", "1.2.0", "1.10.0", "2.0.0"], versions.Order(SemverComparer.Instance));
    }

    [Fact]
    public void Model_diff_reports_added_removed_and_changed_fields()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        AddVersion(Countries(temp), "1.1.0", text => text
            .Replace("    2025-04-06: 13000", "    2025-04-06: 13500\n    2026-04-06: 14000", StringComparison.Ordinal)
            .Replace("formula: age < 18", "formula: age < 16", StringComparison.Ordinal)
            .Replace("enabled:\n  values: {2023-04-06: true}\n", "", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(Countries(temp), "xx", "1.1.0", "variables", "new.yaml"), "pension:\n  entity: person\n  value_type: float\n  label: Pension\n");
        File.WriteAllText(Path.Combine(Countries(temp), "xx", "1.1.0", "variables", "tax_unit.yaml"),
            File.ReadAllText(Path.Combine(Countries(temp), "xx", "1.1.0", "variables", "tax_unit.yaml")).Replace("where(parameters.benefits.child.enabled, base, 0)", "base", StringComparison.Ordinal));
        var diff = ModelDiff.Compare(PackageLoader.Load(EnginePackages.ReleaseOf(temp)), PackageLoader.Load(Path.Combine(Countries(temp), "xx", "1.1.0")));

        var allowance = diff.Parameters.Single(p => p.Name == "tax.income.personal_allowance");
        Assert.Equal(DiffKind.Changed, allowance.Kind);
        Assert.Equal([new FieldChange("values.2025-04-06", "13000", "13500"), new FieldChange("values.2026-04-06", null, "14000")], allowance.Changes);
        Assert.Equal(DiffKind.Removed, diff.Parameters.Single(p => p.Name == "benefits.child.enabled").Kind);
        Assert.Equal(2, diff.Parameters.Count);

        Assert.Equal(new FieldChange("formula", "age < 18", "age < 16"), Assert.Single(diff.Variables.Single(v => v.Name == "is_dependent").Changes));
        var added = diff.Variables.Single(v => v.Name == "pension");
        Assert.Equal(DiffKind.Added, added.Kind);
        Assert.Contains(new FieldChange("label", null, "Pension"), added.Changes);
        Assert.Equal(["child_benefit", "is_dependent", "pension"], diff.Variables.Select(v => v.Name));
        Assert.True(ModelDiff.Compare(EnginePackages.Xx, EnginePackages.Xx).IsEmpty);
    }
}
