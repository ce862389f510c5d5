using Portal.Core.Publishing.LocalH5;

namespace Portal.Tests.Publishing;

/// <summary>Failures stay per area, cancellation is a worker issue, the snapshot verifies its inputs.</summary>
public sealed class LocalH5WorkerTests(PublishingFixture fixture) : IClassFixture<PublishingFixture>
{
    private static AreaBuildRequest Custom(string id, params AreaFilter[] filters) =>
        new("custom", id, id, $"custom/{id}.h5", filters, null, [], new Dictionary<string, string>());

    [Fact]
    public void One_failing_area_does_not_stop_the_others_and_leaves_no_file()
    {
        var source = fixture.Snapshot("us");
        var output = fixture.OutputDir("worker");
        var seen = new List<AreaBuildResult>();
        var areas = new[] { Custom("RI", AreaFilter.Eq("state_fips", 44)), Custom("PR", AreaFilter.Eq("state_fips", 72)), Custom("ZIP", AreaFilter.Eq("zip", 1)), Custom("DE", AreaFilter.Eq("state_fips", 10)) };

        var result = AreaWorker.Run(areas, source, output, ValidationPolicy.Default, seen.Add, CancellationToken.None);

        Assert.Equal(["custom:RI", "custom:DE"], result.Completed.Select(r => r.Request.Key));
        Assert.Equal(["custom:PR", "custom:ZIP"], result.Failed.Select(r => r.Request.Key));
        Assert.Contains("No clone cells", result.Failed[0].BuildError);
        Assert.Contains("Unknown geography field 'zip'", result.Failed[1].BuildError);
        Assert.Equal(4, seen.Count);
        Assert.False(File.Exists(Path.Combine(output, "custom", "PR.h5")));
        Assert.Empty(result.WorkerIssues);
        Assert.Contains("custom:RI", result.Completed[0].Request.Key);
        Assert.Equal(["selection", "reindexing", "cloning", "augmentation", "validation", "writing"], result.Completed[0].PhaseSeconds.Keys);
    }

    [Fact]
    public void A_structural_validation_failure_fails_the_area_before_anything_is_written()
    {
        var source = fixture.Snapshot("us");
        var output = fixture.OutputDir("strict");
        var area = Custom("VT", AreaFilter.Eq("state_fips", 50));
        var strict = ValidationPolicy.Default with { MinHouseholds = 1_000_000 };

        var failed = LocalH5.BuildH5(area, source, output, strict);
        Assert.Equal(AreaBuildStatus.Failed, failed.Status);
        Assert.Contains("too_few_households", failed.BuildError);
        Assert.Equal(ValidationStatus.Failed, failed.Validation.Status);
        Assert.False(File.Exists(Path.Combine(output, "custom", "VT.h5")));

        // The same problem recorded, but not fatal, when the policy says so.
        var lenient = LocalH5.BuildH5(area, source, output, strict with { FailOnStructuralError = false });
        Assert.Equal(AreaBuildStatus.Completed, lenient.Status);
        Assert.Equal(ValidationStatus.Failed, lenient.Validation.Status);
    }

    [Fact]
    public void Cancellation_stops_before_the_next_area_and_is_reported()
    {
        var source = fixture.Snapshot("us");
        using var cts = new CancellationTokenSource();
        var areas = new[] { Custom("RI", AreaFilter.Eq("state_fips", 44)), Custom("DE", AreaFilter.Eq("state_fips", 10)), Custom("VT", AreaFilter.Eq("state_fips", 50)) };
        var result = AreaWorker.Run(areas, source, fixture.OutputDir("cancel"), ValidationPolicy.Default, _ => cts.Cancel(), cts.Token);
        Assert.Single(result.Completed);
        Assert.Empty(result.Failed);
        Assert.Contains("cancelled: 2 of 3", Assert.Single(result.WorkerIssues));
    }

    [Fact]
    public void A_throwing_progress_callback_is_a_worker_issue_not_a_lost_area()
    {
        var areas = new[] { Custom("RI", AreaFilter.Eq("state_fips", 44)) };
        var result = AreaWorker.Run(areas, fixture.Snapshot("us"), fixture.OutputDir("cb"), ValidationPolicy.Default, _ => throw new InvalidOperationException("db down"), CancellationToken.None);
        Assert.Single(result.Completed);
        Assert.Contains("db down", Assert.Single(result.WorkerIssues));
    }

    [Fact]
    public void Inputs_whose_bytes_do_not_match_their_sha256_are_refused()
    {
        var inputs = fixture.Inputs("us");
        var tampered = inputs with { CalibrationPackage = inputs.CalibrationPackage with { Sha256 = new string('0', 64) } };
        var result = LocalH5.BuildH5(AreaBuildRequest.National(), tampered, fixture.OutputDir("bad"));
        Assert.Equal(AreaBuildStatus.Failed, result.Status);
        Assert.Contains("corrupt", result.BuildError);

        var wrongClones = inputs with { NClones = 9 };
        Assert.Contains("9 clones", LocalH5.BuildH5(AreaBuildRequest.National(), wrongClones, fixture.OutputDir("bad")).BuildError);
    }

    [Fact]
    public void Fingerprint_of_a_release_is_stable_and_sensitive_to_the_geography()
    {
        var source = fixture.Snapshot("us");
        var catalog = AreaCatalog.FromCalibration("us", source);
        var fp = PublishFingerprint.Compute(source, catalog);
        using (var again = SourceSnapshot.Open(fixture.Inputs("us"), fixture.Root))
        {
            Assert.Equal(fp, PublishFingerprint.Compute(again, AreaCatalog.FromCalibration("us", again)));
            Assert.Equal(source.GeographyChecksum, again.GeographyChecksum);
        }

        // Another seed → other geography, other package, other fingerprint.
        var other = PublishingFixture.Generate(fixture.Root, "us", 1_000, 2, seed: 99);
        using var o = SourceSnapshot.Open(other, fixture.Root);
        Assert.NotEqual(source.GeographyChecksum, o.GeographyChecksum);
        Assert.NotEqual(fp, PublishFingerprint.Compute(o, AreaCatalog.FromCalibration("us", o)));
    }
}
