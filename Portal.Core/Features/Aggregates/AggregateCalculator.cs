using Portal.Core.Engine;

namespace Portal.Core.Features.Aggregates;

/// <param name="SampleSize">Microdata rows kept by the filters (unweighted).</param>
public sealed record AggregateValue(double? Result, int SampleSize);

/// <summary>
/// Computes aggregates on simulations: every column (the variable, each filter's variable, the
/// quantile variable, the weights) is first expressed per instance of the aggregate's entity
/// (<see cref="EntityMapping"/>), the filters and quantile filter keep rows, and the statistic is
/// weighted by the entity's weight variable (1 per row for an entity without one).
/// </summary>
public static class AggregateCalculator
{
    public static AggregateValue Compute(Simulation simulation, AggregateQuery query)
    {
        var values = Column(simulation, query.Variable, query.Entity);
        var weights = Weights(simulation, query.Entity);
        return Reduce(query.Kind, values, weights, Keep(simulation, query, weights));
    }

    /// <summary>The statistic of reform − baseline per row; filters, quantiles and weights come from the baseline.</summary>
    public static AggregateValue ComputeChange(Simulation baseline, Simulation reform, AggregateQuery query)
    {
        if (!ReferenceEquals(baseline.Population, reform.Population) && baseline.Population.Count(query.Entity) != reform.Population.Count(query.Entity))
        {
            throw new EntityMappingException("The two simulations do not cover the same rows.");
        }

        var before = Column(baseline, query.Variable, query.Entity);
        var after = Column(reform, query.Variable, query.Entity);
        var change = new double[before.Length];
        for (var i = 0; i < change.Length; i++)
        {
            change[i] = after[i] - before[i];
        }

        var weights = Weights(baseline, query.Entity);
        var keep = Keep(baseline, query, weights);
        for (var i = 0; i < keep.Length; i++)
        {
            keep[i] &= (query.ChangeGeq is not { } low || change[i] >= low) && (query.ChangeLeq is not { } high || change[i] <= high);
        }

        return Reduce(query.Kind, change, weights, keep);
    }

    /// <summary>The variable's values per instance of <paramref name="entity"/>.</summary>
    public static double[] Column(Simulation simulation, string variable, string entity)
    {
        var definition = simulation.Model.FindVariable(variable) ?? throw new SimulationException($"unknown variable '{variable}'");
        return EntityMapping.Map(simulation.Population, simulation.Calculate(variable), definition.Entity, entity, variable,
            additive: definition.ValueType != VariableValueType.Enum);
    }

    public static double[] Weights(Simulation simulation, string entity)
    {
        var weight = simulation.Model.FindEntity(entity)!.WeightVariable;
        if (weight is not null)
        {
            return Column(simulation, weight, entity);
        }

        var ones = new double[simulation.Population.Count(entity)];
        Array.Fill(ones, 1.0);
        return ones;
    }

    private static bool[] Keep(Simulation simulation, AggregateQuery query, double[] weights)
    {
        var keep = new bool[weights.Length];
        Array.Fill(keep, true);
        foreach (var filter in query.Filters)
        {
            var column = Column(simulation, filter.Variable, query.Entity);
            for (var i = 0; i < keep.Length; i++)
            {
                var v = column[i];
                keep[i] &= (filter.Eq is not { } eq || v == eq) && (filter.Leq is not { } leq || v <= leq) && (filter.Geq is not { } geq || v >= geq);
            }
        }

        if (query.Quantile is { } quantile)
        {
            var ranks = WeightedStatistics.QuantileOf(Column(simulation, quantile.Variable, query.Entity), weights, quantile.N);
            for (var i = 0; i < keep.Length; i++)
            {
                var k = ranks[i];
                keep[i] &= (quantile.Eq is not { } eq || k == eq) && (quantile.Leq is not { } leq || k <= leq) && (quantile.Geq is not { } geq || k >= geq);
            }
        }

        return keep;
    }

    private static AggregateValue Reduce(AggregateKind kind, double[] values, double[] weights, bool[] keep)
    {
        var sample = keep.Count(k => k);
        var result = kind switch
        {
            AggregateKind.Sum => WeightedStatistics.Sum(values, weights, keep),
            AggregateKind.Count => WeightedStatistics.Count(weights, keep),
            AggregateKind.Mean => WeightedStatistics.Mean(values, weights, keep),
            AggregateKind.Median => WeightedStatistics.Median(values, weights, keep),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return new AggregateValue(result, sample);
    }
}
