using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// PolicyEngine's economy comparison (the <c>result</c> of <c>/economy/…/over/…</c>) computed by the
/// Portal engine: a baseline and a reform simulation over one population, aggregated with survey
/// weights. Pure domain code: callers (Quartz jobs, pages) load the population and store the JSON.
/// Field definitions and differences from PolicyEngine: docs/economy-comparison.md.
/// </summary>
public static class EconomyComparison
{
    /// <summary>Runs baseline and reform (reform simulation = baseline.WithReform, so unaffected variables are shared) and returns the result object.</summary>
    public static JsonObject Compute(EconomyComparisonRequest request, Action<double, string>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (population, baselineSimulation, reformSimulation) = Prepare(request, progress, ct);

        // Disposed once the result (plain numbers) is built: their columns go back to the engine
        // for the next economy run (the frame and snapshots read them until then).
        using var disposeBaseline = baselineSimulation;
        using var disposeReform = reformSimulation;
        progress?.Invoke(0.4, "baseline");
        var frame = EconomyFrame.From(baselineSimulation);
        var baseline = EconomySnapshot.From(baselineSimulation, frame, ct);
        ct.ThrowIfCancellationRequested();

        progress?.Invoke(0.7, "reform");
        var reform = EconomySnapshot.From(reformSimulation, frame, ct);
        ct.ThrowIfCancellationRequested();

        JsonObject? cliffs = null;
        if (request.IncludeCliffs)
        {
            progress?.Invoke(0.8, "cliffs");
            cliffs = EconomyCliffs.Compute(request, population, frame, baseline, reform, ct);
        }

        progress?.Invoke(0.9, "aggregating");
        var isUs = request.Model.Country == "us";
        var deciles = EconomyStatistics.IncomeDeciles(baseline.EquivalisedIncomeRaw, frame.People);
        var result = new JsonObject
        {
            ["model_version"] = request.ModelVersion,
            ["data_version"] = request.DataVersion,
            ["budget"] = Budget(frame, baseline.Totals, reform.Totals),
            ["detailed_budget"] = DetailedBudget(baseline, reform),
            ["decile"] = Decile(frame, baseline, reform, deciles),
            ["inequality"] = Inequality(frame, baseline, reform),
            ["poverty"] = EconomyResultSections.Poverty(frame, baseline, reform),
            ["poverty_by_gender"] = EconomyResultSections.PovertyByGender(frame, baseline, reform),
            ["poverty_by_race"] = null,
            ["intra_decile"] = IntraDecile(frame, baseline, reform, deciles),
            ["wealth_decile"] = null,
            ["intra_wealth_decile"] = null,
            ["labor_supply_response"] = null,
            ["constituency_impact"] = isUs ? null : EconomyGeography.Constituencies(population, frame, baseline, reform),
            ["local_authority_impact"] = null,
            ["congressional_district_impact"] = isUs ? EconomyGeography.Districts(population, frame, baseline, reform) : null,
            ["cliff_impact"] = cliffs,
        };
        ct.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>
    /// Only the budget for one year (budget-window jobs):
    /// <c>{year, tax_revenue_impact, federal_tax_revenue_impact, state_tax_revenue_impact, benefit_spending_impact, budgetary_impact}</c>.
    /// </summary>
    public static JsonObject BudgetForYear(EconomyComparisonRequest request, Action<double, string>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (_, baselineSimulation, reformSimulation) = Prepare(request, progress, ct);
        using var disposeBaseline = baselineSimulation;
        using var disposeReform = reformSimulation;
        progress?.Invoke(0.4, "baseline");
        var baseline = EconomyTotals.From(baselineSimulation);
        ct.ThrowIfCancellationRequested();
        progress?.Invoke(0.7, "reform");
        var reform = EconomyTotals.From(reformSimulation);
        progress?.Invoke(0.9, "aggregating");
        var tax = reform.Tax - baseline.Tax;
        var state = reform.StateTax - baseline.StateTax;
        var benefits = reform.Benefits - baseline.Benefits;
        return new JsonObject
        {
            ["year"] = request.Period,
            ["tax_revenue_impact"] = tax,
            ["federal_tax_revenue_impact"] = tax - state,
            ["state_tax_revenue_impact"] = state,
            ["benefit_spending_impact"] = benefits,
            ["budgetary_impact"] = tax - benefits,
        };
    }

    /// <summary>The region's population and the two simulations (reform = baseline changes, then the reform's).</summary>
    private static (Population Population, Simulation Baseline, Simulation Reform) Prepare(EconomyComparisonRequest request, Action<double, string>? progress, CancellationToken ct)
    {
        progress?.Invoke(0.1, "loading");
        var population = EconomyGeography.Filter(request.Model, request.Population, request.Period, request.Region);
        ct.ThrowIfCancellationRequested();
        var baseline = new Simulation(request.Model, population, request.Period, request.Baseline);
        var reform = baseline.WithReform(Combine(request.Baseline, request.Reform));
        return (population, baseline, reform);
    }

    /// <summary>Baseline changes first, reform changes after: for one parameter and instant the later change wins.</summary>
    internal static Reform Combine(Reform baseline, Reform reform) =>
        baseline.IsEmpty ? reform : reform.IsEmpty ? baseline : new Reform([.. baseline.Changes, .. reform.Changes]);

    private static JsonObject Budget(EconomyFrame frame, EconomyTotals baseline, EconomyTotals reform)
    {
        var tax = reform.Tax - baseline.Tax;
        var benefits = reform.Benefits - baseline.Benefits;
        return new JsonObject
        {
            ["budgetary_impact"] = tax - benefits,
            ["tax_revenue_impact"] = tax,
            ["state_tax_revenue_impact"] = reform.StateTax - baseline.StateTax,
            ["benefit_spending_impact"] = benefits,
            ["households"] = frame.HouseholdWeight.Sum(),
            ["baseline_net_income"] = baseline.NetIncome,
        };
    }

    private static JsonObject DetailedBudget(EconomySnapshot baseline, EconomySnapshot reform)
    {
        var result = new JsonObject();
        foreach (var (program, before) in baseline.Programs)
        {
            var after = reform.Programs[program];
            result[program] = new JsonObject { ["baseline"] = before, ["reform"] = after, ["difference"] = after - before };
        }

        return result;
    }

    private static JsonObject Decile(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform, int[] deciles)
    {
        var (average, relative) = EconomyStatistics.DecileChanges(baseline.NetIncome, reform.NetIncome, frame.HouseholdWeight, deciles);
        return new JsonObject { ["average"] = ByDecile(average), ["relative"] = ByDecile(relative) };
    }

    private static JsonObject IntraDecile(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform, int[] deciles)
    {
        var (shares, all) = EconomyStatistics.IntraDecile(baseline.NetIncome, reform.NetIncome, frame.People, deciles);
        var byBand = new JsonObject();
        var overall = new JsonObject();
        for (var band = 0; band < EconomyStatistics.OutcomeLabels.Length; band++)
        {
            byBand[EconomyStatistics.OutcomeLabels[band]] = new JsonArray([.. shares[band].Select(v => (JsonNode)v)]);
            overall[EconomyStatistics.OutcomeLabels[band]] = all[band];
        }

        return new JsonObject { ["deciles"] = byBand, ["all"] = overall };
    }

    private static JsonObject Inequality(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        // One sort per policy serves all three statistics.
        var baselineOrder = EconomyStatistics.Order(baseline.EquivalisedIncome);
        var reformOrder = EconomyStatistics.Order(reform.EquivalisedIncome);
        JsonObject Pair(Func<double[], int[], double> statistic) =>
            new() { ["baseline"] = statistic(baseline.EquivalisedIncome, baselineOrder), ["reform"] = statistic(reform.EquivalisedIncome, reformOrder) };
        return new JsonObject
        {
            ["gini"] = Pair((x, order) => EconomyStatistics.Gini(x, frame.People, order)),
            ["top_10_pct_share"] = Pair((x, order) => EconomyStatistics.TopShare(x, frame.People, 10, order)),
            ["top_1_pct_share"] = Pair((x, order) => EconomyStatistics.TopShare(x, frame.People, 100, order)),
        };
    }

    private static JsonObject ByDecile(double[] values)
    {
        var result = new JsonObject();
        for (var d = 0; d < values.Length; d++)
        {
            result[(d + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = values[d];
        }

        return result;
    }
}
