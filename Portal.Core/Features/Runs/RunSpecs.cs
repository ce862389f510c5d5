using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Runs;

/// <summary>
/// How Engine reads the spec contract (<see cref="SpecDocument"/>): the gateway request a spec runs as,
/// and the result sections it keeps. The spec's <c>bundle</c> may be an alias; a replay passes the
/// recorded full bundle id instead, so it runs on exactly the original bundle.
/// </summary>
public static class RunSpecs
{
    /// <summary>A stop-less reform change applies from its start on; the gateway's periods need an end.</summary>
    public const string OpenEnd = "2100-12-31";

    public static GatewayRequest ToGatewayRequest(SimulationSpec spec, string? bundleOverride, string runId, string? title) =>
        new(
            spec.Country,
            bundleOverride ?? spec.Bundle,
            null,
            null,
            null,
            null,
            spec.TimePeriod,
            ReformObject(spec),
            null,
            spec.Region,
            title,
            false,
            runId,
            null,
            null);

    /// <summary>The reform as the gateway's policy object: <c>{path: {"start.stop": value}}</c>.</summary>
    public static JsonObject ReformObject(SimulationSpec spec)
    {
        var reform = new JsonObject();
        foreach (var change in spec.Reform.OrderBy(c => c.Path, StringComparer.Ordinal).ThenBy(c => c.Start))
        {
            if (reform[change.Path] is not JsonObject periods)
            {
                periods = new JsonObject();
                reform[change.Path] = periods;
            }

            var stop = change.Stop is { } s ? SimulationSpec.Date(s) : OpenEnd;
            periods[$"{SimulationSpec.Date(change.Start)}.{stop}"] = JsonNode.Parse(change.Value.GetRawText());
        }

        return reform;
    }

    /// <summary>The result sections (dotted paths such as <c>intra_decile.all</c>) a stored spec keeps; empty outputs keep every section.</summary>
    public static IReadOnlyList<string>? Sections(string specYaml)
    {
        var parsed = SpecDocument.Parse(specYaml);
        if (!parsed.Succeeded || parsed.Value!.Spec.Outputs.Count == 0)
        {
            return null;
        }

        return [.. parsed.Value.Spec.Outputs.SelectMany(o => SpecOutputs.Sections.TryGetValue(o, out var s) ? s : [o]).Distinct(StringComparer.Ordinal)];
    }

    public static Result<SpecDocument> Parse(string yaml) => SpecDocument.Parse(yaml);
}
