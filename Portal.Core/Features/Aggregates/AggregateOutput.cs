namespace Portal.Core.Features.Aggregates;

/// <summary>
/// One computed statistic of one completed v2 simulation (the <c>aggregates</c> resource), stored
/// with everything that defines it. Computed synchronously when requested, so every row has its result.
/// </summary>
public sealed class AggregateOutput
{
    /// <summary>Public id, <c>agg_</c> + 26 base32 characters.</summary>
    public string Id { get; set; } = "";

    public string SimulationId { get; set; } = "";

    /// <summary>The simulation's bundle, kept here so a result can be traced without the job row.</summary>
    public string BundleId { get; set; } = "";

    public string Variable { get; set; } = "";

    /// <summary>sum | mean | count | median.</summary>
    public string AggregateType { get; set; } = "";

    /// <summary>The entity the statistic is taken over (the variable's own when the request named none).</summary>
    public string Entity { get; set; } = "";

    /// <summary>The filters as requested: <c>[{variable, eq?, leq?, geq?}]</c>.</summary>
    public string FiltersJson { get; set; } = "[]";

    /// <summary><c>{variable, n, eq?, leq?, geq?}</c> or null.</summary>
    public string? QuantileJson { get; set; }

    /// <summary>Null for the mean or median of nothing (no row passed the filters).</summary>
    public double? Result { get; set; }

    /// <summary>Microdata rows that passed the filters (unweighted).</summary>
    public int SampleSize { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime UpdatedUtc { get; set; }
}

/// <summary>
/// A statistic of the per-row change reform − baseline between two completed v2 simulations of the
/// same bundle, period and region (the <c>change_aggregates</c> resource).
/// </summary>
public sealed class ChangeAggregate
{
    /// <summary>Public id, <c>chg_</c> + 26 base32 characters.</summary>
    public string Id { get; set; } = "";

    public string BaselineSimulationId { get; set; } = "";

    public string ReformSimulationId { get; set; } = "";

    public string BundleId { get; set; } = "";

    public string Variable { get; set; } = "";

    public string AggregateType { get; set; } = "";

    public string Entity { get; set; } = "";

    /// <summary>Filters on baseline values.</summary>
    public string FiltersJson { get; set; } = "[]";

    public string? QuantileJson { get; set; }

    public double? ChangeGeq { get; set; }

    public double? ChangeLeq { get; set; }

    public double? Result { get; set; }

    public int SampleSize { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime UpdatedUtc { get; set; }
}
