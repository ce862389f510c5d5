using Portal.Core.Engine;

namespace Portal.Tests.Engine;

/// <summary>
/// Every release shipped in the Countries folder (next to Portal.Core.dll) must load, be locked and
/// pass all its YAML test cases. The fixture release is always included, so the folder scan itself
/// is exercised even before any real country package exists.
/// </summary>
public sealed class CountryPackageTests
{
    public static TheoryData<string, string, string> Releases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var root in new[] { ModelOptions.DefaultDirectory, EnginePackages.FixtureCountries })
        {
            foreach (var release in Discover(root))
            {
                data.Add(root, release.Country, release.Version);
            }
        }

        return data;
    }

    private static IEnumerable<(string Country, string Version)> Discover(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).SelectMany(c => Directory.EnumerateDirectories(c)
                .Where(v => File.Exists(Path.Combine(v, "package.yaml")))
                .Select(v => (Path.GetFileName(c), Path.GetFileName(v))))
            : [];

    [Fact]
    public void The_scan_finds_the_fixture_release() =>
        Assert.Contains(("xx", "1.0.0"), Discover(EnginePackages.FixtureCountries));

    [Theory]
    [MemberData(nameof(Releases))]
    public void Release_is_locked_and_its_test_cases_pass(string root, string country, string version)
    {
        var model = ModelCatalog.LoadRelease(root, country, version);
        var locked = ReleaseLockFile.Read(Path.Combine(root, country)).SingleOrDefault(l => l.Version == version);
        Assert.True(locked is not null, $"{country} {version} is not in {country}/{ReleaseLockFile.FileName}; run: portal model lock --country {country}");
        Assert.Equal(locked.Sha256, model.Sha256);

        var report = ModelTestRunner.Run(model);
        Assert.NotEmpty(report.Results);
        var failures = report.Results.Where(r => !r.Passed).Select(r =>
            $"{r.Case.SourceFile}:{r.Case.SourceLine} {r.Case.Name}: {r.Error ?? string.Join("; ", r.Checks.Where(c => !c.Passed).Select(c => $"{c.Variable}[{c.Instance}] expected {c.Expected}, got {c.Actual}"))}");
        Assert.True(report.AllPassed, string.Join("\n", failures));
    }
}
