using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Models;

namespace Portal.Core.Features.Reports;

/// <summary>Household net income under the baseline and (when there is one) the reform as the first person's employment income varies.</summary>
public sealed record ReportEarningsCurves(string Currency, IReadOnlyList<double> Earnings, IReadOnlyList<double> Baseline, IReadOnlyList<double>? Reform);

/// <summary>
/// The "varying your earnings" chart of a household report. The stored household is calculated at
/// <see cref="Points"/> earnings levels under each policy with the same calculator the report job
/// uses (so each point is exactly what a report of that household would show), on the report's model.
/// </summary>
public sealed class ReportEarningsCurvesHandler(ModelCatalog catalog, CalculateHouseholdHandler calculate)
{
    public const int Points = 41;
    public const double MaxEarnings = 200_000;
    private const string Varied = "employment_income";

    public Result<ReportEarningsCurves> Handle(string country, string? modelVersion, JsonObject household, int year, JsonNode? baseline, JsonNode? reform)
    {
        var people = household["people"] as JsonObject;
        var head = people?.FirstOrDefault().Key;
        if (head is null)
        {
            return Problem.Invalid("household", "The household has no people, so there are no earnings to vary.");
        }

        var model = catalog.Find(country, modelVersion);
        if (model is null)
        {
            return Problem.NotFound($"Model {country} {modelVersion}");
        }

        var earnings = Enumerable.Range(0, Points).Select(i => i * MaxEarnings / (Points - 1)).ToArray();
        var before = Curve(country, modelVersion, household, head, year, baseline, earnings);
        if (!before.Succeeded)
        {
            return before.Problem!;
        }

        var after = reform is null ? (Result<double[]>?)null : Curve(country, modelVersion, household, head, year, reform, earnings);
        if (after is { Succeeded: false } failed)
        {
            return failed.Problem!;
        }

        return new ReportEarningsCurves(model.Currency, earnings, before.Value!, after?.Value);
    }

    private Result<double[]> Curve(string country, string? modelVersion, JsonObject household, string head, int year, JsonNode? policy, double[] earnings)
    {
        var key = year.ToString(CultureInfo.InvariantCulture);
        var net = new double[earnings.Length];
        for (var i = 0; i < earnings.Length; i++)
        {
            var copy = (JsonObject)household.DeepClone();
            copy["people"]![head]![Varied] = new JsonObject { [key] = earnings[i] };
            foreach (var (_, instance) in copy["households"] as JsonObject ?? [])
            {
                if (instance is JsonObject h)
                {
                    h[NetIncomeBreakdown.NetIncome] = new JsonObject { [key] = null };
                }
            }

            var result = calculate.Handle(new CalculateHouseholdRequest(country, copy, policy?.DeepClone(), modelVersion, year));
            if (!result.Succeeded)
            {
                return result.Problem!;
            }

            net[i] = Math.Round(Sum(result.Value!.Household, key), 2);
        }

        return net;
    }

    private static double Sum(JsonObject household, string key) =>
        (household["households"] as JsonObject ?? []).Sum(h => h.Value?[NetIncomeBreakdown.NetIncome]?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0);
}
