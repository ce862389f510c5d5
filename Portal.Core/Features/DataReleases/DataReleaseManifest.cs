using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.DataReleases;

/// <summary>One file of a release as the manifest lists it.</summary>
public sealed record ManifestArtifact(string Name, string Path, string Sha256, long SizeBytes, IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// What a data release contains. Its canonical JSON (object keys sorted by ordinal, no whitespace,
/// artifacts sorted by name) is hashed with sha256 to give the manifest revision: the same content
/// always yields the same revision, on any machine.
/// </summary>
public sealed record DataReleaseManifest(
    string Country,
    string Version,
    int Period,
    IReadOnlyList<ManifestArtifact> Artifacts,
    IReadOnlyDictionary<string, JsonNode?> Generator)
{
    public const string Format = "portal-data-release/1";

    public const string NationalArtifact = "national";

    public const string CalibrationArtifact = "calibration";

    public JsonObject ToJson()
    {
        var artifacts = new JsonArray();
        foreach (var a in Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var rows = new JsonObject();
            foreach (var (entity, count) in a.Rows)
            {
                rows[entity] = count;
            }

            artifacts.Add(new JsonObject
            {
                ["name"] = a.Name,
                ["path"] = a.Path,
                ["rows"] = rows,
                ["sha256"] = a.Sha256,
                ["size_bytes"] = a.SizeBytes,
            });
        }

        var generator = new JsonObject();
        foreach (var (key, value) in Generator)
        {
            generator[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["artifacts"] = artifacts,
            ["country"] = Country,
            ["format"] = Format,
            ["generator"] = generator,
            ["period"] = Period,
            ["version"] = Version,
        };
    }

    public string ToCanonicalJson() => Canonicalize(ToJson());

    public string Revision => Sha256Hex(ToCanonicalJson());

    public static DataReleaseManifest Parse(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("The manifest is not a JSON object.");
        var artifacts = root["artifacts"]!.AsArray().Select(a => new ManifestArtifact(
            (string)a!["name"]!,
            (string)a["path"]!,
            (string)a["sha256"]!,
            (long)a["size_bytes"]!,
            a["rows"]!.AsObject().ToDictionary(r => r.Key, r => (long)r.Value!, StringComparer.Ordinal))).ToList();
        var generator = (root["generator"] as JsonObject ?? []).ToDictionary(g => g.Key, g => g.Value?.DeepClone(), StringComparer.Ordinal);
        return new DataReleaseManifest((string)root["country"]!, (string)root["version"]!, (int)root["period"]!, artifacts, generator);
    }

    /// <summary>Sorted keys at every level, no insignificant whitespace.</summary>
    public static string Canonicalize(JsonNode node) => Sorted(node)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
