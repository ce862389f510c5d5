namespace Portal.Core.Features.Aggregates;

/// <summary>Survey-weighted statistics over the rows a mask keeps.</summary>
public static class WeightedStatistics
{
    public static double Sum(double[] values, double[] weights, bool[] keep)
    {
        var total = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            if (keep[i])
            {
                total += values[i] * weights[i];
            }
        }

        return total;
    }

    /// <summary>The population the kept rows represent: the sum of their weights.</summary>
    public static double Count(double[] weights, bool[] keep)
    {
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (keep[i])
            {
                total += weights[i];
            }
        }

        return total;
    }

    /// <summary>Null when the kept rows weigh nothing.</summary>
    public static double? Mean(double[] values, double[] weights, bool[] keep)
    {
        var count = Count(weights, keep);
        return count > 0 ? Sum(values, weights, keep) / count : null;
    }

    /// <summary>
    /// The weighted median as microdf (PolicyEngine) computes it: rows sorted by value, each placed
    /// at the middle of its weight on the cumulative-weight scale, linearly interpolated at one half
    /// (so equal weights give the ordinary median). Rows of zero weight take no part; null when none is left.
    /// </summary>
    public static double? Median(double[] values, double[] weights, bool[] keep)
    {
        var rows = Enumerable.Range(0, values.Length).Where(i => keep[i] && weights[i] > 0).OrderBy(i => values[i]).ToArray();
        if (rows.Length == 0)
        {
            return null;
        }

        var total = rows.Sum(i => weights[i]);
        var cumulative = 0.0;
        var previousPosition = double.NaN;
        var previousValue = double.NaN;
        foreach (var i in rows)
        {
            var position = (cumulative + (weights[i] / 2)) / total;
            cumulative += weights[i];
            if (position >= 0.5)
            {
                return double.IsNaN(previousPosition) || position == previousPosition
                    ? values[i]
                    : previousValue + ((values[i] - previousValue) * (0.5 - previousPosition) / (position - previousPosition));
            }

            (previousPosition, previousValue) = (position, values[i]);
        }

        return values[rows[^1]];
    }

    /// <summary>
    /// Each row's weighted <paramref name="n"/>-quantile (1 = lowest): one plus how many whole
    /// n-ths of the total weight lie strictly below the row's value (a hair of tolerance so that
    /// summing weights cannot push a boundary row down). Equal values share a quantile, and each row
    /// is in exactly one.
    /// </summary>
    public static int[] QuantileOf(double[] values, double[] weights, int n)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var total = weights.Sum();
        var result = new int[values.Length];
        var below = 0.0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            var tied = 0.0;
            while (end < order.Length && values[order[end]] == values[order[start]])
            {
                tied += weights[order[end]];
                end++;
            }

            var quantile = total > 0 ? Math.Min(n, (int)Math.Floor((n * below / total) + 1e-9) + 1) : 1;
            for (var k = start; k < end; k++)
            {
                result[order[k]] = quantile;
            }

            below += tied;
            start = end;
        }

        return result;
    }
}
