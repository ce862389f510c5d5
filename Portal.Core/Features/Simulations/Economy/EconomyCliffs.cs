using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// <c>cliff_impact</c> (only when asked for: it costs two more simulations). Every adult's employment
/// income is raised by <see cref="EarningsRise"/> (in the model's currency) at once; a household is on
/// a cliff when its net income then falls. <c>cliff_gap</c> = Σ household weight × the fall;
/// <c>cliff_share</c> = person-weighted share of adults living in such households. PolicyEngine raises
/// each adult separately; raising them together is cheaper and documented in docs/economy-comparison.md.
/// </summary>
internal static class EconomyCliffs
{
    public const double EarningsRise = 2_000;

    public static JsonObject? Compute(EconomyComparisonRequest request, Population population, EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform, CancellationToken ct)
    {
        var model = request.Model;
        if (model.FindVariable(EconomyConcepts.EmploymentIncome) is not { } definition || definition.Entity != model.Person.Key)
        {
            return null;
        }

        // Simulations disposed on return (the result holds plain numbers): their columns are reused.
        using var current = new Simulation(model, population, request.Period);
        var employment = current.Calculate(EconomyConcepts.EmploymentIncome);
        var raised = new double[employment.Length];
        for (var p = 0; p < raised.Length; p++)
        {
            raised[p] = employment[p] + (frame.Age[p] >= EconomyResultSections.ChildAge ? EarningsRise : 0);
        }

        using var raisedBaseline = new Simulation(model, population.WithInput(EconomyConcepts.EmploymentIncome, raised), request.Period, request.Baseline);
        using var raisedReform = raisedBaseline.WithReform(EconomyComparison.Combine(request.Baseline, request.Reform));
        var before = Measures(frame, baseline.NetIncome, raisedBaseline.Calculate(EconomyConcepts.NetIncome));
        ct.ThrowIfCancellationRequested();
        var after = Measures(frame, reform.NetIncome, raisedReform.Calculate(EconomyConcepts.NetIncome));
        return new JsonObject { ["baseline"] = before, ["reform"] = after };
    }

    internal static JsonObject Measures(EconomyFrame frame, double[] netIncome, double[] raisedNetIncome)
    {
        var gap = 0.0;
        for (var h = 0; h < netIncome.Length; h++)
        {
            gap += frame.HouseholdWeight[h] * Math.Max(0, netIncome[h] - raisedNetIncome[h]);
        }

        double adults = 0, onCliff = 0;
        for (var p = 0; p < frame.Age.Length; p++)
        {
            if (frame.Age[p] >= EconomyResultSections.ChildAge)
            {
                var h = frame.PersonHousehold[p];
                adults += frame.PersonWeight[p];
                onCliff += raisedNetIncome[h] < netIncome[h] ? frame.PersonWeight[p] : 0;
            }
        }

        return new JsonObject { ["cliff_gap"] = gap, ["cliff_share"] = EconomyStatistics.Ratio(onCliff, adults) };
    }
}
