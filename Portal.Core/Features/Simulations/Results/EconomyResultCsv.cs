using System.Globalization;
using System.Text;

namespace Portal.Core.Features.Simulations.Results;

/// <summary>
/// An economy comparison as one long CSV table, <c>section,key,subkey,baseline,reform,change</c>, so a
/// spreadsheet can filter any section without knowing the JSON. Pairs (poverty, inequality, UK
/// programs) fill baseline, reform and change; a single number that measures the reform's effect
/// (budget impacts, decile changes, winner/loser shares, area changes) fills <c>change</c> only; a
/// baseline total (households, baseline net income) fills <c>baseline</c> only. Numbers are
/// invariant culture, round-trippable. Format reference: docs/simulation-pages.md.
/// </summary>
public static class EconomyResultCsv
{
    public const string Header = "section,key,subkey,baseline,reform,change";

    public static string Write(EconomyResultView result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder(Header).Append('\n');
        if (result.Budget is { } b)
        {
            Change(csv, "budget", "budgetary_impact", "", b.BudgetaryImpact);
            Change(csv, "budget", "tax_revenue_impact", "", b.TaxRevenueImpact);
            Change(csv, "budget", "state_tax_revenue_impact", "", b.StateTaxRevenueImpact);
            Change(csv, "budget", "benefit_spending_impact", "", b.BenefitSpendingImpact);
            Row(csv, "budget", "households", "", b.Households, null, null);
            Row(csv, "budget", "baseline_net_income", "", b.BaselineNetIncome, null, null);
        }

        foreach (var p in result.DetailedBudget)
        {
            Row(csv, "detailed_budget", p.Program, "", p.Baseline, p.Reform, p.Difference);
        }

        foreach (var d in result.Deciles)
        {
            var key = d.Decile.ToString(CultureInfo.InvariantCulture);
            Change(csv, "decile", key, "average", d.Average);
            Change(csv, "decile", key, "relative", d.Relative);
        }

        if (result.Winners is { } w)
        {
            for (var band = 0; band < w.Bands.Count; band++)
            {
                for (var decile = 0; decile < w.ByDecile[band].Count; decile++)
                {
                    Change(csv, "intra_decile", (decile + 1).ToString(CultureInfo.InvariantCulture), w.Bands[band], w.ByDecile[band][decile]);
                }

                Change(csv, "intra_decile", "all", w.Bands[band], w.All[band]);
            }
        }

        foreach (var c in result.Poverty.Concat(result.Inequality))
        {
            var dot = c.Key.IndexOf('.', StringComparison.Ordinal);
            var (key, subkey) = dot < 0 ? (c.Key, "") : (c.Key[..dot], c.Key[(dot + 1)..]);
            Row(csv, c.Section, key, subkey, c.Baseline, c.Reform, c.Change);
        }

        var areaSection = result.AreaKind == EconomyResultView.Districts ? "congressional_district_impact" : "constituency_impact";
        foreach (var a in result.Areas)
        {
            Change(csv, areaSection, a.Area, "average_household_income_change", a.Average);
            Change(csv, areaSection, a.Area, "relative_household_income_change", a.Relative);
            Optional(csv, areaSection, a.Area, "winner_percentage", a.Winners);
            Optional(csv, areaSection, a.Area, "loser_percentage", a.Losers);
            Optional(csv, areaSection, a.Area, "no_change_percentage", a.NoChange);
        }

        return csv.ToString();
    }

    private static void Optional(StringBuilder csv, string section, string key, string subkey, double? value)
    {
        if (value is { } v)
        {
            Change(csv, section, key, subkey, v);
        }
    }

    private static void Change(StringBuilder csv, string section, string key, string subkey, double change) =>
        Row(csv, section, key, subkey, null, null, change);

    private static void Row(StringBuilder csv, string section, string key, string subkey, double? baseline, double? reform, double? change) =>
        csv.Append(Field(section)).Append(',').Append(Field(key)).Append(',').Append(Field(subkey)).Append(',')
            .Append(Number(baseline)).Append(',').Append(Number(reform)).Append(',').Append(Number(change)).Append('\n');

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180 quoting; a leading formula character is neutralised so a spreadsheet never evaluates a stored name.</summary>
    private static string Field(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
