using Portal.Core.Common;
using Portal.Core.Features.Models;

namespace Portal.Tests.Models;

/// <summary>The calculator page's use case: form parsing, the household it builds, and the vary-earnings curve.</summary>
public sealed class CalculatorHandlerTests
{
    [Fact]
    public void Bad_entries_are_reported_per_field_in_words()
    {
        var result = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Earnings1: "lots", Children: "4, twelve", Adults: "3", State: "ZZ", Period: "1800"));

        Assert.False(result.Succeeded);
        var errors = result.Problem!.Errors!;
        Assert.Equal(["adults", "children", "earnings1", "period", "state"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'twelve'", errors["children"][0], StringComparison.Ordinal);
        Assert.Contains("such as 45000", errors["earnings1"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_release_is_not_found()
    {
        var result = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Release: "0.0.9"));

        Assert.Equal(ProblemKind.NotFound, result.Problem!.Kind);
        Assert.Contains("0.0.9", result.Problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us", "TX", null)]
    [InlineData("uk", null, "LONDON")]
    public void Net_income_is_market_income_minus_taxes_plus_benefits(string country, string? state, string? region)
    {
        var outcome = ShippedModels.Calculator.Handle(new HouseholdFormInput(
            Country: country, Adults: "2", Married: "true", Children: "3, 7", Earnings1: "25,000", Earnings2: "8000", State: state, Region: region)).Value!;

        var lines = outcome.Lines.ToDictionary(l => l.Variable);
        var computed = outcome.Lines.Where(l => l.Kind == BreakdownKind.Market).Sum(l => l.Amount)
            - outcome.Lines.Where(l => l.Kind == BreakdownKind.Tax).Sum(l => l.Amount)
            + outcome.Lines.Where(l => l.Kind == BreakdownKind.Benefit).Sum(l => l.Amount);
        Assert.Equal(33_000, lines["household_market_income"].Amount, 0);
        Assert.Equal(lines[NetIncomeBreakdown.NetIncome].Amount, computed, 0);
        Assert.True(outcome.Lines.Where(l => l.Kind == BreakdownKind.Benefit).Sum(l => l.Amount) > 0, "A low-income family with two children receives benefits.");
    }

    [Fact]
    public void The_vary_earnings_curve_matches_single_household_calculations()
    {
        var calculator = ShippedModels.Calculator;
        var curve = calculator.Handle(new HouseholdFormInput(Country: "us", Children: "5", State: "NY")).Value!.Curve!;

        Assert.Equal(RunCalculatorHandler.Points, curve.Earnings.Count);
        Assert.Equal(200_000, curve.Earnings[^1]);
        foreach (var i in new[] { 0, 17, 50, 123, 200 })
        {
            var single = calculator.Handle(new HouseholdFormInput(Country: "us", Children: "5", State: "NY", Earnings1: curve.Earnings[i].ToString(System.Globalization.CultureInfo.InvariantCulture))).Value!;
            Assert.Equal(single.Lines.Single(l => l.Variable == NetIncomeBreakdown.NetIncome).Amount, curve.NetIncome[i], 1);
        }

        // Payroll tax alone takes 7.65% of wages; rates stay within what any real schedule produces.
        Assert.All(curve.MarginalTaxRate, rate => Assert.InRange(rate, -1.0, 1.5));
        Assert.True(curve.MarginalTaxRate[150] >= 0.0765, $"MTR at $150k was {curve.MarginalTaxRate[150]}");
    }

    [Fact]
    public void Two_unmarried_adults_file_separately_and_a_couple_files_jointly()
    {
        var single = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Adults: "2", Earnings1: "40000", Earnings2: "40000")).Value!;
        var couple = ShippedModels.Calculator.Handle(new HouseholdFormInput(Country: "us", Adults: "2", Married: "true", Earnings1: "40000", Earnings2: "40000")).Value!;

        Assert.Equal(2, single.Request["tax_units"]!.AsObject().Count);
        Assert.Single(couple.Request["tax_units"]!.AsObject());
    }
}
