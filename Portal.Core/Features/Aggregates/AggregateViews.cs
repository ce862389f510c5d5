using System.Text.Json.Nodes;

namespace Portal.Core.Features.Aggregates;

/// <summary>The read schema of an aggregate. <see cref="Status"/> is always <c>completed</c>: rows are stored only once computed.</summary>
public sealed record AggregateView(
    string Id,
    string SimulationId,
    string BundleId,
    string Variable,
    string AggregateType,
    string Entity,
    JsonArray Filters,
    JsonObject? Quantile,
    double? Result,
    int SampleSize,
    string Status,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AggregateView Of(AggregateOutput a) => new(a.Id, a.SimulationId, a.BundleId, a.Variable, a.AggregateType, a.Entity,
        AggregateJson.Filters(a.FiltersJson), AggregateJson.Quantile(a.QuantileJson), a.Result, a.SampleSize, "completed", a.CreatedBy, a.CreatedUtc, a.UpdatedUtc);
}

/// <summary>The read schema of a change aggregate.</summary>
public sealed record ChangeAggregateView(
    string Id,
    string BaselineSimulationId,
    string ReformSimulationId,
    string BundleId,
    string Variable,
    string AggregateType,
    string Entity,
    JsonArray Filters,
    JsonObject? Quantile,
    double? ChangeGeq,
    double? ChangeLeq,
    double? Result,
    int SampleSize,
    string Status,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static ChangeAggregateView Of(ChangeAggregate a) => new(a.Id, a.BaselineSimulationId, a.ReformSimulationId, a.BundleId, a.Variable,
        a.AggregateType, a.Entity, AggregateJson.Filters(a.FiltersJson), AggregateJson.Quantile(a.QuantileJson), a.ChangeGeq, a.ChangeLeq,
        a.Result, a.SampleSize, "completed", a.CreatedBy, a.CreatedUtc, a.UpdatedUtc);
}

/// <summary>Filters and quantile filters as stored and served (absent members left out).</summary>
internal static class AggregateJson
{
    public static string ToJson(IReadOnlyList<AggregateFilter>? filters) => new JsonArray([.. (filters ?? []).Select(f =>
    {
        var json = new JsonObject { ["variable"] = f.Variable };
        if (f.Eq is not null)
        {
            json["eq"] = f.Eq.DeepClone();
        }

        if (f.Leq is { } leq)
        {
            json["leq"] = leq;
        }

        if (f.Geq is { } geq)
        {
            json["geq"] = geq;
        }

        return (JsonNode)json;
    })]).ToJsonString();

    public static string? ToJson(AggregateQuantile? quantile)
    {
        if (quantile is null)
        {
            return null;
        }

        var json = new JsonObject { ["variable"] = quantile.Variable, ["n"] = quantile.N };
        foreach (var (name, k) in new[] { ("eq", quantile.Eq), ("leq", quantile.Leq), ("geq", quantile.Geq) })
        {
            if (k is not null)
            {
                json[name] = k;
            }
        }

        return json.ToJsonString();
    }

    public static JsonArray Filters(string json) => JsonNode.Parse(json)!.AsArray();

    public static JsonObject? Quantile(string? json) => json is null ? null : JsonNode.Parse(json)!.AsObject();
}
