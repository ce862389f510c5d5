using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using Portal.Components.Pages.Simulations;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The result page's components rendered from real <c>EconomyComparison.Compute</c> output.</summary>
public sealed class SimulationResultComponentTests(SimulationResultFixture results) : IClassFixture<SimulationResultFixture>
{
    private static double Number(JsonNode? node) => double.Parse(node!.ToJsonString(), CultureInfo.InvariantCulture);

    private static double Attr(AngleSharp.Dom.IElement element, string name) =>
        double.Parse(element.GetAttribute(name)!, CultureInfo.InvariantCulture);

    private static async Task<IHtmlDocument> RenderAsync(JsonObject result, string country, string? sort = null, bool all = false)
    {
        await using var renderer = new ComponentRenderer();
        return await renderer.RenderAsync<EconomyResult>(
            ("Result", EconomyResultView.Parse(result.ToJsonString())), ("Country", country), ("JobId", "job_test"), ("AreaSort", sort), ("ShowAllAreas", all));
    }

    [Fact]
    public async Task Us_result_shows_budget_deciles_winners_poverty_inequality_and_districts_from_the_computed_json()
    {
        var result = results.UsDeduction;
        var html = await RenderAsync(result, "us");
        Assert.Null(html.QuerySelector("#no-op-callout"));

        // Budget: the headline and the net row carry the computed impact; US splits federal and state.
        var budget = result["budget"]!;
        Assert.True(Number(budget["budgetary_impact"]) < 0, "a higher deduction costs revenue");
        Assert.Equal(Number(budget["budgetary_impact"]), Attr(html.QuerySelector("#budget-headline")!, "data-value"));
        Assert.StartsWith("Costs $", html.QuerySelector("#budget-headline")!.TextContent, StringComparison.Ordinal);
        var federal = Attr(html.QuerySelector("#budget-table tr[data-key=federal_tax_revenue_impact] td")!, "data-value");
        var state = Attr(html.QuerySelector("#budget-table tr[data-key=state_tax_revenue_impact] td")!, "data-value");
        Assert.Equal(Number(budget["tax_revenue_impact"]), federal + state, 1e-6);
        Assert.Equal(Number(budget["state_tax_revenue_impact"]), state);
        var waterfall = JsonDocument.Parse(html.QuerySelector("canvas[data-chart=waterfall]")!.GetAttribute("data-chart-data")!).RootElement;
        Assert.Equal("USD", waterfall.GetProperty("currency").GetString());
        Assert.Equal(Number(budget["budgetary_impact"]), waterfall.GetProperty("total").GetDouble());
        Assert.Equal(["Federal tax revenues", "State tax revenues", "Benefit spending", "Net impact"], waterfall.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(waterfall.GetProperty("total").GetDouble(), waterfall.GetProperty("values").EnumerateArray().Sum(v => v.GetDouble()), 1e-3);
        Assert.Empty(html.QuerySelectorAll("#economy-result script"));

        // Deciles: ten rows, absolute and relative, and the chart island with both series.
        var rows = html.QuerySelectorAll("#decile-table tbody tr");
        Assert.Equal(10, rows.Length);
        for (var d = 1; d <= 10; d++)
        {
            var row = html.QuerySelector($"#decile-table tr[data-decile='{d}']")!;
            Assert.Equal(Number(result["decile"]!["average"]![d.ToString(CultureInfo.InvariantCulture)]), Attr(row.QuerySelector("[data-average]")!, "data-average"));
            Assert.Equal(Number(result["decile"]!["relative"]![d.ToString(CultureInfo.InvariantCulture)]), Attr(row.QuerySelector("[data-relative]")!, "data-relative"));
        }

        var decileChart = JsonDocument.Parse(html.QuerySelector("canvas[data-chart=deciles]")!.GetAttribute("data-chart-data")!).RootElement;
        Assert.Equal(10, decileChart.GetProperty("relative").GetArrayLength());
        Assert.Equal(2, html.QuerySelectorAll("[data-chart-toggle=decile-chart]").Length);

        // Winners and losers: five bands, eleven bars (ten deciles and all), the all row from intra_decile.all.
        var winners = JsonDocument.Parse(html.QuerySelector("canvas[data-chart=winners]")!.GetAttribute("data-chart-data")!).RootElement;
        Assert.Equal(EconomyResultView.BandOrder, winners.GetProperty("bands").EnumerateArray().Select(b => b.GetProperty("label").GetString()!));
        Assert.All(winners.GetProperty("bands").EnumerateArray(), b => Assert.Equal(11, b.GetProperty("values").GetArrayLength()));
        var gainers = Number(result["intra_decile"]!["all"]!["Gain less than 5%"]);
        Assert.True(gainers > 0);
        Assert.Equal(gainers, Attr(html.QuerySelector("#winners-table tr[data-decile=all] td[data-band='Gain less than 5%']")!, "data-value"));

        // Poverty by age and sex, inequality: baseline and reform straight from the result.
        Assert.Equal(Number(result["poverty"]!["poverty"]!["child"]!["baseline"]), Attr(html.QuerySelector("#poverty-table tr[data-key='poverty.child'] [data-baseline]")!, "data-baseline"));
        Assert.Equal(Number(result["poverty"]!["deep_poverty"]!["all"]!["reform"]), Attr(html.QuerySelector("#poverty-table tr[data-key='deep_poverty.all'] [data-reform]")!, "data-reform"));
        Assert.NotNull(html.QuerySelector("#poverty-table tr[data-key='poverty.female']"));
        Assert.Equal(12, html.QuerySelectorAll("#poverty-table tr[data-key]").Length);
        Assert.Equal(["gini", "top_10_pct_share", "top_1_pct_share"], html.QuerySelectorAll("#inequality-table tr[data-key]").Select(r => r.GetAttribute("data-key")));
        Assert.Equal(Number(result["inequality"]!["gini"]!["reform"]), Attr(html.QuerySelector("#inequality-table tr[data-key=gini] [data-reform]")!, "data-reform"));

        // Downloads.
        Assert.Equal("/simulations/job_test/result.csv", html.QuerySelector("#downloads a[href$='.csv']")!.GetAttribute("href"));
        Assert.Equal("/simulations/job_test/result.json", html.QuerySelector("#downloads a[href$='.json']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task District_table_is_sorted_by_relative_change_shows_the_top_20_and_links_to_all()
    {
        var districts = results.UsDeduction["congressional_district_impact"]!["districts"]!.AsArray();
        Assert.True(districts.Count > AreaTable.Top, $"the synthetic data has {districts.Count} districts");
        var expected = districts.Select(d => (Name: (string)d!["district"]!, Relative: Number(d["relative_household_income_change"])))
            .OrderByDescending(d => d.Relative).ThenBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Name).ToList();

        var html = await RenderAsync(results.UsDeduction, "us");
        Assert.Equal("Congressional district impact", html.QuerySelector("#areas-heading")!.TextContent);
        Assert.Equal(expected.Take(AreaTable.Top), html.QuerySelectorAll("#area-table tbody tr").Select(r => r.GetAttribute("data-area")));
        Assert.Equal("/simulations/job_test?area_sort=relative&areas=all#areas", html.QuerySelector("#areas-all")!.GetAttribute("href"));

        var all = await RenderAsync(results.UsDeduction, "us", sort: "losers", all: true);
        Assert.Equal(districts.Count, all.QuerySelectorAll("#area-table tbody tr").Length);
        Assert.Equal("losers", all.QuerySelector("#area-table")!.GetAttribute("data-sort"));
        Assert.NotNull(all.QuerySelector("#areas-fewer"));
    }

    [Fact]
    public async Task Uk_result_has_one_tax_line_programs_pounds_and_constituencies()
    {
        var result = results.UkChildBenefit;
        var html = await RenderAsync(result, "uk");
        Assert.Null(html.QuerySelector("#budget-table tr[data-key=state_tax_revenue_impact]"));
        Assert.Equal(Number(result["budget"]!["tax_revenue_impact"]), Attr(html.QuerySelector("#budget-table tr[data-key=tax_revenue_impact] td")!, "data-value"));
        Assert.Equal(-Number(result["budget"]!["benefit_spending_impact"]), Attr(html.QuerySelector("#budget-table tr[data-key=benefit_spending_impact] td")!, "data-value"));
        Assert.Contains("£", html.QuerySelector("#budget-headline")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Number(result["detailed_budget"]!["child_benefit"]!["difference"]), Attr(html.QuerySelector("#detailed-budget tr[data-program=child_benefit] [data-value]")!, "data-value"));
        Assert.True(Number(result["detailed_budget"]!["child_benefit"]!["difference"]) < 0, "benefits are negative budget contributions");
        Assert.Equal("Constituency impact", html.QuerySelector("#areas-heading")!.TextContent);
        Assert.Empty(html.QuerySelectorAll("#area-table th a[href*=winners]"));
        var first = html.QuerySelector("#area-table tbody tr")!.GetAttribute("data-area")!;
        Assert.Matches("^[ESWN][0-9]{8}$", first);
    }

    [Fact]
    public async Task An_empty_reform_shows_the_no_op_callout()
    {
        var html = await RenderAsync(results.UsNoOp, "us");
        Assert.NotNull(html.QuerySelector("#no-op-callout"));
        Assert.Equal("No budgetary impact", html.QuerySelector("#budget-headline")!.TextContent);
        Assert.True(EconomyResultView.Parse(results.UsNoOp).IsNoOp);
        Assert.False(EconomyResultView.Parse(results.UsDeduction).IsNoOp);
    }

    [Fact]
    public async Task Job_body_polls_while_running_shows_failures_and_stops_polling_when_complete()
    {
        await using var renderer = new ComponentRenderer();
        var running = await renderer.RenderAsync<JobBody>(("JobId", "job_x"), ("Kind", SimulationJobKinds.EconomyComparison), ("Country", "us"),
            ("Status", SimulationJobStatuses.Running), ("Progress", 0.42), ("Stage", "reform"), ("AreaSort", "average"));
        var body = running.QuerySelector("#job-body")!;
        Assert.Equal("/simulations/job_x/live?area_sort=average", body.GetAttribute("hx-get"));
        Assert.Equal("every 1s", body.GetAttribute("hx-trigger"));
        Assert.Equal("outerHTML", body.GetAttribute("hx-swap"));
        Assert.Equal("42", running.QuerySelector(".progress")!.GetAttribute("aria-valuenow"));
        Assert.Contains("pct-40", running.QuerySelector(".progress-bar")!.ClassName, StringComparison.Ordinal);
        Assert.Contains("reform", running.QuerySelector(".job-progress")!.TextContent, StringComparison.Ordinal);

        var failed = await renderer.RenderAsync<JobBody>(("JobId", "job_x"), ("Kind", SimulationJobKinds.EconomyComparison), ("Country", "us"),
            ("Status", SimulationJobStatuses.Failed), ("Error", "The dataset has no households in state/WY."));
        Assert.Null(failed.QuerySelector("#job-body")!.GetAttribute("hx-get"));
        Assert.Contains("no households in state/WY", failed.QuerySelector("#job-error")!.TextContent, StringComparison.Ordinal);

        var complete = await renderer.RenderAsync<JobBody>(("JobId", "job_x"), ("Kind", SimulationJobKinds.EconomyComparison), ("Country", "us"),
            ("Status", SimulationJobStatuses.Complete), ("ResultJson", results.UsDeduction.ToJsonString()));
        Assert.Null(complete.QuerySelector("#job-body")!.GetAttribute("hx-trigger"));
        Assert.NotNull(complete.QuerySelector("#economy-result canvas[data-chart=winners]"));
    }

    [Fact]
    public void Csv_is_one_long_table_with_every_section_of_the_result()
    {
        var result = results.UsDeduction;
        var csv = EconomyResultCsv.Write(EconomyResultView.Parse(result));
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(EconomyResultCsv.Header, lines[0]);
        Assert.All(lines, l => Assert.Equal(5, l.Count(c => c == ',')));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        var net = rows.Single(r => r[0] == "budget" && r[1] == "budgetary_impact");
        Assert.Equal(Number(result["budget"]!["budgetary_impact"]), double.Parse(net[5], CultureInfo.InvariantCulture));
        Assert.Equal(["", ""], net[3..5]);
        var households = rows.Single(r => r[0] == "budget" && r[1] == "households");
        Assert.Equal(Number(result["budget"]!["households"]), double.Parse(households[3], CultureInfo.InvariantCulture));

        Assert.Equal(20, rows.Count(r => r[0] == "decile"));
        Assert.Equal(5 * 11, rows.Count(r => r[0] == "intra_decile"));
        var child = rows.Single(r => r[0] == "poverty" && r[1] == "poverty" && r[2] == "child");
        var (baseline, reform) = (Number(result["poverty"]!["poverty"]!["child"]!["baseline"]), Number(result["poverty"]!["poverty"]!["child"]!["reform"]));
        Assert.Equal([baseline, reform, reform - baseline], child[3..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(4, rows.Count(r => r[0] == "poverty_by_gender"));
        Assert.Equal(3, rows.Count(r => r[0] == "inequality"));
        var districts = result["congressional_district_impact"]!["districts"]!.AsArray().Count;
        Assert.Equal(5 * districts, rows.Count(r => r[0] == "congressional_district_impact"));
    }

    [Fact]
    public void Result_view_reads_partial_and_malformed_results_as_empty_sections()
    {
        var empty = EconomyResultView.Parse("not json");
        Assert.Null(empty.Budget);
        Assert.Empty(empty.Deciles);
        Assert.False(empty.IsNoOp);
        Assert.Equal(EconomyResultCsv.Header + "\n", EconomyResultCsv.Write(empty));

        var partial = EconomyResultView.Parse("""{"budget": {"budgetary_impact": "x", "tax_revenue_impact": 5}, "decile": {"average": {"2": 1, "1": -1, "x": 3}}, "constituency_impact": null}""");
        Assert.Equal(0, partial.Budget!.BudgetaryImpact);
        Assert.Equal(5, partial.Budget.TaxRevenueImpact);
        Assert.Equal([1, 2], partial.Deciles.Select(d => d.Decile));
        Assert.Null(partial.AreaKind);
    }
}
