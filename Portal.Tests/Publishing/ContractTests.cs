using System.Text.Json;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Tests.Publishing;

public sealed class LocalH5ContractTests
{
    private static AreaBuildRequest Request() => new("district", "CA-12", "California district 12", "districts/CA-12.h5",
        [AreaFilter.Eq("congressional_district_geoid", 612), AreaFilter.In("county_fips", [6075, 6081]), AreaFilter.Eq("region", "LONDON")],
        "district", ["612"], new Dictionary<string, string> { ["state_fips"] = "6" });

    private static ValidationResult Validation() => new(ValidationStatus.Failed,
        [new ValidationIssue("target_miss", ValidationSeverity.Warning, "off", new Dictionary<string, string> { ["target"] = "10" })], "1 warning");

    private static AreaBuildResult Completed() => new(Request(), AreaBuildStatus.Completed, "/out/districts/CA-12.h5", new string('a', 64), 1234, 10, 25, 99.5,
        Validation(), null, TimeSpan.FromMilliseconds(1500)) { PhaseSeconds = new Dictionary<string, double> { ["selection"] = 0.25 } };

    private static void RoundTrips<T>(T value)
    {
        var json = PublishingJson.Serialize(value);
        var back = PublishingJson.Deserialize<T>(json);
        Assert.Equal(json, PublishingJson.Serialize(back));
    }

    [Fact]
    public void Every_contract_round_trips_through_json()
    {
        RoundTrips(AreaFilter.In("state_fips", [6, 36]));
        RoundTrips(Request());
        RoundTrips(AreaBuildRequest.National());
        RoundTrips(new PublishingInputs("us@2024.1.0", new ArtifactRef("calibration", new string('b', 64), "/a/c.h5"), new ArtifactRef("national", new string('c', 64), "/a/d.h5"), 10, 42));
        RoundTrips(ValidationPolicy.Default);
        RoundTrips(Validation());
        RoundTrips(ValidationResult.NotRun);
        RoundTrips(Completed());
        RoundTrips(AreaBuildResult.Failure(Request(), "boom", TimeSpan.FromSeconds(2)));
        RoundTrips(new WorkerResult([Completed()], [AreaBuildResult.Failure(Request(), "boom", TimeSpan.Zero)], ["cancelled"]));
    }

    [Fact]
    public void Json_is_snake_case_with_snake_case_enum_strings()
    {
        var json = PublishingJson.Serialize(Completed());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal("districts/CA-12.h5", root.GetProperty("request").GetProperty("output_relative_path").GetString());
        Assert.Equal("not_run", JsonDocument.Parse(PublishingJson.Serialize(ValidationResult.NotRun)).RootElement.GetProperty("status").GetString());
        var filter = root.GetProperty("request").GetProperty("filters")[1];
        Assert.Equal("in", filter.GetProperty("op").GetString());
        Assert.Equal("county_fips", filter.GetProperty("geography_field").GetString());
        Assert.Equal(JsonValueKind.Array, filter.GetProperty("value").ValueKind);
        Assert.False(root.GetProperty("request").TryGetProperty("key", out _));
        var parsed = PublishingJson.Deserialize<AreaFilter>("""{"geography_field":"state_fips","op":"eq","value":6}""");
        Assert.Equal(["6"], parsed.Values());
        Assert.Throws<JsonException>(() => PublishingJson.Deserialize<AreaFilter>("""{"geography_field":"x","op":"between","value":6}"""));
    }

    [Fact]
    public void National_request_points_at_the_national_file()
    {
        var us = AreaBuildRequest.National();
        Assert.Equal("national/US.h5", us.OutputRelativePath);
        Assert.Empty(us.Filters);
        Assert.Equal("national", us.ValidationGeoLevel);
        Assert.Equal(["US"], us.ValidationIds);
        Assert.Equal("national/UK.h5", AreaBuildRequest.National("uk").OutputRelativePath);
    }

    [Theory]
    [InlineData("/abs/CA.h5")]
    [InlineData("../CA.h5")]
    [InlineData("states/../../CA.h5")]
    [InlineData("states//CA.h5")]
    [InlineData("states/CA.txt")]
    [InlineData("")]
    public void Requests_refuse_unsafe_output_paths(string path) =>
        Assert.Throws<ArgumentException>(() => Request() with { OutputRelativePath = path });

    [Fact]
    public void Requests_and_filters_refuse_bad_values()
    {
        Assert.Throws<ArgumentException>(() => Request() with { AreaId = " " });
        Assert.Throws<ArgumentException>(() => new AreaBuildRequest("state", "CA", "California", "states/CA.h5", [], null, ["6"], new Dictionary<string, string>()));
        Assert.Throws<ArgumentException>(() => new AreaFilter("state_fips", AreaFilterOp.In, JsonSerializer.SerializeToElement(6)));
        Assert.Throws<ArgumentException>(() => new AreaFilter("state_fips", AreaFilterOp.Eq, JsonSerializer.SerializeToElement(new[] { 6 })));
        Assert.Throws<ArgumentException>(() => new AreaFilter("", AreaFilterOp.Eq, JsonSerializer.SerializeToElement(6)));
    }

    [Fact]
    public void Area_build_results_enforce_their_invariants()
    {
        var r = Request();
        var v = ValidationResult.NotRun;
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, null, "x", 1, 1, 1, 1, v, null, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, "/p", null, 1, 1, 1, 1, v, null, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, "/p", "x", 1, 1, 1, 1, v, "err", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Failed, null, null, null, 0, 0, 0, v, null, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Skipped, "/p", "x", 1, 1, 1, 1, v, "err", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, "/p", "x", 1, -1, 1, 1, v, null, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, "/p", "x", 1, 1, 1, double.NaN, v, null, TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new AreaBuildResult(r, AreaBuildStatus.Completed, "/p", "x", 1, 1, 1, 1, v, null, TimeSpan.FromSeconds(-1)));
        Assert.Equal(AreaBuildStatus.Skipped, new AreaBuildResult(r, AreaBuildStatus.Skipped, "/p", "x", 1, 1, 1, 1, v, null, TimeSpan.Zero).Status);
        Assert.Throws<ArgumentException>(() => new WorkerResult([AreaBuildResult.Failure(r, "x", TimeSpan.Zero)], [], []));
        Assert.Throws<ArgumentException>(() => new WorkerResult([], [Completed()], []));
    }
}
