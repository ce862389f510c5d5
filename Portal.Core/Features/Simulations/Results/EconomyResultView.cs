using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Simulations.Results;

/// <summary>The budget section: reform − baseline totals, plus the two baseline totals.</summary>
public sealed record BudgetView(
    double BudgetaryImpact, double TaxRevenueImpact, double StateTaxRevenueImpact, double BenefitSpendingImpact, double Households, double BaselineNetIncome)
{
    /// <summary>Federal (US) or all (UK, where the state part is 0) tax revenue.</summary>
    public double FederalTaxRevenueImpact => TaxRevenueImpact - StateTaxRevenueImpact;
}

/// <summary>One program of <c>detailed_budget</c> (UK).</summary>
public sealed record ProgramBudget(string Program, double Baseline, double Reform, double Difference);

/// <summary>Decile 1–10: average change in household net income (currency) and relative change (share of baseline income).</summary>
public sealed record DecileChange(int Decile, double Average, double Relative);

/// <summary>Person shares per winner/loser band: <see cref="ByDecile"/>[band][decile − 1], <see cref="All"/>[band].</summary>
public sealed record WinnersView(IReadOnlyList<string> Bands, IReadOnlyList<IReadOnlyList<double>> ByDecile, IReadOnlyList<double> All);

/// <summary>A statistic before and after the reform.</summary>
public sealed record Comparison(string Section, string Key, double Baseline, double Reform)
{
    public double Change => Reform - Baseline;

    /// <summary>Change relative to the baseline; null when the baseline is 0.</summary>
    public double? RelativeChange => Baseline == 0 ? null : Change / Baseline;
}

/// <summary>
/// One area of the geographic breakdown: a US congressional district (with person shares of winners,
/// losers and unchanged) or a UK constituency (changes only).
/// </summary>
public sealed record AreaImpact(string Area, double Average, double Relative, double? Winners, double? Losers, double? NoChange);

/// <summary>
/// An economy comparison result (PolicyEngine's <c>/economy/…/over/…</c> shape, see
/// docs/economy-comparison.md) read into typed sections for the result page and the CSV export.
/// Reading is tolerant: a section that is missing or null (older results, the other country's
/// sections) is empty rather than an error, so a page never fails on a partial result.
/// </summary>
public sealed record EconomyResultView(
    string? ModelVersion,
    string? DataVersion,
    BudgetView? Budget,
    IReadOnlyList<ProgramBudget> DetailedBudget,
    IReadOnlyList<DecileChange> Deciles,
    WinnersView? Winners,
    IReadOnlyList<Comparison> Poverty,
    IReadOnlyList<Comparison> Inequality,
    string? AreaKind,
    IReadOnlyList<AreaImpact> Areas)
{
    /// <summary>PolicyEngine's five bands, from losing most to gaining most.</summary>
    public static IReadOnlyList<string> BandOrder { get; } = ["Lose more than 5%", "Lose less than 5%", "No change", "Gain less than 5%", "Gain more than 5%"];

    public const string Districts = "congressional_district";
    public const string Constituencies = "constituency";

    /// <summary>
    /// True when the reform changes nothing the result reports (budget, deciles, winners and losers,
    /// poverty, inequality): the page says so instead of showing empty charts. Totals are compared
    /// with a tolerance of half a currency unit, shares and rates exactly.
    /// </summary>
    public bool IsNoOp =>
        Budget is { } b
        && Math.Abs(b.BudgetaryImpact) < 0.5 && Math.Abs(b.TaxRevenueImpact) < 0.5 && Math.Abs(b.BenefitSpendingImpact) < 0.5 && Math.Abs(b.StateTaxRevenueImpact) < 0.5
        && Deciles.All(d => d.Average == 0 && d.Relative == 0)
        && (Winners is null || Winners.Bands.Select((band, i) => band == "No change" || Winners.All[i] == 0).All(x => x))
        && Poverty.Concat(Inequality).All(c => c.Change == 0);

    public static EconomyResultView Parse(string json)
    {
        try
        {
            return Parse(JsonNode.Parse(json) as JsonObject ?? []);
        }
        catch (JsonException)
        {
            return Parse(new JsonObject());
        }
    }

    public static EconomyResultView Parse(JsonObject result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var districts = result["congressional_district_impact"]?["districts"] as JsonArray;
        var constituencies = result["constituency_impact"]?["by_constituency"] as JsonObject;
        return new EconomyResultView(
            Text(result["model_version"]),
            Text(result["data_version"]),
            ReadBudget(result["budget"] as JsonObject),
            ReadPrograms(result["detailed_budget"] as JsonObject),
            ReadDeciles(result["decile"] as JsonObject),
            ReadWinners(result["intra_decile"] as JsonObject),
            [.. Pairs("poverty", result["poverty"]), .. Pairs("poverty_by_gender", result["poverty_by_gender"])],
            Pairs("inequality", result["inequality"]),
            districts is not null ? Districts : constituencies is not null ? Constituencies : null,
            districts is not null ? ReadDistricts(districts) : constituencies is not null ? ReadConstituencies(constituencies) : []);
    }

    private static BudgetView? ReadBudget(JsonObject? budget) => budget is null
        ? null
        : new BudgetView(
            Number(budget["budgetary_impact"]), Number(budget["tax_revenue_impact"]), Number(budget["state_tax_revenue_impact"]),
            Number(budget["benefit_spending_impact"]), Number(budget["households"]), Number(budget["baseline_net_income"]));

    private static List<ProgramBudget> ReadPrograms(JsonObject? programs) =>
        programs is null
            ? []
            : [.. programs.Where(p => p.Value is JsonObject).Select(p => new ProgramBudget(p.Key, Number(p.Value!["baseline"]), Number(p.Value["reform"]), Number(p.Value["difference"])))];

    private static List<DecileChange> ReadDeciles(JsonObject? decile)
    {
        if (decile?["average"] is not JsonObject average)
        {
            return [];
        }

        var relative = decile["relative"] as JsonObject;
        return [.. average
            .Select(d => (Ok: int.TryParse(d.Key, System.Globalization.CultureInfo.InvariantCulture, out var n), Decile: n, d.Key))
            .Where(d => d.Ok)
            .OrderBy(d => d.Decile)
            .Select(d => new DecileChange(d.Decile, Number(average[d.Key]), Number(relative?[d.Key])))];
    }

    private static WinnersView? ReadWinners(JsonObject? intra)
    {
        if (intra?["deciles"] is not JsonObject deciles)
        {
            return null;
        }

        // PolicyEngine's band order, then any band this version does not know, as stored.
        var bands = BandOrder.Where(deciles.ContainsKey).Concat(deciles.Select(b => b.Key).Where(k => !BandOrder.Contains(k))).ToList();
        var byDecile = bands.Select(band => (IReadOnlyList<double>)[.. (deciles[band] as JsonArray ?? []).Select(Number)]).ToList();
        var all = bands.Select(band => Number(intra["all"]?[band])).ToList();
        return new WinnersView(bands, byDecile, all);
    }

    /// <summary><c>{measure: {group: {baseline, reform}}}</c> or <c>{measure: {baseline, reform}}</c>, flattened in document order.</summary>
    private static List<Comparison> Pairs(string section, JsonNode? node)
    {
        var rows = new List<Comparison>();
        if (node is not JsonObject measures)
        {
            return rows;
        }

        foreach (var (measure, value) in measures)
        {
            if (value is not JsonObject obj)
            {
                continue;
            }

            if (obj.ContainsKey("baseline"))
            {
                rows.Add(new Comparison(section, measure, Number(obj["baseline"]), Number(obj["reform"])));
                continue;
            }

            foreach (var (group, pair) in obj)
            {
                if (pair is JsonObject p)
                {
                    rows.Add(new Comparison(section, $"{measure}.{group}", Number(p["baseline"]), Number(p["reform"])));
                }
            }
        }

        return rows;
    }

    private static List<AreaImpact> ReadDistricts(JsonArray districts) =>
        [.. districts.OfType<JsonObject>().Select(d => new AreaImpact(
            Text(d["district"]) ?? "",
            Number(d["average_household_income_change"]),
            Number(d["relative_household_income_change"]),
            Optional(d["winner_percentage"]),
            Optional(d["loser_percentage"]),
            Optional(d["no_change_percentage"])))];

    private static List<AreaImpact> ReadConstituencies(JsonObject constituencies) =>
        [.. constituencies.Where(c => c.Value is JsonObject).Select(c => new AreaImpact(
            c.Key,
            Number(c.Value!["average_household_income_change"]),
            Number(c.Value["relative_household_income_change"]),
            null, null, null))];

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Optional(JsonNode? node) => node is null ? null : Number(node);

    /// <summary>A JSON number as a double; anything else (null, text, NaN written as a string) is 0.</summary>
    private static double Number(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return 0;
        }

        return value.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
