using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The bundle pages over HTTP: the create form calls the same use case as the API and redirects to the bundle.</summary>
public sealed class BundlePagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_maintainer_creates_a_bundle_with_the_form_and_lands_on_its_page()
    {
        var version = await BundlesApiTests.GenerateReleaseAsync(factory);
        var email = $"bundle-form-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var browser = await factory.SignedInClientAsync(email);

        var list = await HtmlForms.GetDocumentAsync(browser, "/bundles");
        var models = list.QuerySelectorAll("#bundle-model optgroup[data-country=us] option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Contains("1.1.0", models);
        Assert.NotNull(list.QuerySelector($"#bundle-data optgroup[data-country=us] option[value='{version}']"));

        var response = await HtmlForms.SubmitAsync(browser, "/bundles", "create-bundle", new()
        {
            ["Input.Country"] = "us", ["Input.ModelVersion"] = "1.1.0", ["Input.DataVersion"] = version, ["Input.Dataset"] = "national",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = HtmlForms.RedirectTarget(response);
        Assert.Matches("^/bundles/bnd_[0-9a-f]{16}$", target);

        var page = await HtmlForms.GetDocumentAsync(browser, target);
        Assert.Equal(target["/bundles/".Length..], page.QuerySelector("main h1")!.TextContent);
        Assert.Contains("Created bnd_", page.QuerySelector(".flash-area")!.TextContent, StringComparison.Ordinal);
        var bundleId = page.QuerySelector("#bundle-id")!.GetAttribute("value")!;
        Assert.Equal(64, bundleId.Length);
        Assert.NotNull(page.QuerySelector("button[data-copy='#bundle-id']"));
        Assert.NotNull(page.QuerySelector("button[data-copy='#canonical-json']"));
        Assert.Equal(version, page.QuerySelector("#data-version")!.GetAttribute("value"));
        Assert.Equal("true", page.QuerySelector("[data-certified]")!.GetAttribute("data-certified"));
        Assert.NotNull(page.QuerySelector("#certification-checks tr[data-check=smoke_simulation]"));
        Assert.NotNull(page.QuerySelector("#alias-history-empty"));
        Assert.NotNull(page.QuerySelector("#jobs-empty"));

        // The same inputs again: the existing bundle, by full id too.
        var again = await HtmlForms.SubmitAsync(browser, "/bundles", "create-bundle", new()
        {
            ["Input.Country"] = "us", ["Input.ModelVersion"] = "1.1.0", ["Input.DataVersion"] = version, ["Input.Dataset"] = "national",
        });
        Assert.Equal(target, HtmlForms.RedirectTarget(again));
        Assert.Equal(target["/bundles/".Length..], (await HtmlForms.GetDocumentAsync(browser, $"/bundles/{bundleId}")).QuerySelector("main h1")!.TextContent);
    }

    [Fact]
    public async Task The_list_filters_through_the_query_string_and_only_publishers_see_the_form()
    {
        var version = await BundlesApiTests.GenerateReleaseAsync(factory, "uk");
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var bad = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(maintainer, "/api/v2/bundles",
            new { country = "uk", model_version = "1.1.0", data_version = version, dataset = "calibration" });
        Assert.Equal(HttpStatusCode.Created, bad.StatusCode);

        var email = $"bundle-list-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync(email);
        var uncertified = await HtmlForms.GetDocumentAsync(browser, "/bundles?country=uk&certified=false");
        var row = uncertified.QuerySelector("#bundles tbody tr")!;
        Assert.Equal("false", row.QuerySelector("[data-certified]")!.GetAttribute("data-certified"));
        Assert.Equal("uk", uncertified.QuerySelector("#filter-country option[selected]")!.GetAttribute("value"));
        Assert.Null(uncertified.QuerySelector("#create-bundle"));

        var detail = await HtmlForms.GetDocumentAsync(browser, row.QuerySelector("a")!.GetAttribute("href")!);
        Assert.Contains("does not fit the model", detail.QuerySelector("#certification-checks tr[data-check=dataset_loads]")!.TextContent, StringComparison.Ordinal);

        var empty = await HtmlForms.GetDocumentAsync(browser, "/bundles?alias=no-such-alias");
        Assert.Null(empty.QuerySelector("#bundles"));
        Assert.Contains("No bundles match", empty.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        var missing = await HtmlForms.GetDocumentAsync(browser, "/bundles/bnd_0123456789abcdef");
        Assert.Contains("does not exist", missing.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
    }
}
