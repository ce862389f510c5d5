using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The data release pages over HTTP: generate through the form, then list, detail and the H5 browser.</summary>
public sealed class DataPagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_maintainer_generates_a_release_in_the_form_and_browses_its_file()
    {
        var email = $"data-maintainer-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var browser = await factory.SignedInClientAsync(email);

        var bad = await HtmlForms.SubmitAsync(browser, "/data", "generate-release", new() { ["Input.Version"] = "not-semver" });
        var badPage = HtmlForms.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Version must be semantic", badPage.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);

        var response = await HtmlForms.SubmitAsync(browser, "/data", "generate-release", new()
        {
            ["Input.Country"] = "us",
            ["Input.Version"] = "5.0.0",
            ["Input.Households"] = "200",
            ["Input.Seed"] = "1",
            ["Input.Clones"] = "1",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/data/us/5.0.0", HtmlForms.RedirectTarget(response));

        var list = await HtmlForms.GetDocumentAsync(browser, "/data");
        Assert.NotNull(list.QuerySelector("tr[data-release='us@5.0.0']"));

        var detail = await HtmlForms.GetDocumentAsync(browser, "/data/us/5.0.0");
        Assert.Equal(64, detail.QuerySelector("#manifest-revision")!.TextContent.Length);
        var browse = detail.QuerySelector("tr[data-artifact=national] a.btn-outline-secondary")!.GetAttribute("href")!;

        var tree = await HtmlForms.GetDocumentAsync(browser, browse);
        var link = tree.QuerySelector("li[data-path='/employment_income/2024'] a")!.GetAttribute("href")!;
        var variable = await HtmlForms.GetDocumentAsync(browser, link);
        Assert.Equal("/employment_income/2024", variable.QuerySelector("#variable-panel h2")!.TextContent);
        Assert.Equal(20, variable.QuerySelectorAll("#first-rows li").Length);
        Assert.NotNull(variable.QuerySelector("script#histogram-data"));
        Assert.Contains(variable.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.Contains("data-histogram", StringComparison.Ordinal));

        var missing = await HtmlForms.GetDocumentAsync(browser, browse + "?variable=/nope");
        Assert.Contains("is not a dataset", missing.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_sees_releases_but_no_generate_form()
    {
        var email = $"data-analyst-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync(email);
        var page = await HtmlForms.GetDocumentAsync(browser, "/data");
        Assert.Null(page.QuerySelector("#generate-release"));
        Assert.NotNull(page.QuerySelector("main h1"));
        var missing = await HtmlForms.GetDocumentAsync(browser, "/data/us/9.9.9");
        Assert.Contains("does not exist", missing.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
    }
}
