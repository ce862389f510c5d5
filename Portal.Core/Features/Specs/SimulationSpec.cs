using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Specs;

/// <summary>One parameter change of a spec's reform: <c>{path, start, stop?, value}</c>; <see cref="Value"/> is a number or a boolean.</summary>
public sealed record SpecReformChange(string Path, DateOnly Start, DateOnly? Stop, JsonElement Value);

/// <summary>
/// What one simulation run computes: the shared contract of Sim (which generates it from a template)
/// and Engine (which runs it). It maps onto a gateway economy request: <c>country</c>, <c>bundle</c>,
/// <c>time_period</c>, <c>region</c>, <c>reform</c> (list form), plus <see cref="Outputs"/>, the
/// result sections the run keeps (see <see cref="SpecOutputs"/>).
/// </summary>
public sealed record SimulationSpec(
    string Country,
    string Bundle,
    int TimePeriod,
    string Region,
    IReadOnlyList<SpecReformChange> Reform,
    IReadOnlyList<string> Outputs)
{
    /// <summary>The reform in the list form <see cref="Engine.Reform.Parse(JsonNode?)"/> and the gateway accept.</summary>
    public JsonArray ReformJson()
    {
        var list = new JsonArray();
        foreach (var change in Reform)
        {
            var item = new JsonObject { ["path"] = change.Path, ["start"] = Date(change.Start) };
            if (change.Stop is { } stop)
            {
                item["stop"] = Date(stop);
            }

            item["value"] = JsonNode.Parse(change.Value.GetRawText());
            list.Add(item);
        }

        return list;
    }

    internal static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// The output names a spec may ask for and the economy result sections each keeps:
/// <c>budget</c> → <c>budget</c>, <c>detailed_budget</c>; <c>decile</c> → <c>decile</c>;
/// <c>poverty</c> → <c>poverty</c>, <c>poverty_by_gender</c>; <c>inequality</c> → <c>inequality</c>;
/// <c>winners_losers</c> → <c>intra_decile.all</c> (winner/loser shares over everyone);
/// <c>intra_decile</c> → <c>intra_decile</c> (shares per decile); <c>district</c> (US only) →
/// <c>congressional_district_impact</c>; <c>constituency</c> (UK only) → <c>constituency_impact</c>.
/// </summary>
public static class SpecOutputs
{
    public static IReadOnlyList<string> All { get; } =
        ["budget", "decile", "poverty", "inequality", "winners_losers", "intra_decile", "district", "constituency"];

    public static IReadOnlyDictionary<string, string[]> Sections { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["budget"] = ["budget", "detailed_budget"],
        ["decile"] = ["decile"],
        ["poverty"] = ["poverty", "poverty_by_gender"],
        ["inequality"] = ["inequality"],
        ["winners_losers"] = ["intra_decile.all"],
        ["intra_decile"] = ["intra_decile"],
        ["district"] = ["congressional_district_impact"],
        ["constituency"] = ["constituency_impact"],
    };

    /// <summary>Null when <paramref name="output"/> is allowed for <paramref name="country"/>, else why not.</summary>
    public static string? Check(string country, string output) => output switch
    {
        "district" when country != "us" => "'district' (congressional districts) exists only for country us.",
        "constituency" when country != "uk" => "'constituency' exists only for country uk.",
        _ when All.Contains(output, StringComparer.Ordinal) => null,
        _ => $"unknown output '{output}'; allowed: {string.Join(", ", All)}.",
    };
}
