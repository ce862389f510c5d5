using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.DataReleases;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Core.Features.Publishing;

/// <summary>A release resolved to the library's inputs: the dataset and the calibration package it was calibrated with.</summary>
public sealed record PublishSource(string Country, string Version, PublishingInputs Inputs);

/// <summary>
/// Maps a data release onto <see cref="PublishingInputs"/> and opens it; the one place the publishing
/// adapters learn where the artifact store keeps a release's files.
/// </summary>
public sealed class PublishSources(PortalDbContext db, PortalPaths paths)
{
    /// <summary>Version 1: output layout and manifest format of this adapter; part of every fingerprint.</summary>
    public const int SchemaVersion = 1;

    public string ArtifactRoot => paths.Artifacts;

    /// <summary>Accepts <c>us/2024.1.0</c> or <c>us@2024.1.0</c>.</summary>
    public static (string Country, string Version)? ParseRelease(string? value)
    {
        var text = value?.Trim() ?? "";
        var cut = text.IndexOfAny(['/', '@']);
        if (cut <= 0 || cut == text.Length - 1)
        {
            return null;
        }

        var country = text[..cut].ToLowerInvariant();
        var version = text[(cut + 1)..];
        return DataReleaseRules.IsCountry(country) && DataReleaseRules.IsVersion(version) ? (country, version) : null;
    }

    public async Task<Result<PublishSource>> ResolveAsync(string country, string version, CancellationToken ct = default)
    {
        var release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == country && r.Version == version, ct);
        if (release is null)
        {
            return Problem.NotFound($"Data release {country}@{version}");
        }

        var dataset = release.Artifacts.FirstOrDefault(a => a.Name == DataReleaseManifest.NationalArtifact);
        var calibration = release.Artifacts.FirstOrDefault(a => a.Name == DataReleaseManifest.CalibrationArtifact);
        if (dataset is null || calibration is null)
        {
            return Problem.Conflict($"{country}@{version} has no calibration package: area files are cut from the calibrated clones, so publish a release generated with clones > 0.");
        }

        var generator = System.Text.Json.Nodes.JsonNode.Parse(release.ManifestJson)?["generator"];
        var clones = (int?)generator?["clones"] ?? 0;
        var seed = (long?)generator?["seed"] ?? 0;
        var inputs = new PublishingInputs(
            $"{country}@{version}",
            new ArtifactRef(calibration.Name, calibration.Sha256, calibration.Path),
            new ArtifactRef(dataset.Name, dataset.Sha256, dataset.Path),
            clones,
            seed);
        return new PublishSource(country, version, inputs);
    }

    public SourceSnapshot Open(PublishSource source) => SourceSnapshot.Open(source.Inputs, paths.Artifacts);

    public static string Fingerprint(PublishSource source, SourceSnapshot snapshot, AreaCatalog catalog) =>
        PublishFingerprint.Compute(source.Inputs.Dataset.Sha256, source.Inputs.CalibrationPackage.Sha256, snapshot.GeographyChecksum, catalog.Version, SchemaVersion);

    /// <summary>Where a fingerprint's files live, relative to the artifact root (12 hex characters name the directory).</summary>
    public static string OutputDirFor(string country, string version, string fingerprint) =>
        $"published/{country}/{version}/{fingerprint[..Math.Min(12, fingerprint.Length)]}";

    public string FullPath(string relative) => Path.GetFullPath(Path.Combine(paths.Artifacts, relative));

    /// <summary>Every way a person may name an area: <c>state:CA</c>, <c>states/CA.h5</c>, <c>states/CA</c>.</summary>
    public static IEnumerable<string> Names(AreaBuildRequest area)
    {
        yield return area.Key;
        yield return area.OutputRelativePath;
        yield return area.OutputRelativePath.EndsWith(".h5", StringComparison.Ordinal) ? area.OutputRelativePath[..^3] : area.OutputRelativePath;
    }
}
