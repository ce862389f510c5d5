using System.Text.Json.Nodes;

namespace Portal.Core.Features.Aggregates;

/// <summary>Keep rows whose <see cref="Variable"/> (mapped to the aggregate's entity) equals <see cref="Eq"/> and/or lies within [<see cref="Geq"/>, <see cref="Leq"/>].</summary>
/// <param name="Eq">A number, a boolean, or for an enum variable the name of one of its values.</param>
public sealed record AggregateFilter(string Variable, JsonNode? Eq = null, double? Leq = null, double? Geq = null);

/// <summary>
/// Keep rows by weighted <see cref="N"/>-quantile of <see cref="Variable"/> over the whole
/// population of the entity: <see cref="Eq"/> k is the k-th quantile (1 = lowest), <see cref="Leq"/>
/// k the lowest k, <see cref="Geq"/> k the k-th and above.
/// </summary>
public sealed record AggregateQuantile(string Variable, int N, int? Eq = null, int? Leq = null, int? Geq = null);

/// <summary>The create schema of an aggregate.</summary>
/// <param name="AggregateType">sum | mean | count | median; all weighted by the entity's weight.</param>
/// <param name="Entity">The entity to aggregate over; default the variable's own.</param>
public sealed record AggregateRequest(
    string SimulationId,
    string Variable,
    string AggregateType,
    string? Entity = null,
    IReadOnlyList<AggregateFilter>? Filters = null,
    AggregateQuantile? Quantile = null);

/// <summary>The create schema of a change aggregate: a statistic of reform − baseline per row.</summary>
/// <param name="Filters">Applied to baseline values.</param>
/// <param name="ChangeGeq">Keep rows whose change is at least this.</param>
/// <param name="ChangeLeq">Keep rows whose change is at most this.</param>
public sealed record ChangeAggregateRequest(
    string BaselineSimulationId,
    string ReformSimulationId,
    string Variable,
    string AggregateType,
    string? Entity = null,
    IReadOnlyList<AggregateFilter>? Filters = null,
    AggregateQuantile? Quantile = null,
    double? ChangeGeq = null,
    double? ChangeLeq = null);
