using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Bundles;

/// <summary>
/// The identity fields of an execution bundle and their canonical form: a JSON object with the
/// eight keys in ordinal order, no whitespace, strings as System.Text.Json writes them. The
/// bundle id is the lower-case hex sha256 of its UTF-8 bytes.
/// </summary>
public sealed record BundleIdentity(
    string Country,
    string ModelVersion,
    string ModelSha256,
    string DataVersion,
    string DataManifestRevision,
    string Dataset,
    string DatasetSha256,
    string EngineVersion)
{
    public const string DisplayPrefix = "bnd_";

    public string ToCanonicalJson()
    {
        // Keys in ordinal order; JsonObject keeps insertion order.
        var json = new JsonObject
        {
            ["country"] = Country,
            ["data_manifest_revision"] = DataManifestRevision,
            ["data_version"] = DataVersion,
            ["dataset"] = Dataset,
            ["dataset_sha256"] = DatasetSha256,
            ["engine_version"] = EngineVersion,
            ["model_sha256"] = ModelSha256,
            ["model_version"] = ModelVersion,
        };
        return json.ToJsonString();
    }

    public string BundleId => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToCanonicalJson())));

    public static string DisplayIdOf(string bundleId) => DisplayPrefix + bundleId[..16];

    /// <summary>The immutable row for this identity, with its certification outcome.</summary>
    public ExecutionBundle ToRow(bool certified, string certificationJson, DateTime createdUtc, string createdBy)
    {
        var id = BundleId;
        return new ExecutionBundle
        {
            BundleId = id,
            DisplayId = DisplayIdOf(id),
            Country = Country,
            ModelVersion = ModelVersion,
            ModelSha256 = ModelSha256,
            DataVersion = DataVersion,
            DataManifestRevision = DataManifestRevision,
            Dataset = Dataset,
            DatasetSha256 = DatasetSha256,
            EngineVersion = EngineVersion,
            CanonicalJson = ToCanonicalJson(),
            Certified = certified,
            CertificationJson = certificationJson,
            CreatedUtc = createdUtc,
            CreatedBy = createdBy,
        };
    }

    /// <summary>Portal's own version (the engine that runs bundles), from the assembly's informational version without build metadata.</summary>
    public static string CurrentEngineVersion { get; } = ReadEngineVersion();

    private static string ReadEngineVersion()
    {
        var informational = typeof(BundleIdentity).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        var version = informational ?? typeof(BundleIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
