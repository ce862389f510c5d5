using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Runs;

/// <summary>
/// The key figures of a budget window's result (<c>annual_impacts</c> and <c>totals</c>, see
/// <see cref="Simulations.BudgetWindowExecutor"/>) as compare rows, one per year and impact, so a
/// budget-window replay that came out different shows which years moved. Other results add nothing.
/// </summary>
internal static class BudgetWindowRows
{
    private static readonly (string Field, string Label)[] Impacts =
    [
        ("budgetary_impact", "budgetary impact"),
        ("tax_revenue_impact", "tax revenue impact"),
        ("federal_tax_revenue_impact", "federal tax revenue impact"),
        ("state_tax_revenue_impact", "state tax revenue impact"),
        ("benefit_spending_impact", "benefit spending impact"),
    ];

    public static void Add(string resultJson, IDictionary<string, JsonNode?> values)
    {
        JsonObject? result;
        try
        {
            result = JsonNode.Parse(resultJson) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }

        if (result?["annual_impacts"] is not JsonArray years)
        {
            return;
        }

        foreach (var year in years.OfType<JsonObject>())
        {
            Add(values, $"budget window {year["year"]?.ToJsonString()}", year);
        }

        if (result["totals"] is JsonObject totals)
        {
            Add(values, "budget window total", totals);
        }
    }

    private static void Add(IDictionary<string, JsonNode?> values, string prefix, JsonObject impact)
    {
        foreach (var (field, label) in Impacts)
        {
            if (impact[field] is { } value)
            {
                values[$"{prefix}: {label}"] = value.DeepClone();
            }
        }
    }
}
