using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>How a filter compares a geography field: one value (<c>eq</c>) or any of a list (<c>in</c>).</summary>
public enum AreaFilterOp
{
    Eq,
    In,
}

/// <summary>
/// One condition on a calibration-package geography field (<c>state_fips</c>, <c>county_fips</c>,
/// <c>congressional_district_geoid</c>, <c>region</c>, <c>constituency_code</c>, …). The value is raw JSON
/// (a number or string for <c>eq</c>, an array for <c>in</c>) so requests round-trip unchanged.
/// </summary>
public sealed record AreaFilter(string GeographyField, AreaFilterOp Op, JsonElement Value)
{
    public string GeographyField { get; init => field = Guard.NotBlank(value, nameof(GeographyField)); } = Guard.NotBlank(GeographyField, nameof(GeographyField));

    public JsonElement Value { get; init; } = CheckValue(Op, Value);

    public static AreaFilter Eq(string field, long value) => new(field, AreaFilterOp.Eq, JsonSerializer.SerializeToElement(value));

    public static AreaFilter Eq(string field, string value) => new(field, AreaFilterOp.Eq, JsonSerializer.SerializeToElement(value));

    public static AreaFilter In(string field, IEnumerable<long> values) => new(field, AreaFilterOp.In, JsonSerializer.SerializeToElement(values.ToArray()));

    public static AreaFilter In(string field, IEnumerable<string> values) => new(field, AreaFilterOp.In, JsonSerializer.SerializeToElement(values.ToArray()));

    /// <summary>The filter's values as strings (numbers in invariant form), whatever the JSON kind.</summary>
    public IReadOnlyList<string> Values() => Op == AreaFilterOp.Eq ? [Scalar(Value)] : Value.EnumerateArray().Select(Scalar).ToArray();

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Number => e.GetRawText(),
        _ => throw new ArgumentException($"Filter values must be numbers or strings, not {e.ValueKind}."),
    };

    private static JsonElement CheckValue(AreaFilterOp op, JsonElement value)
    {
        var ok = op == AreaFilterOp.In
            ? value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            : value.ValueKind is JsonValueKind.String or JsonValueKind.Number;
        return ok ? value.Clone() : throw new ArgumentException(op == AreaFilterOp.In
            ? "An 'in' filter needs an array of numbers or strings."
            : "An 'eq' filter needs one number or string.", nameof(value));
    }
}

/// <summary>
/// One area to build: which clone cells it takes (all filters must hold), where its file goes
/// (relative to the output directory; never absolute, never <c>..</c>) and what to validate it against.
/// </summary>
public sealed record AreaBuildRequest(
    string AreaType,
    string AreaId,
    string DisplayName,
    string OutputRelativePath,
    IReadOnlyList<AreaFilter> Filters,
    string? ValidationGeoLevel,
    IReadOnlyList<string> ValidationIds,
    IReadOnlyDictionary<string, string> Metadata)
{
    public string AreaType { get; init => field = Guard.NotBlank(value, nameof(AreaType)); } = Guard.NotBlank(AreaType, nameof(AreaType));

    public string AreaId { get; init => field = Guard.NotBlank(value, nameof(AreaId)); } = Guard.NotBlank(AreaId, nameof(AreaId));

    public string DisplayName { get; init => field = Guard.NotBlank(value, nameof(DisplayName)); } = Guard.NotBlank(DisplayName, nameof(DisplayName));

    // Checked on construction and on `with`, so no request can name a path outside the output directory.
    public string OutputRelativePath { get; init => field = Guard.RelativePath(value); } = Guard.RelativePath(OutputRelativePath);

    public IReadOnlyList<AreaFilter> Filters { get; init; } = Filters ?? [];

    public IReadOnlyList<string> ValidationIds { get; init; } = Guard.Ids(ValidationGeoLevel, ValidationIds ?? []);

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Metadata ?? new Dictionary<string, string>();

    /// <summary><c>area_type:area_id</c>, unique within a catalog (e.g. <c>state:CA</c>).</summary>
    [JsonIgnore]
    public string Key => $"{AreaType}:{AreaId}";

    /// <summary>The whole country: every clone cell with a positive weight, <c>national/US.h5</c>.</summary>
    public static AreaBuildRequest National(string country = "us")
    {
        var id = country.ToUpperInvariant();
        return new AreaBuildRequest("national", id, country == "uk" ? "United Kingdom" : "United States", $"national/{id}.h5", [], "national", [id],
            new Dictionary<string, string> { ["country"] = country.ToLowerInvariant() });
    }
}

/// <param name="Name">Manifest artifact name (<c>national</c>, <c>calibration</c>).</param>
/// <param name="Path">Where the bytes are: absolute, or relative to the artifact root given to <see cref="SourceSnapshot.Open"/>.</param>
public sealed record ArtifactRef(string Name, string Sha256, string Path);

/// <summary>What one publish reads: the release's dataset and calibration package, pinned by sha256.</summary>
/// <param name="NClones">Expected clone count; the package's own count wins and a mismatch is an error.</param>
/// <param name="Seed">Seed of the per-clone derived inputs (US augmentation).</param>
public sealed record PublishingInputs(string DataRelease, ArtifactRef CalibrationPackage, ArtifactRef Dataset, int NClones, long Seed)
{
    /// <summary>The inputs of a registered release: its <c>national</c> and <c>calibration</c> artifacts in the content-addressed store.</summary>
    /// <param name="artifactsDir">The store root (<c>PortalPaths.Artifacts</c>); paths become absolute store paths.</param>
    public static PublishingInputs FromManifest(string dataRelease, Features.DataReleases.DataReleaseManifest manifest, string artifactsDir, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArtifactRef Ref(string name)
        {
            var a = manifest.Artifacts.FirstOrDefault(x => x.Name == name)
                ?? throw new ArgumentException($"Release {dataRelease} has no '{name}' artifact; local-area publishing needs a calibration package (generate with --clones).");
            var sha = a.Sha256.ToLowerInvariant();
            return new ArtifactRef(name, sha, System.IO.Path.Combine(System.IO.Path.GetFullPath(artifactsDir), "sha256", sha[..2], sha));
        }

        var calibration = Ref(Features.DataReleases.DataReleaseManifest.CalibrationArtifact);
        var clones = manifest.Generator.TryGetValue("clones", out var c) && c is not null ? (int)c : 0;
        return new PublishingInputs(dataRelease, calibration, Ref(Features.DataReleases.DataReleaseManifest.NationalArtifact), clones, seed);
    }
}

internal static class Guard
{
    public static string NotBlank(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name} must not be empty.", name) : value;

    public static string RelativePath(string path)
    {
        NotBlank(path, "OutputRelativePath");
        var parts = path.Split('/', '\\');
        if (Path.IsPathRooted(path) || path.StartsWith('/') || parts.Any(p => p is "" or "." or ".."))
        {
            throw new ArgumentException($"Output path '{path}' must be relative, without '.', '..' or empty segments.", nameof(path));
        }

        return path.EndsWith(".h5", StringComparison.Ordinal) ? path : throw new ArgumentException($"Output path '{path}' must end with .h5.", nameof(path));
    }

    public static IReadOnlyList<string> Ids(string? level, IReadOnlyList<string> ids) =>
        ids.Count > 0 && string.IsNullOrWhiteSpace(level)
            ? throw new ArgumentException("Validation ids need a validation geo level.", nameof(ids))
            : ids;
}
