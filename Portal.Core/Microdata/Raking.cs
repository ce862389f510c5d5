namespace Portal.Core.Microdata;

/// <summary>
/// One raking margin: each unit falls in one <paramref name="Cell"/> and contributes
/// <paramref name="Contribution"/> (persons, or 1 for a household count) times its weight.
/// </summary>
public sealed record RakingMargin(string Name, int[] Cell, double[]? Contribution, double[] Targets);

/// <summary>
/// Iterative proportional fitting (raking): scale the weights of every cell of one margin to its
/// target, then the next margin, until all margins agree. Margins must be mutually consistent
/// (same implied total), which the generators guarantee, so this converges geometrically.
/// </summary>
public static class Raking
{
    public static RakingReport Rake(double[] weights, IReadOnlyList<RakingMargin> margins, double tolerance = 1e-9, int maxIterations = 200)
    {
        var iterations = 0;
        var deviation = double.MaxValue;
        while (iterations < maxIterations && deviation > tolerance)
        {
            iterations++;
            foreach (var margin in margins)
            {
                var totals = Totals(weights, margin);
                var factors = new double[totals.Length];
                for (var c = 0; c < totals.Length; c++)
                {
                    // An empty cell cannot be scaled; it stays unmatched and the report shows it.
                    factors[c] = totals[c] > 0 ? margin.Targets[c] / totals[c] : 1;
                }

                for (var i = 0; i < weights.Length; i++)
                {
                    weights[i] *= factors[margin.Cell[i]];
                }
            }

            deviation = margins.Max(m => MaxRelativeDeviation(weights, m));
        }

        return new RakingReport(iterations, margins.ToDictionary(m => m.Name, m => MaxRelativeDeviation(weights, m)));
    }

    public static double[] Totals(double[] weights, RakingMargin margin)
    {
        var totals = new double[margin.Targets.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            totals[margin.Cell[i]] += weights[i] * (margin.Contribution?[i] ?? 1);
        }

        return totals;
    }

    public static double MaxRelativeDeviation(double[] weights, RakingMargin margin)
    {
        var totals = Totals(weights, margin);
        var max = 0.0;
        for (var c = 0; c < totals.Length; c++)
        {
            if (margin.Targets[c] > 0)
            {
                max = Math.Max(max, Math.Abs(totals[c] - margin.Targets[c]) / margin.Targets[c]);
            }
        }

        return max;
    }
}
