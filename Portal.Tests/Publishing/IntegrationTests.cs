using System.Diagnostics;
using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Tests.Publishing;

/// <summary>Real releases, real HDF5 files: the facade, the catalog, the worker, totals across areas, h5dump.</summary>
public sealed class LocalH5IntegrationTests(PublishingFixture fixture) : IClassFixture<PublishingFixture>
{
    private static readonly Lazy<ModelCatalog> Models = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));

    [Fact]
    public void BuildH5_builds_one_state_end_to_end_into_a_loadable_dataset()
    {
        var inputs = fixture.Inputs("us");
        var catalog = AreaCatalog.FromCalibration("us", fixture.Snapshot("us"));
        var ca = catalog.Find("state:CA")!;
        var output = fixture.OutputDir("ca");

        var result = LocalH5.BuildH5(ca, inputs, output);

        Assert.True(result.Status == AreaBuildStatus.Completed, result.BuildError);
        Assert.Equal(Path.Combine(output, "states", "CA.h5"), result.OutputPath);
        Assert.Equal(PublishingFixture.Sha(result.OutputPath!), result.Sha256);
        Assert.Equal(new FileInfo(result.OutputPath!).Length, result.SizeBytes);
        Assert.Equal(catalog.ExpectedHouseholds(ca), result.Households);
        Assert.Equal(ValidationStatus.Passed, result.Validation.Status);
        Assert.Contains(result.Validation.Issues, i => i.Code == "target_ok" && i.Details["source"] == "census_2020");
        Assert.Empty(Directory.GetFiles(output, "*.tmp*", SearchOption.AllDirectories));

        using var file = H5File.Open(result.OutputPath!);
        var weights = file.Root.GetDataset("household_weight/2024").Read<double>();
        Assert.Equal(result.WeightTotal, weights.Sum(), 6);
        Assert.All(file.Root.GetDataset("state_fips/2024").Read<int>(), f => Assert.Equal(6, f));
        Assert.All(file.Root.GetDataset("state_code/2024").ReadStrings(), c => Assert.Equal("CA", c));
        Assert.All(file.Root.GetDataset("congressional_district_geoid/2024").Read<int>(), d => Assert.Equal(6, d / 100));
        Assert.Equal(Enumerable.Range(0, result.Households), file.Root.GetDataset("household_id/2024").Read<int>());
        Assert.Equal("CA", file.Root.FindAttribute("area_id")!.AsString());
        Assert.Equal(inputs.CalibrationPackage.Sha256, file.Root.FindAttribute("calibration_sha256")!.AsString());
        Assert.Equal(result.Households, file.Root.GetDataset("spm_unit_id/2024").Length);

        // The area file is a dataset the US model loads (ids, links, types all check out).
        var model = Models.Value.Find("us")!;
        var loaded = DatasetLoader.LoadWithReport(model, file, 2024);
        Assert.Equal(result.Persons, loaded.Population.PersonCount);
    }

    [Fact]
    public void The_same_area_builds_to_the_same_bytes()
    {
        var source = fixture.Snapshot("us");
        var area = AreaCatalog.FromCalibration("us", source).Find("district:NY-10")!;
        var a = LocalH5.BuildH5(area, source, fixture.OutputDir("a"), ValidationPolicy.Default);
        var b = LocalH5.BuildH5(area, source, fixture.OutputDir("b"), ValidationPolicy.Default);
        Assert.Equal(AreaBuildStatus.Completed, a.Status);
        Assert.Equal(a.Sha256, b.Sha256);
    }

    [Fact]
    public void The_us_catalog_has_51_states_436_districts_nyc_and_the_nation()
    {
        var catalog = AreaCatalog.FromCalibration("us", fixture.Snapshot("us"));
        Assert.Equal(51, catalog.Areas.Count(a => a.AreaType == "state"));
        Assert.Equal(436, catalog.Areas.Count(a => a.AreaType == "district"));
        Assert.Equal(["cities/NYC.h5"], catalog.Areas.Where(a => a.AreaType == "city").Select(a => a.OutputRelativePath));
        Assert.Equal(["national/US.h5"], catalog.ForScope("national").Select(a => a.OutputRelativePath));
        Assert.Equal(488, catalog.ForScope("regional").Count);
        Assert.Equal(489, catalog.ForScope("all").Count);
        Assert.Equal(489, catalog.Areas.Select(a => a.OutputRelativePath).Distinct().Count());
        Assert.Contains(catalog.Areas, a => a.OutputRelativePath == "districts/CA-12.h5");
        Assert.Contains(catalog.Areas, a => a.OutputRelativePath == "districts/AK-01.h5");
        Assert.Contains(catalog.Areas, a => a.OutputRelativePath == "districts/DC-01.h5");
        Assert.Equal("DC-01", AreaCatalog.DistrictId(1198));
        Assert.Equal("WY-01", AreaCatalog.DistrictId(5600));
        Assert.Equal(catalog.Version, AreaCatalog.FromCalibration("us", fixture.Snapshot("us")).Version);
        Assert.Throws<ArgumentException>(() => catalog.ForScope("moon"));
        Assert.True(catalog.ExpectedHouseholds(catalog.Find("national:US")!) > catalog.ExpectedHouseholds(catalog.Find("state:CA")!));
    }

    [Fact]
    public void The_uk_catalog_has_12_regions_650_constituencies_and_the_nation_and_builds()
    {
        var source = fixture.Snapshot("uk");
        var catalog = AreaCatalog.FromCalibration("uk", source);
        Assert.Equal(12, catalog.Areas.Count(a => a.AreaType == "region"));
        Assert.Equal(650, catalog.Areas.Count(a => a.AreaType == "constituency"));
        Assert.Equal("national/UK.h5", Assert.Single(catalog.ForScope("national")).OutputRelativePath);

        var london = LocalH5.BuildH5(catalog.Find("region:LONDON")!, source, fixture.OutputDir("uk"), ValidationPolicy.Default);
        Assert.True(london.Status == AreaBuildStatus.Completed, london.BuildError);
        Assert.Contains(london.Validation.Issues, i => i.Code == "target_ok");
        using var file = H5File.Open(london.OutputPath!);
        Assert.All(file.Root.GetDataset("region/2024").ReadStrings(), r => Assert.Equal("LONDON", r));
        Assert.Equal(london.Households, file.Root.GetDataset("benunit_id/2024").Length > 0 ? london.Households : -1);
        DatasetLoader.LoadWithReport(Models.Value.Find("uk")!, file, 2024);
    }

    [Fact]
    public void Districts_add_up_to_their_state_and_states_add_up_to_the_nation()
    {
        var source = fixture.Snapshot("us");
        var catalog = AreaCatalog.FromCalibration("us", source);
        var output = fixture.OutputDir("all");
        var parts = LptPartitioner.Partition(catalog.Areas, catalog.ExpectedHouseholds, 2);
        var done = new System.Collections.Concurrent.ConcurrentBag<AreaBuildResult>();
        var results = AreaWorker.RunParallel(parts, source, output, ValidationPolicy.Default, done.Add, CancellationToken.None);

        Assert.All(results, r => Assert.Empty(r.Failed));
        Assert.All(results, r => Assert.Empty(r.WorkerIssues));
        Assert.Equal(489, done.Count);
        var byKey = done.ToDictionary(r => r.Request.Key);
        Assert.All(done, r => Assert.Equal(catalog.ExpectedHouseholds(r.Request), r.Households));
        Assert.All(done, r => Assert.DoesNotContain(r.Validation.Issues, i => i.Severity == ValidationSeverity.Error));

        foreach (var state in catalog.Areas.Where(a => a.AreaType == "state"))
        {
            var districts = done.Where(r => r.Request.AreaType == "district" && r.Request.Metadata["state_fips"] == state.ValidationIds[0]).ToList();
            Assert.NotEmpty(districts);
            Assert.Equal(byKey[state.Key].WeightTotal, districts.Sum(d => d.WeightTotal), 6);
            Assert.Equal(byKey[state.Key].Households, districts.Sum(d => d.Households));
        }

        var national = byKey["national:US"];
        var states = done.Where(r => r.Request.AreaType == "state").ToList();
        Assert.Equal(national.WeightTotal, states.Sum(s => s.WeightTotal), 3);
        Assert.Equal(national.Persons, states.Sum(s => s.Persons));

        // The state file agrees with the sum read back from its district files.
        var ny = ReadWeight(byKey["state:NY"].OutputPath!);
        var nyDistricts = Directory.GetFiles(Path.Combine(output, "districts"), "NY-*.h5").Sum(ReadWeight);
        Assert.Equal(ny, nyDistricts, 6);

        // NYC is the five boroughs, and a subset of New York State.
        using var nyc = H5File.Open(byKey["city:NYC"].OutputPath!);
        Assert.All(nyc.Root.GetDataset("county_fips/2024").Read<int>(), c => Assert.Contains((long)c, AreaCatalog.NycCounties));
        Assert.True(byKey["city:NYC"].WeightTotal < byKey["state:NY"].WeightTotal);

        H5DumpSample([byKey["state:CA"].OutputPath!, byKey["district:CA-12"].OutputPath!, byKey["city:NYC"].OutputPath!, national.OutputPath!]);
    }

    private static double ReadWeight(string path)
    {
        using var file = H5File.Open(path);
        return file.Root.GetDataset("household_weight/2024").Read<double>().Sum();
    }

    /// <summary>libhdf5's own h5dump must read every object of the produced files.</summary>
    private static void H5DumpSample(IEnumerable<string> paths)
    {
        if (!File.Exists("/usr/bin/h5dump") && !File.Exists("/usr/local/bin/h5dump"))
        {
            Console.WriteLine("SKIPPED h5dump check: h5dump is not installed (CI installs hdf5-tools).");
            return;
        }

        foreach (var path in paths)
        {
            var info = new ProcessStartInfo("h5dump", ["-H", "-A", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"h5dump {path}: {stderr}");
            Assert.Contains("household_weight", stdout);

            // Full data read of one dataset too.
            var data = new ProcessStartInfo("h5dump", ["-d", "/household_weight/2024", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p2 = Process.Start(data)!;
            p2.StandardOutput.ReadToEnd();
            var err2 = p2.StandardError.ReadToEnd();
            p2.WaitForExit();
            Assert.True(p2.ExitCode == 0, $"h5dump -d {path}: {err2}");
        }
    }
}
