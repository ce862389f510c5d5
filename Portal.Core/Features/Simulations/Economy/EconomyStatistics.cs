namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// The weighted statistics of an economy comparison, as small functions over arrays so each can be
/// checked by hand. Ties are broken by row order, so results never depend on sort stability.
/// </summary>
internal static class EconomyStatistics
{
    /// <summary>Winner/loser bands on relative income change, lower bound exclusive, upper inclusive (PolicyEngine's bounds).</summary>
    public static readonly string[] OutcomeLabels = ["Lose more than 5%", "Lose less than 5%", "No change", "Gain less than 5%", "Gain more than 5%"];

    private const double Small = 1e-3;
    private const double Large = 0.05;

    /// <summary>Guards the rank arithmetic against a cumulative share landing a rounding error above a boundary.</summary>
    private const double RankTolerance = 1e-9;

    /// <summary>Band index into <see cref="OutcomeLabels"/>: (−∞, −5%], (−5%, −0.1%], (−0.1%, 0.1%], (0.1%, 5%], (5%, ∞).</summary>
    public static int Outcome(double relativeChange) => relativeChange switch
    {
        <= -Large => 0,
        <= -Small => 1,
        <= Small => 2,
        <= Large => 3,
        _ => 4,
    };

    /// <summary>Relative change of a household's net income: (reform − baseline) / max(baseline, 1).</summary>
    public static double RelativeChange(double baseline, double reform) => (reform - baseline) / Math.Max(baseline, 1);

    public static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;

    /// <summary>Rows sorted by value, ties in row order (NaN first).</summary>
    public static int[] Order(double[] values)
    {
        var keys = (double[])values.Clone();
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Primitive keys sort several times faster than a comparison delegate; the unstable sort's
        // ties are then put back in row order, so the result depends on the values only.
        Array.Sort(keys, order);
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end].Equals(keys[start]))
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }

        return order;
    }

    /// <summary>
    /// Weighted quantile rank of each row in 1..<paramref name="groups"/>: ceil(groups × cumulative
    /// weight up to and including the row / total weight), like microdf's <c>decile_rank</c>.
    /// </summary>
    public static int[] QuantileRanks(double[] values, double[] weights, int groups) => RanksInOrder(Order(values), weights, groups);

    /// <summary><see cref="QuantileRanks(double[], double[], int)"/> with the rows already in <see cref="Order"/>.</summary>
    public static int[] RanksInOrder(int[] order, double[] weights, int groups)
    {
        var ranks = new int[order.Length];
        var total = weights.Sum();
        var cumulative = 0.0;
        foreach (var row in order)
        {
            cumulative += weights[row];
            var rank = total == 0 ? 1 : (int)Math.Ceiling((cumulative * groups / total) - RankTolerance);
            ranks[row] = Math.Clamp(rank, 1, groups);
        }

        return ranks;
    }

    /// <summary>
    /// Income deciles 1–10 of households ranked by <paramref name="equivalisedIncome"/> with person
    /// weights; households with negative income keep their place in the ranking but get decile 0
    /// (left out of decile tables, as PolicyEngine's <c>household_income_decile</c> does with −1).
    /// </summary>
    public static int[] IncomeDeciles(double[] equivalisedIncome, double[] personWeights)
    {
        var deciles = QuantileRanks(equivalisedIncome, personWeights, 10);
        for (var i = 0; i < deciles.Length; i++)
        {
            if (equivalisedIncome[i] < 0)
            {
                deciles[i] = 0;
            }
        }

        return deciles;
    }

    /// <summary>Weighted Gini coefficient (area between the Lorenz curve and the diagonal, doubled).</summary>
    public static double Gini(double[] values, double[] weights) => Gini(values, weights, Order(values));

    public static double Gini(double[] values, double[] weights, int[] order)
    {
        double cumulativeWeight = 0, cumulativeIncome = 0, area = 0;
        foreach (var row in order)
        {
            var w = weights[row];
            var previousIncome = cumulativeIncome;
            cumulativeWeight += w;
            cumulativeIncome += values[row] * w;
            area += w * (previousIncome + cumulativeIncome);
        }

        return cumulativeIncome == 0 || cumulativeWeight == 0 ? 0 : 1 - (area / (cumulativeWeight * cumulativeIncome));
    }

    /// <summary>
    /// Share of total weighted income held by the top quantile: rows whose quantile rank among
    /// <paramref name="groups"/> is the highest (groups 10 = top 10%, 100 = top 1%).
    /// </summary>
    public static double TopShare(double[] values, double[] weights, int groups) => TopShare(values, weights, groups, Order(values));

    public static double TopShare(double[] values, double[] weights, int groups, int[] order)
    {
        var ranks = RanksInOrder(order, weights, groups);
        double top = 0, total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var income = values[i] * weights[i];
            total += income;
            if (ranks[i] == groups)
            {
                top += income;
            }
        }

        return Ratio(top, total);
    }

    /// <summary>
    /// Per decile 1–10: average = Σ w·Δ / Σ w, relative = Σ w·Δ / Σ w·baseline (household weights;
    /// decile 0 rows are left out). Empty deciles give 0.
    /// </summary>
    public static (double[] Average, double[] Relative) DecileChanges(double[] baseline, double[] reform, double[] weights, int[] deciles)
    {
        var change = new double[11];
        var weight = new double[11];
        var income = new double[11];
        for (var i = 0; i < baseline.Length; i++)
        {
            var d = deciles[i];
            change[d] += (reform[i] - baseline[i]) * weights[i];
            weight[d] += weights[i];
            income[d] += baseline[i] * weights[i];
        }

        var average = new double[10];
        var relative = new double[10];
        for (var d = 1; d <= 10; d++)
        {
            average[d - 1] = Ratio(change[d], weight[d]);
            relative[d - 1] = Ratio(change[d], income[d]);
        }

        return (average, relative);
    }

    /// <summary>
    /// Share of people in each decile (1–10) in each outcome band; <c>All</c> is the simple mean of the
    /// ten deciles, as PolicyEngine reports it. <paramref name="people"/> = household weight × members.
    /// </summary>
    public static (double[][] Deciles, double[] All) IntraDecile(double[] baseline, double[] reform, double[] people, int[] deciles)
    {
        var inBand = new double[OutcomeLabels.Length, 11];
        var inDecile = new double[11];
        for (var i = 0; i < baseline.Length; i++)
        {
            inBand[Outcome(RelativeChange(baseline[i], reform[i])), deciles[i]] += people[i];
            inDecile[deciles[i]] += people[i];
        }

        var shares = new double[OutcomeLabels.Length][];
        var all = new double[OutcomeLabels.Length];
        for (var band = 0; band < OutcomeLabels.Length; band++)
        {
            shares[band] = new double[10];
            for (var d = 1; d <= 10; d++)
            {
                shares[band][d - 1] = Ratio(inBand[band, d], inDecile[d]);
            }

            all[band] = shares[band].Sum() / 10;
        }

        return (shares, all);
    }

    /// <summary>
    /// Weighted mean of a 0/1 flag within each group 0..<paramref name="groups"/>−1 (rows' group in
    /// <paramref name="group"/>), then over all rows at index <paramref name="groups"/>; 0 for an empty group.
    /// </summary>
    public static double[] GroupRates(double[] flags, double[] weights, int[] group, int groups)
    {
        var hit = new double[groups + 1];
        var total = new double[groups + 1];
        for (var i = 0; i < flags.Length; i++)
        {
            var w = weights[i];
            total[group[i]] += w;
            hit[group[i]] += flags[i] != 0 ? w : 0;
        }

        hit[groups] = hit[..groups].Sum();
        total[groups] = total[..groups].Sum();
        var rates = new double[groups + 1];
        for (var g = 0; g <= groups; g++)
        {
            rates[g] = Ratio(hit[g], total[g]);
        }

        return rates;
    }
}
