using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

public enum BreakdownKind
{
    Market,
    Tax,
    Benefit,
    Memo,
    Net,
}

public sealed record BreakdownLine(string Variable, string Label, BreakdownKind Kind, double Amount);

/// <summary>
/// Which headline variables make up net income in each country, in the order a person reads a
/// payslip: market income, taxes, benefits, net. Lines the release does not define are left out,
/// so older releases and other countries still show what they have.
/// </summary>
public static class NetIncomeBreakdown
{
    public const string NetIncome = "household_net_income";

    private static readonly Dictionary<string, (string Variable, BreakdownKind Kind)[]> Layouts = new(StringComparer.Ordinal)
    {
        ["us"] =
        [
            ("household_market_income", BreakdownKind.Market),
            ("employee_payroll_tax", BreakdownKind.Tax),
            ("income_tax", BreakdownKind.Tax),
            ("state_income_tax", BreakdownKind.Tax),
            ("snap", BreakdownKind.Benefit),
            ("income_tax_before_credits", BreakdownKind.Memo),
            ("ctc", BreakdownKind.Memo),
            ("refundable_ctc", BreakdownKind.Memo),
            ("eitc", BreakdownKind.Memo),
            (NetIncome, BreakdownKind.Net),
        ],
        ["uk"] =
        [
            ("household_market_income", BreakdownKind.Market),
            ("income_tax", BreakdownKind.Tax),
            ("national_insurance", BreakdownKind.Tax),
            ("child_benefit_hicbc", BreakdownKind.Tax),
            ("child_benefit", BreakdownKind.Benefit),
            ("universal_credit", BreakdownKind.Benefit),
            (NetIncome, BreakdownKind.Net),
        ],
    };

    public static IReadOnlyList<(string Variable, BreakdownKind Kind)> Layout(CountryModel model) =>
        (Layouts.TryGetValue(model.Country, out var layout) ? layout : [(NetIncome, BreakdownKind.Net)])
            .Where(l => model.FindVariable(l.Variable) is not null)
            .ToList();

    /// <summary>Each line summed over every instance of its entity in the computed household.</summary>
    public static IReadOnlyList<BreakdownLine> Read(CountryModel model, JsonObject household, int period) =>
        Layout(model).Select(l =>
        {
            var definition = model.FindVariable(l.Variable)!;
            return new BreakdownLine(l.Variable, string.IsNullOrEmpty(definition.Label) ? l.Variable : definition.Label, l.Kind, Sum(model, household, l.Variable, period));
        }).ToList();

    public static double Sum(CountryModel model, JsonObject household, string variable, int period)
    {
        var definition = model.FindVariable(variable)!;
        var plural = model.Entities.First(e => e.Key == definition.Entity).Plural;
        var key = period.ToString(CultureInfo.InvariantCulture);
        var total = 0.0;
        foreach (var (_, instance) in household[plural]?.AsObject() ?? [])
        {
            var value = instance?[variable]?[key];
            total += value is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0;
        }

        return total;
    }
}
