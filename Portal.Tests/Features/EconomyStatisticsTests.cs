using Portal.Core.Features.Simulations.Economy;

namespace Portal.Tests.Features;

/// <summary>The comparison's statistics on arrays small enough to check by hand.</summary>
public sealed class EconomyStatisticsTests
{
    private static double[] Ones(int n) => Enumerable.Repeat(1.0, n).ToArray();

    [Fact]
    public void Gini_of_hand_checked_distributions()
    {
        // Mean absolute difference over all ordered pairs / (2 × mean): 20/16 / 5 = 0.25.
        Assert.Equal(0.25, EconomyStatistics.Gini([1, 2, 3, 4], Ones(4)), 12);
        Assert.Equal(0.25, EconomyStatistics.Gini([4, 1, 3, 2], Ones(4)), 12);
        Assert.Equal(0, EconomyStatistics.Gini([5, 5, 5], Ones(3)), 12);

        // One person holds everything: (n − 1) / n.
        Assert.Equal(0.75, EconomyStatistics.Gini([0, 0, 0, 8], Ones(4)), 12);

        // A weight of 2 is the same as a duplicated row: [1, 1, 3] → pairs |1−3| ×4 = 8 / 9 / (2 × 5/3) = 0.2667.
        Assert.Equal(EconomyStatistics.Gini([1, 1, 3], Ones(3)), EconomyStatistics.Gini([1, 3], [2, 1]), 12);
        Assert.Equal(4.0 / 15, EconomyStatistics.Gini([1, 3], [2, 1]), 12);
        Assert.Equal(0, EconomyStatistics.Gini([0, 0], Ones(2)));
    }

    [Fact]
    public void Quantile_ranks_and_top_shares()
    {
        double[] values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
        Assert.Equal([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], EconomyStatistics.QuantileRanks(values, Ones(10), 10));

        // Top 10% of 1..10 is the 10: 10 / 55. The top 1% (percentile 100) is the same row.
        Assert.Equal(10.0 / 55, EconomyStatistics.TopShare(values, Ones(10), 10), 12);
        Assert.Equal(10.0 / 55, EconomyStatistics.TopShare(values, Ones(10), 100), 12);

        // Weights: the richest row carries 30% of the weight, so it alone is in deciles 8–10 → rank 10;
        // the others share the bottom 70%: cumulative 0.1 … 0.7.
        double[] weights = [3, 1, 1, 1, 1, 1, 1, 1];
        double[] incomes = [100, 1, 2, 3, 4, 5, 6, 7];
        Assert.Equal([10, 1, 2, 3, 4, 5, 6, 7], EconomyStatistics.QuantileRanks(incomes, weights, 10));
        Assert.Equal(300.0 / 328, EconomyStatistics.TopShare(incomes, weights, 10), 12);

        // Ties keep row order, so equal incomes split across a boundary deterministically.
        Assert.Equal([5, 10], EconomyStatistics.QuantileRanks([1, 1], Ones(2), 10));
    }

    [Fact]
    public void Income_deciles_drop_negative_households_after_ranking()
    {
        double[] income = [-50, 10, 20, 30, 40, 50, 60, 70, 80, 90];
        Assert.Equal([0, 2, 3, 4, 5, 6, 7, 8, 9, 10], EconomyStatistics.IncomeDeciles(income, Ones(10)));
    }

    [Fact]
    public void Decile_changes_average_by_household_weight_and_relate_to_baseline_income()
    {
        double[] baseline = [100, 200, 1000];
        double[] reform = [110, 200, 900];
        double[] weights = [1, 3, 2];
        int[] deciles = [1, 1, 10];
        var (average, relative) = EconomyStatistics.DecileChanges(baseline, reform, weights, deciles);

        // Decile 1: Δ = 10×1 + 0×3 = 10 over weight 4 → 2.5; relative 10 / (100 + 600) = 1/70.
        Assert.Equal(2.5, average[0], 12);
        Assert.Equal(1.0 / 70, relative[0], 12);
        Assert.Equal(-100, average[9], 12);
        Assert.Equal(-0.1, relative[9], 12);
        Assert.All(average[1..9], v => Assert.Equal(0, v));
        Assert.All(relative[1..9], v => Assert.Equal(0, v));
    }

    [Fact]
    public void Outcome_bands_follow_policyengine_bounds()
    {
        Assert.Equal(0, EconomyStatistics.Outcome(-0.06));
        Assert.Equal(0, EconomyStatistics.Outcome(-0.05));
        Assert.Equal(1, EconomyStatistics.Outcome(-0.01));
        Assert.Equal(1, EconomyStatistics.Outcome(-0.001));
        Assert.Equal(2, EconomyStatistics.Outcome(0));
        Assert.Equal(2, EconomyStatistics.Outcome(0.001));
        Assert.Equal(3, EconomyStatistics.Outcome(0.0011));
        Assert.Equal(3, EconomyStatistics.Outcome(0.05));
        Assert.Equal(4, EconomyStatistics.Outcome(0.051));

        // Baseline income is floored at 1 so a zero-income household does not divide by zero.
        Assert.Equal(100, EconomyStatistics.RelativeChange(0, 100));
        Assert.Equal(0.1, EconomyStatistics.RelativeChange(1000, 1100), 12);
    }

    [Fact]
    public void Intra_decile_shares_are_person_weighted_and_all_is_the_mean_of_ten_deciles()
    {
        // Decile 1: a 2-person household gains 10% and a 1-person household loses 1%;
        // decile 2: one person, no change. Deciles 3–10 are empty (shares 0).
        double[] baseline = [100, 100, 100];
        double[] reform = [110, 99, 100];
        double[] people = [2, 1, 1];
        int[] deciles = [1, 1, 2];
        var (shares, all) = EconomyStatistics.IntraDecile(baseline, reform, people, deciles);
        Assert.Equal(2.0 / 3, shares[4][0], 12);    // Gain more than 5%
        Assert.Equal(1.0 / 3, shares[1][0], 12);    // Lose less than 5%
        Assert.Equal(1, shares[2][1]);              // No change
        Assert.All(shares, band => Assert.All(band[2..], v => Assert.Equal(0, v)));
        Assert.Equal(2.0 / 30, all[4], 12);
        Assert.Equal(1.0 / 30, all[1], 12);
        Assert.Equal(0.1, all[2], 12);
        Assert.Equal(0, all[0]);
        Assert.Equal(0, all[3]);
    }

    [Fact]
    public void Group_rates_are_weighted_and_empty_groups_give_zero()
    {
        double[] flags = [1, 0, 1, 0];
        double[] weights = [1, 2, 3, 4];
        Assert.Equal([1.0 / 3, 3.0 / 7, 0, 0.4], EconomyStatistics.GroupRates(flags, weights, [0, 0, 1, 1], 3));
        Assert.Equal([0.4, 0.4], EconomyStatistics.GroupRates(flags, weights, [0, 0, 0, 0], 1));
    }
}
