using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.Policies;

/// <summary>A policy's changes in canonical form and their identity.</summary>
/// <param name="ChangesJson">List form, sorted by canonical path then start date, no whitespace.</param>
/// <param name="Hash">sha256 of the canonical JSON <c>{"changes":[…],"country":"us"}</c>.</param>
public sealed record CanonicalPolicy(string Country, IReadOnlyList<ParameterChange> Changes, string ChangesJson, string Hash);

/// <summary>
/// Turns a reform as clients write it (PolicyEngine's <c>{path: {"start.stop": value}}</c> or the list
/// form) into one canonical form, so that equal policies hash equally: every path resolved against
/// a model release to its canonical spelling (<c>gov.irs.x</c>, <c>scale[2].rate</c>), changes sorted
/// by path and start, numbers as System.Text.Json writes doubles. Periods of one parameter must not
/// overlap: otherwise the order of the input would decide the value and sorting would change it.
/// </summary>
public static class PolicyParameters
{
    public static Result<CanonicalPolicy> Canonicalize(string country, JsonNode? parameters, CountryModel model)
    {
        Dictionary<string, List<ParameterChange>> resolved;
        try
        {
            resolved = Reform.Parse(parameters).Resolve(model);
        }
        catch (ReformException e)
        {
            return Problem.Invalid(Field(e.JsonPath), $"{e.JsonPath}: {e.Reason}");
        }

        var changes = new List<ParameterChange>();
        foreach (var (path, list) in resolved.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var sorted = list.OrderBy(c => c.Start).ThenBy(c => c.Stop ?? DateOnly.MaxValue).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                var (before, after) = (sorted[i - 1], sorted[i]);
                if (before.Stop is null || after.Start <= before.Stop)
                {
                    return Problem.Invalid(Field(after.JsonPath),
                        $"{after.JsonPath}: the periods {Range(before)} and {Range(after)} of '{path}' overlap; give each date one value.");
                }
            }

            // -0 and 0 are the same change.
            changes.AddRange(sorted.Select(c => c with { Path = path, Value = c.Value == 0 ? 0 : c.Value }));
        }

        var json = new JsonArray([.. changes.Select(ToJson)]);
        var identity = new JsonObject { ["changes"] = json.DeepClone(), ["country"] = country };
        return new CanonicalPolicy(country, changes, json.ToJsonString(), DataReleaseManifest.Sha256Hex(DataReleaseManifest.Canonicalize(identity)));
    }

    /// <summary>The canonical changes as a reform the engine runs.</summary>
    public static Reform ToReform(string changesJson) => Reform.Parse(changesJson);

    /// <summary>PolicyEngine's policy JSON: <c>{path: {"start.stop": value}}</c> (just <c>"start"</c> when open-ended).</summary>
    public static JsonObject ToPolicyEngineMap(string changesJson)
    {
        var map = new JsonObject();
        foreach (var change in ToReform(changesJson).Changes)
        {
            if (map[change.Path] is not JsonObject periods)
            {
                map[change.Path] = periods = [];
            }

            periods[change.Stop is { } stop ? $"{Date(change.Start)}.{Date(stop)}" : Date(change.Start)] = change.Value;
        }

        return map;
    }

    private static JsonObject ToJson(ParameterChange change)
    {
        var json = new JsonObject { ["path"] = change.Path, ["start"] = Date(change.Start) };
        if (change.Stop is { } stop)
        {
            json["stop"] = Date(stop);
        }

        json["value"] = change.Value;
        return json;
    }

    private static string Range(ParameterChange change) => change.Stop is { } stop ? $"{Date(change.Start)}–{Date(stop)}" : Date(change.Start);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The request field a reform JSON path points into, e.g. <c>parameters['gov.x']</c>.</summary>
    private static string Field(string jsonPath) => "parameters" + (jsonPath.StartsWith('$') ? jsonPath[1..] : "." + jsonPath);
}
