using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Identity of a publish's inputs: sha256 (all 64 hex digits, never truncated) of the canonical JSON
/// <c>{"calibration_sha256","catalog_version","dataset_sha256","format","geography_checksum","schema_version"}</c>.
/// Same inputs → same fingerprint on any machine; any changed input changes it. Clone count and seed are
/// covered by the calibration package's bytes, so they are not separate components.
/// </summary>
public static class PublishFingerprint
{
    public const string Format = "portal-local-h5-fingerprint/1";

    /// <summary>Version of the area file layout; bump when what a file contains changes.</summary>
    public const int SchemaVersion = 1;

    public static string Compute(string datasetSha256, string calibrationSha256, string geographyChecksum, string catalogVersion, int schemaVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetSha256);
        ArgumentException.ThrowIfNullOrWhiteSpace(calibrationSha256);
        ArgumentException.ThrowIfNullOrWhiteSpace(geographyChecksum);
        ArgumentException.ThrowIfNullOrWhiteSpace(catalogVersion);
        var json = new JsonObject
        {
            ["calibration_sha256"] = calibrationSha256.ToLowerInvariant(),
            ["catalog_version"] = catalogVersion,
            ["dataset_sha256"] = datasetSha256.ToLowerInvariant(),
            ["format"] = Format,
            ["geography_checksum"] = geographyChecksum.ToLowerInvariant(),
            ["schema_version"] = schemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        return DataReleaseManifest.Sha256Hex(DataReleaseManifest.Canonicalize(json));
    }

    /// <summary>The fingerprint of an opened snapshot and its catalog at the current schema version.</summary>
    public static string Compute(SourceSnapshot source, AreaCatalog catalog) =>
        Compute(source.Inputs.Dataset.Sha256, source.Inputs.CalibrationPackage.Sha256, source.GeographyChecksum, catalog.Version, SchemaVersion);
}
