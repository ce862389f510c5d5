using System.Text.Json.Nodes;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.V2;

/// <summary>
/// What a v2 simulation job runs, stored as its request JSON: the policy's canonical changes are
/// copied in, so the job never depends on anything but its own row and its bundle.
/// </summary>
/// <param name="Changes">The policy's canonical list-form changes (<c>[]</c> for current law).</param>
/// <param name="Bundle">The bundle reference as the client wrote it (id, display id or alias).</param>
public sealed record V2SimulationInputs(
    string? PolicyId,
    string? PolicyHash,
    string Changes,
    int TimePeriod,
    string Region,
    string Bundle,
    string? ViaAlias,
    long? AliasRevision)
{
    /// <summary>Cache-key stand-in for "no policy" (an empty policy is the same computation).</summary>
    public const string CurrentLaw = "current_law";

    public bool IsCurrentLaw => PolicyHash is null || Changes == "[]";

    /// <summary>sha256 of {bundle_id, kind, policy hash, region, time_period}: what makes two simulations the same computation.</summary>
    public string CacheKey(string bundleId)
    {
        var identity = new JsonObject
        {
            ["bundle_id"] = bundleId,
            ["kind"] = "v2_simulation",
            ["policy"] = IsCurrentLaw ? CurrentLaw : PolicyHash,
            ["region"] = Region,
            ["time_period"] = TimePeriod,
        };
        return DataReleaseManifest.Sha256Hex(DataReleaseManifest.Canonicalize(identity));
    }

    public string ToJson() => new JsonObject
    {
        ["policy_id"] = PolicyId,
        ["policy_hash"] = PolicyHash,
        ["reform"] = JsonNode.Parse(Changes),
        ["time_period"] = TimePeriod,
        ["region"] = Region,
        ["bundle"] = Bundle,
        ["via_alias"] = ViaAlias,
        ["alias_revision"] = AliasRevision,
    }.ToJsonString();

    public static V2SimulationInputs Parse(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        return new V2SimulationInputs(
            (string?)root["policy_id"],
            (string?)root["policy_hash"],
            root["reform"]?.ToJsonString() ?? "[]",
            (int)root["time_period"]!,
            (string)root["region"]!,
            (string?)root["bundle"] ?? "",
            (string?)root["via_alias"],
            (long?)root["alias_revision"]);
    }
}
