using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Engine;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The calculator and model explorer pages over HTTP, as a signed-in user sees them.</summary>
public sealed class ModelPagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> BrowserAsync()
    {
        var email = $"models-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Reviewer");
        return await factory.SignedInClientAsync(email);
    }

    [Fact]
    public async Task The_calculator_computes_a_household_from_the_query_string()
    {
        var browser = await BrowserAsync();

        var page = await HtmlForms.GetDocumentAsync(browser, "/calculator?country=us&adults=2&married=true&children=4,9&earnings1=60000&earnings2=20000&state=NY");

        Assert.Equal("get", page.QuerySelector("form#calculator-form")!.GetAttribute("method"));
        Assert.Equal("NY", page.QuerySelector("select#state option[selected]")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("#breakdown tr[data-variable='household_net_income']"));
        Assert.NotNull(page.QuerySelector("canvas#earnings-chart"));
        Assert.NotNull(page.QuerySelector("script#earnings-chart-data"));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.Contains("earnings-chart", StringComparison.Ordinal));
        Assert.Null(page.QuerySelector("#form-problem"));
    }

    [Fact]
    public async Task The_calculator_explains_bad_input_instead_of_failing()
    {
        var browser = await BrowserAsync();

        var response = await browser.GetAsync("/calculator?country=uk&earnings1=-5&children=abc");
        var page = HtmlForms.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("such as 45000", page.QuerySelector("#earnings1-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("'abc'", page.QuerySelector("#children-error")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("select#region"));
        Assert.Null(page.QuerySelector("#breakdown"));
    }

    [Fact]
    public async Task The_explorer_lists_releases_and_browses_parameters_and_variables()
    {
        var browser = await BrowserAsync();
        var catalog = factory.Services.GetRequiredService<ModelCatalog>();
        var us = catalog.Find("us")!;

        var index = await HtmlForms.GetDocumentAsync(browser, "/models");
        var parameters = await HtmlForms.GetDocumentAsync(browser, $"/models/us/{us.Version}?q=ctc");
        var variable = await HtmlForms.GetDocumentAsync(browser, $"/models/us/{us.Version}?tab=variables&variable=ctc");
        var missing = await HtmlForms.GetDocumentAsync(browser, "/models/us/0.0.0");

        Assert.Equal(catalog.Models.Count, index.QuerySelectorAll("tr[data-version]").Length);
        Assert.NotNull(index.QuerySelector($"a[href='/models/us/{us.Version}']"));
        Assert.NotEmpty(parameters.QuerySelectorAll(".parameter[data-path^='gov.irs.credits.ctc']"));
        Assert.Empty(parameters.QuerySelectorAll(".parameter[data-path^='gov.usda']"));
        Assert.Equal("ctc", variable.QuerySelector("#variable-detail")!.GetAttribute("data-variable"));
        Assert.NotNull(variable.QuerySelector("#formula"));
        Assert.Contains("No such release", missing.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_release_diff_shows_what_changed_between_two_releases()
    {
        var browser = await BrowserAsync();
        var versions = factory.Services.GetRequiredService<ModelCatalog>().Releases("us").Select(m => m.Version)
            .Order(Portal.Core.Engine.SemverComparer.Instance).ToList();

        var diff = await HtmlForms.GetDocumentAsync(browser, $"/models/us/diff?from={versions[0]}&to={versions[^1]}");
        var same = await HtmlForms.GetDocumentAsync(browser, $"/models/us/diff?from={versions[0]}&to={versions[0]}");
        var bad = await HtmlForms.GetDocumentAsync(browser, "/models/us/diff?from=0.0.1&to=1.0.0");

        Assert.NotEmpty(diff.QuerySelectorAll("[data-change]"));
        Assert.Empty(same.QuerySelectorAll("[data-change]"));
        Assert.Contains("0.0.1", bad.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
    }
}
