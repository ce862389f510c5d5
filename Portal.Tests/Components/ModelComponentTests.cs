using System.Text.Json;
using Portal.Components.Pages.Models;
using Portal.Core.Common;
using Portal.Core.Features.Models;
using Portal.Tests.Infrastructure;
using Portal.Tests.Models;

namespace Portal.Tests.Components;

/// <summary>The calculator and model explorer components rendered with the shipped US and UK releases.</summary>
public sealed class ModelComponentTests
{
    [Fact]
    public async Task Parameter_tree_search_opens_matching_branches_and_shows_values_and_references()
    {
        var model = ShippedModels.Us;
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<ParameterNodeView>(("Node", model.Parameters), ("Model", model), ("Query", "deductions.standard"));

        var leaves = html.QuerySelectorAll(".parameter").Select(p => p.GetAttribute("data-path")).ToList();
        Assert.Contains("gov.irs.deductions.standard.SINGLE", leaves);
        Assert.All(leaves, path => Assert.StartsWith("gov.irs.deductions.standard", path, StringComparison.Ordinal));
        Assert.All(html.QuerySelectorAll("details.parameter-group"), d => Assert.True(d.HasAttribute("open")));
        var single = html.QuerySelector(".parameter[data-path='gov.irs.deductions.standard.SINGLE']")!;
        Assert.Contains(single.QuerySelectorAll(".parameter-values td").Select(td => td.TextContent), text => text == "USD 14,600");
        Assert.StartsWith("https://", single.QuerySelector(".references a")!.GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scales_show_every_bracket_with_rates_as_percentages()
    {
        var model = ShippedModels.Us;
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<ParameterNodeView>(("Node", model.Parameters), ("Model", model), ("Query", "gov.irs.income.brackets.SINGLE"));

        var rows = html.QuerySelectorAll(".parameter[data-path='gov.irs.income.brackets.SINGLE'] .parameter-brackets tbody tr").ToList();
        Assert.Equal(7, rows.Count);
        Assert.StartsWith("10% from 2024-01-01", rows[0].Children[2].TextContent, StringComparison.Ordinal);
        Assert.StartsWith("USD 11,600 from 2024-01-01", rows[1].Children[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Variable_detail_links_dependencies_and_dependents_and_shows_the_formula()
    {
        var model = ShippedModels.Us;
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<VariableDetail>(("Model", model), ("Variable", model.FindVariable("taxable_income")!));

        var prefix = $"/models/us/{model.Version}?tab=variables&variable=";
        Assert.Contains(prefix + "adjusted_gross_income", html.QuerySelectorAll("#dependencies a").Select(a => a.GetAttribute("href")));
        Assert.Contains(prefix + "income_tax_before_credits", html.QuerySelectorAll("#dependents a").Select(a => a.GetAttribute("href")));
        Assert.Equal(model.FindVariable("taxable_income")!.FormulaSource, html.QuerySelector("#formula")!.TextContent);
        Assert.Contains("tax_unit", html.QuerySelector("dl")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Breakdown_and_chart_render_the_outcome_and_the_chart_data_parses()
    {
        var outcome = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Earnings1: "50000", State: "TX")).Value!;
        await using var renderer = new ComponentRenderer();
        var table = await renderer.RenderAsync<BreakdownTable>(("Outcome", outcome));
        var chart = await renderer.RenderAsync<EarningsChart>(("Curve", outcome.Curve), ("Period", outcome.Calculation.Period));

        var net = table.QuerySelector("tr[data-variable='household_net_income'] td")!;
        Assert.Equal(outcome.Lines.Single(l => l.Kind == BreakdownKind.Net).Amount, double.Parse(net.GetAttribute("data-amount")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("− $", table.QuerySelector("tr[data-variable='income_tax'] td")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(chart.QuerySelector("canvas#earnings-chart"));
        using var data = JsonDocument.Parse(chart.QuerySelector("script#earnings-chart-data[type='application/json']")!.TextContent);
        Assert.Equal(201, data.RootElement.GetProperty("net_income").GetArrayLength());
        Assert.Equal("USD", data.RootElement.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_refund_larger_than_the_tax_shows_as_an_addition()
    {
        var outcome = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Earnings1: "20000", Children: "4, 9", State: "TX")).Value!;
        await using var renderer = new ComponentRenderer();
        var table = await renderer.RenderAsync<BreakdownTable>(("Outcome", outcome));

        Assert.True(outcome.Lines.Single(l => l.Variable == "income_tax").Amount < 0, "EITC and the refundable CTC exceed the tax at $20,000 with two children.");
        Assert.StartsWith("+ $", table.QuerySelector("tr[data-variable='income_tax'] td")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_offers_the_country_inputs_and_marks_bad_fields()
    {
        var problem = Problem.Invalid("earnings1", "Employment income of adult 1 must be an amount from 0 to 10,000,000, such as 45000.");
        await using var renderer = new ComponentRenderer();
        var uk = await renderer.RenderAsync<CalculatorForm>(("Catalog", ShippedModels.Catalog), ("Input", new HouseholdFormInput(Country: "uk", Earnings1: "x")), ("Model", ShippedModels.Uk), ("Problem", problem));
        var us = await renderer.RenderAsync<CalculatorForm>(("Catalog", ShippedModels.Catalog), ("Input", new HouseholdFormInput(Country: "us")), ("Model", ShippedModels.Us));

        Assert.Equal("get", uk.QuerySelector("form")!.GetAttribute("method"));
        Assert.NotNull(uk.QuerySelector("select#region"));
        Assert.Null(uk.QuerySelector("select#state"));
        Assert.Equal(51, us.QuerySelectorAll("select#state option").Length);
        Assert.Contains("is-invalid", uk.QuerySelector("#earnings1")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("x", uk.QuerySelector("#earnings1")!.GetAttribute("value"));
        Assert.Contains("such as 45000", uk.QuerySelector("#earnings1-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(ShippedModels.Catalog.Releases("uk").Count() + 1, uk.QuerySelectorAll("select#release option").Length);
    }
}
