using System.Text.Json;
using Portal.Core.Common;

namespace Portal.Core.Features.DataReleases;

public sealed record DataReleaseSummary(long Id, string Country, string Version, string ManifestRevision, int Period, DateTime CreatedUtc, string CreatedBy, int ArtifactCount);

public sealed record DatasetSummary(long Id, string Country, string Version, string Name, string Path, string Sha256, long SizeBytes, IReadOnlyDictionary<string, long> Rows)
{
    public string DownloadUrl => $"/api/v2/datasets/{Id}/download";
}

public sealed record DataReleaseDetail(DataReleaseSummary Release, IReadOnlyList<DatasetSummary> Artifacts, string ManifestJson);

internal static class DataReleaseMapping
{
    public static DataReleaseSummary Summary(DataRelease r) =>
        new(r.Id, r.Country, r.Version, r.ManifestRevision, r.Period, r.CreatedUtc, r.CreatedBy, r.Artifacts.Count);

    public static DatasetSummary Dataset(DataReleaseArtifact a, DataRelease r) =>
        new(a.Id, r.Country, r.Version, a.Name, a.Path, a.Sha256, a.SizeBytes, Rows(a.RowsJson));

    public static DataReleaseDetail Detail(DataRelease r) =>
        new(Summary(r), r.Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => Dataset(a, r)).ToList(), r.ManifestJson);

    public static IReadOnlyDictionary<string, long> Rows(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [];
}

/// <summary>Request validation shared by generate, register and look-ups.</summary>
public static partial class DataReleaseRules
{
    public static readonly string[] Countries = ["us", "uk"];

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z][0-9A-Za-z.-]{0,40})?$")]
    private static partial System.Text.RegularExpressions.Regex SemVer();

    public static bool IsVersion(string? version) => version is not null && SemVer().IsMatch(version);

    public static bool IsCountry(string? country) => country is not null && Countries.Contains(country);

    /// <summary>The release identity checks of generate and register (generate runs them before any expensive work).</summary>
    public static Validation RequireRelease(this Validation validation, string? country, string? version) => validation
        .Require(IsCountry(country), "country", "Country must be us or uk.")
        .Require(IsVersion(version), "version", "Version must be semantic, e.g. 2024.1.0.");

    /// <summary>Parses <c>us@2024.1.0</c>.</summary>
    public static bool TryParseReference(string? text, out string country, out string version)
    {
        var parts = (text ?? "").Split('@', 2);
        country = parts[0].Trim().ToLowerInvariant();
        version = parts.Length == 2 ? parts[1].Trim() : "";
        return IsCountry(country) && IsVersion(version);
    }
}
