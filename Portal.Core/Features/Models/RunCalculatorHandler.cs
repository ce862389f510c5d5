using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>Net income and marginal tax rate of the household as the head's employment income varies.</summary>
public sealed record EarningsCurve(string Currency, IReadOnlyList<double> Earnings, IReadOnlyList<double> NetIncome, IReadOnlyList<double> MarginalTaxRate);

public sealed record CalculatorOutcome(HouseholdForm Form, HouseholdCalculation Calculation, JsonObject Request, IReadOnlyList<BreakdownLine> Lines, EarningsCurve? Curve);

/// <summary>
/// The household calculator page: the form becomes the same household JSON the API takes and goes
/// through <see cref="CalculateHouseholdHandler"/>; the chart computes 201 earnings levels (and each
/// level plus a small bump, for the marginal rate) as one vectorised simulation over copies of the household.
/// </summary>
public sealed class RunCalculatorHandler(ModelCatalog catalog, CalculateHouseholdHandler calculate)
{
    public const int Points = 201;
    public const double MaxEarnings = 200_000;
    public const double Bump = 100;
    private const string Varied = "employment_income";

    public Result<CalculatorOutcome> Handle(HouseholdFormInput input)
    {
        var parsed = HouseholdForm.Parse(catalog, input);
        if (!parsed.Succeeded)
        {
            return parsed.Problem!;
        }

        var form = parsed.Value!;
        var sketch = form.ToSketch();
        var outputs = NetIncomeBreakdown.Layout(form.Model).Select(l => l.Variable);
        var household = sketch.ToJson(form.Period, outputs);
        var result = calculate.Handle(new CalculateHouseholdRequest(form.Model.Country, household, null, form.Model.Version, form.Period));
        if (!result.Succeeded)
        {
            return result.Problem!;
        }

        var lines = NetIncomeBreakdown.Read(form.Model, result.Value!.Household, result.Value.Period);
        return new CalculatorOutcome(form, result.Value, household, lines, VaryEarnings(sketch, form.Period));
    }

    /// <summary>Copies 0..200 are the earnings levels, copies 201..401 the same levels plus <see cref="Bump"/>.</summary>
    public static EarningsCurve? VaryEarnings(HouseholdSketch sketch, int period)
    {
        var model = sketch.Model;
        if (!sketch.Supports(Varied) || !sketch.Supports(NetIncomeBreakdown.NetIncome))
        {
            return null;
        }

        var step = MaxEarnings / (Points - 1);
        var population = sketch.ToPopulation(2 * Points, Varied, (copy, person) =>
            person == 0 ? (copy % Points * step) + (copy >= Points ? Bump : 0) : null);
        var net = new Simulation(model, population, period).Calculate(NetIncomeBreakdown.NetIncome);

        // One household instance per copy, in copy order.
        var perCopy = net.Length / (2 * Points);
        var earnings = new double[Points];
        var netIncome = new double[Points];
        var mtr = new double[Points];
        for (var i = 0; i < Points; i++)
        {
            earnings[i] = i * step;
            netIncome[i] = Math.Round(net[i * perCopy], 2);
            mtr[i] = Math.Round(1 - ((net[(Points + i) * perCopy] - net[i * perCopy]) / Bump), 4);
        }

        return new EarningsCurve(model.Currency, earnings, netIncome, mtr);
    }
}
