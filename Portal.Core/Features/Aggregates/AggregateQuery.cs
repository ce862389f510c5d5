using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Aggregates;

public enum AggregateKind
{
    Sum,
    Mean,
    Count,
    Median,
}

/// <summary>A filter with its value resolved to the engine's encoding (enum names → indices, booleans → 0/1).</summary>
public sealed record ResolvedFilter(string Variable, double? Eq, double? Leq, double? Geq);

/// <summary>A validated aggregate: every name exists in the model and every value is in range.</summary>
public sealed record AggregateQuery(
    string Variable,
    AggregateKind Kind,
    string Entity,
    IReadOnlyList<ResolvedFilter> Filters,
    AggregateQuantile? Quantile,
    double? ChangeGeq = null,
    double? ChangeLeq = null)
{
    public static IReadOnlyList<string> Types { get; } = ["sum", "mean", "count", "median"];

    public string TypeName => Types[(int)Kind];

    /// <summary>
    /// Checks one aggregate against <paramref name="model"/>; problems go to <paramref name="validation"/>
    /// under <paramref name="prefix"/> (e.g. <c>[3].</c> in a list). Returns null when anything is wrong.
    /// </summary>
    public static AggregateQuery? Resolve(
        string prefix, string? variable, string? aggregateType, string? entity, IReadOnlyList<AggregateFilter>? filters, AggregateQuantile? quantile,
        CountryModel model, Validation validation)
    {
        var definition = FindVariable(prefix + "variable", variable, model, validation);
        var kindIndex = aggregateType is null ? -1 : Types.ToList().IndexOf(aggregateType);
        if (kindIndex < 0)
        {
            validation.Add(prefix + "aggregate_type", $"aggregate_type must be one of {string.Join(", ", Types)}.");
        }
        else if (definition?.ValueType == VariableValueType.Enum && kindIndex != (int)AggregateKind.Count)
        {
            validation.Add(prefix + "aggregate_type", $"'{definition.Name}' is an enum (one of {string.Join(", ", definition.PossibleValues)}); only count applies. Filter on it with eq instead.");
        }

        var target = entity ?? definition?.Entity;
        if (entity is not null && model.FindEntity(entity) is null)
        {
            validation.Add(prefix + "entity", $"Unknown entity '{entity}'{CloseMatches.Describe(entity, model.Entities.Select(e => e.Key))}; entities are {string.Join(", ", model.Entities.Select(e => e.Key))}.");
        }

        var resolved = new List<ResolvedFilter>();
        for (var i = 0; i < (filters?.Count ?? 0); i++)
        {
            if (ResolveFilter($"{prefix}filters[{i}].", filters![i], model, validation) is { } filter)
            {
                resolved.Add(filter);
            }
        }

        if (quantile is not null)
        {
            CheckQuantile(prefix + "quantile.", quantile, model, validation);
        }

        return validation.IsValid && definition is not null && target is not null
            ? new AggregateQuery(definition.Name, (AggregateKind)kindIndex, target, resolved, quantile)
            : null;
    }

    private static VariableDefinition? FindVariable(string field, string? name, CountryModel model, Validation validation)
    {
        if (string.IsNullOrEmpty(name))
        {
            validation.Add(field, "A variable name is required.");
            return null;
        }

        var definition = model.FindVariable(name);
        if (definition is null)
        {
            validation.Add(field, $"Unknown variable '{name}' in model {model.Country} {model.Version}{CloseMatches.Describe(name, model.Variables.Select(v => v.Name))}.");
        }

        return definition;
    }

    private static ResolvedFilter? ResolveFilter(string prefix, AggregateFilter filter, CountryModel model, Validation validation)
    {
        var definition = FindVariable(prefix + "variable", filter.Variable, model, validation);
        if (definition is null)
        {
            return null;
        }

        if (filter.Eq is null && filter.Leq is null && filter.Geq is null)
        {
            validation.Add(prefix.TrimEnd('.'), "A filter needs at least one of eq, leq, geq.");
            return null;
        }

        var isEnum = definition.ValueType == VariableValueType.Enum;
        if (isEnum && (filter.Leq is not null || filter.Geq is not null))
        {
            validation.Add(prefix + "variable", $"'{definition.Name}' is an enum; filter it with eq (one of {string.Join(", ", definition.PossibleValues)}).");
            return null;
        }

        double? eq = null;
        if (filter.Eq is not null)
        {
            eq = EqValue(filter.Eq, definition);
            if (eq is null)
            {
                validation.Add(prefix + "eq", isEnum
                    ? $"'{definition.Name}' is an enum: eq must be one of {string.Join(", ", definition.PossibleValues)}."
                    : $"eq must be a number or a boolean for '{definition.Name}'.");
                return null;
            }
        }

        return new ResolvedFilter(definition.Name, eq, filter.Leq, filter.Geq);
    }

    private static double? EqValue(JsonNode node, VariableDefinition definition)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String when definition.ValueType == VariableValueType.Enum =>
                definition.EnumIndex(value.GetValue<string>()) is var index and >= 0 ? index : null,
            JsonValueKind.Number when definition.ValueType != VariableValueType.Enum => value.GetValue<double>(),
            JsonValueKind.True or JsonValueKind.False when definition.ValueType != VariableValueType.Enum => value.GetValue<bool>() ? 1 : 0,
            _ => null,
        };
    }

    private static void CheckQuantile(string prefix, AggregateQuantile quantile, CountryModel model, Validation validation)
    {
        var definition = FindVariable(prefix + "variable", quantile.Variable, model, validation);
        if (definition?.ValueType == VariableValueType.Enum)
        {
            validation.Add(prefix + "variable", $"'{definition.Name}' is an enum; quantiles need a numeric variable.");
        }

        if (quantile.N is < 2 or > 1000)
        {
            validation.Add(prefix + "n", "n (the number of quantiles, e.g. 10 for deciles) must be between 2 and 1000.");
            return;
        }

        if (quantile.Eq is null && quantile.Leq is null && quantile.Geq is null)
        {
            validation.Add(prefix.TrimEnd('.'), "A quantile filter needs at least one of eq, leq, geq.");
        }

        foreach (var (name, k) in new[] { ("eq", quantile.Eq), ("leq", quantile.Leq), ("geq", quantile.Geq) })
        {
            validation.Require(k is null || (k >= 1 && k <= quantile.N), prefix + name, $"{name} must be a quantile number from 1 to {quantile.N}.");
        }
    }
}
