using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The templates pages through the real pipeline: list with tag filter, generate form with validation and result.</summary>
public sealed class TemplatePagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> SignedInAsync()
    {
        var email = $"analyst-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        return await factory.SignedInClientAsync(email);
    }

    [Fact]
    public async Task List_filters_by_tag()
    {
        var client = await SignedInAsync();
        var all = await HtmlForms.GetDocumentAsync(client, "/templates");
        Assert.True(all.QuerySelectorAll("#templates tbody tr").Length >= 6);
        var uk = await HtmlForms.GetDocumentAsync(client, "/templates?tag=uk");
        var links = uk.QuerySelectorAll("#templates tbody a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(3, links.Count);
        Assert.All(links, l => Assert.StartsWith("/templates/uk-", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generate_form_reports_bad_values_and_shows_the_spec_and_provenance()
    {
        var client = await SignedInAsync();
        var fields = new Dictionary<string, string>
        {
            ["p.eldest_weekly"] = "40", ["p.additional_weekly"] = "lots", ["p.year"] = "2027", ["p.region"] = "uk", ["p.bundle"] = "latest",
        };
        var bad = HtmlForms.Parse(await (await HtmlForms.SubmitAsync(client, "/templates/uk-child-benefit-uplift", "generate", fields)).Content.ReadAsStringAsync());
        Assert.Contains("'additional_weekly' is a number", bad.QuerySelector("#additional_weekly-error")!.TextContent, StringComparison.Ordinal);
        Assert.Null(bad.QuerySelector("#generated"));

        fields["p.additional_weekly"] = "30";
        fields["embed"] = "true";
        var response = await HtmlForms.SubmitAsync(client, "/templates/uk-child-benefit-uplift", "generate", fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ok = HtmlForms.Parse(await response.Content.ReadAsStringAsync());
        var yaml = ok.QuerySelector("#model-yaml")!.TextContent;
        Assert.StartsWith("schemaVersion: 1\nprovenance:\n  source: portal-sim\n", yaml, StringComparison.Ordinal);
        Assert.Contains("      value: 30\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\"additional_weekly\": 30", ok.QuerySelector("#provenance-json")!.TextContent, StringComparison.Ordinal);
        var run = ok.QuerySelector("form#run-spec")!;
        Assert.Equal("/runs/new", run.GetAttribute("action"));
        Assert.Equal(yaml, run.QuerySelector("input[name='Input.Spec']")!.GetAttribute("value"));
        Assert.Equal("start-run", run.QuerySelector("input[name=_handler]")!.GetAttribute("value"));
    }
}
