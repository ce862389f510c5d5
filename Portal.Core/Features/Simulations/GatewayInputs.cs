using System.Text.Json.Nodes;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// What a gateway job computes, as stored in <see cref="SimulationJob.RequestJson"/>: the canonical
/// region and year, the policies as sent, the options, plus what the request named (alias or
/// versions) for provenance. Budget-window years store only <c>{"year": …}</c> and read the rest
/// from their parent.
/// </summary>
public sealed record GatewayInputs(
    string Kind,
    string Country,
    string Region,
    int TimePeriod,
    JsonNode? Reform,
    JsonNode? Baseline,
    bool IncludeCliffs,
    string? Title,
    int? StartYear = null,
    int? WindowSize = null)
{
    public JsonObject ToJson(GatewayRequest request, ResolvedBundle resolved)
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["country"] = Country,
            ["region"] = Region,
            ["time_period"] = TimePeriod,
            ["reform"] = Reform?.DeepClone(),
            ["baseline"] = Baseline?.DeepClone(),
            ["options"] = new JsonObject { ["include_cliffs"] = IncludeCliffs },
            ["title"] = Title,
        };
        if (StartYear is { } start && WindowSize is { } size)
        {
            json["start_year"] = start;
            json["window_size"] = size;
            json["end_year"] = start + size - 1;
        }

        json["requested"] = new JsonObject
        {
            ["bundle"] = request.Bundle,
            ["version"] = request.Version,
            ["model_version"] = request.ModelVersion,
            ["data_version"] = request.DataVersion,
            ["data"] = request.Data,
            ["policyengine_version"] = request.PolicyEngineVersion,
            ["scope"] = request.Scope,
        };
        json["resolved_via"] = resolved.ViaAlias is null
            ? null
            : new JsonObject { ["alias"] = resolved.ViaAlias, ["alias_revision"] = resolved.AliasRevision };
        return json;
    }

    public static GatewayInputs Parse(string requestJson)
    {
        var json = JsonNode.Parse(requestJson) as JsonObject ?? throw new InvalidOperationException("The job's stored request is not a JSON object.");
        return new GatewayInputs(
            (string?)json["kind"] ?? "",
            (string?)json["country"] ?? "",
            (string?)json["region"] ?? "",
            (int?)json["time_period"] ?? 0,
            json["reform"]?.DeepClone(),
            json["baseline"]?.DeepClone(),
            (bool?)json["options"]?["include_cliffs"] ?? false,
            (string?)json["title"],
            (int?)json["start_year"],
            (int?)json["window_size"]);
    }

    /// <summary>The year a budget-window child computes.</summary>
    public static int ChildYear(string childRequestJson) =>
        (int?)(JsonNode.Parse(childRequestJson) as JsonObject)?["year"] ?? throw new InvalidOperationException("A budget-window year job without a year.");

    public static string ChildJson(int year) => new JsonObject { ["year"] = year }.ToJsonString();
}

/// <summary>The resolved bundle as every gateway response reports it (PolicyEngine's <c>policyengine_bundle</c> plus Portal's identity fields).</summary>
public sealed record PolicyEngineBundle(
    string BundleId,
    string DisplayId,
    string Country,
    string ModelVersion,
    string ModelSha256,
    string DataVersion,
    string ManifestRevision,
    string Dataset,
    string DatasetSha256,
    string EngineVersion)
{
    public static PolicyEngineBundle From(ExecutionBundle b) =>
        new(b.BundleId, b.DisplayId, b.Country, b.ModelVersion, b.ModelSha256, b.DataVersion, b.DataManifestRevision, b.Dataset, b.DatasetSha256, b.EngineVersion);

    public JsonObject ToJson() => new()
    {
        ["bundle_id"] = BundleId,
        ["display_id"] = DisplayId,
        ["country"] = Country,
        ["model_version"] = ModelVersion,
        ["model_sha256"] = ModelSha256,
        ["data_version"] = DataVersion,
        ["manifest_revision"] = ManifestRevision,
        ["dataset"] = Dataset,
        ["dataset_sha256"] = DatasetSha256,
        ["engine_version"] = EngineVersion,
    };
}
