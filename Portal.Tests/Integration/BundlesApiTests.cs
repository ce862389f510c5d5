using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Features.DataReleases;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

public sealed class BundlesApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    /// <summary>A small release of its own per test, registered through the real use case.</summary>
    internal static async Task<string> GenerateReleaseAsync(PortalFactory factory, string country = "us")
    {
        var version = $"2024.{Random.Shared.Next(1, 999_999)}.0";
        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<GenerateDataReleaseHandler>()
            .HandleAsync(new GenerateDataReleaseRequest(country, version, 800, 3, Clones: 1), Actor.Operator);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return version;
    }

    [Fact]
    public async Task Maintainers_create_a_certified_bundle_once_and_anyone_signed_in_reads_it_by_either_id()
    {
        var version = await GenerateReleaseAsync(factory, "uk");
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var created = await maintainer.PostAsJsonAsync("/bundles", new { country = "uk", model_version = "1.1.0", data_version = version });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bundle = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = bundle.GetProperty("bundle_id").GetString()!;
        var displayId = bundle.GetProperty("display_id").GetString()!;
        Assert.Equal($"/bundles/{id}", created.Headers.Location!.OriginalString);
        Assert.True(bundle.GetProperty("certified").GetBoolean());
        Assert.Equal("national", bundle.GetProperty("dataset").GetString());
        foreach (var field in new[] { "model_sha256", "data_manifest_revision", "dataset_sha256", "engine_version", "canonical_json", "created_at", "created_by", "aliases" })
        {
            Assert.True(bundle.TryGetProperty(field, out _), field);
        }

        var certification = bundle.GetProperty("certification");
        Assert.True(certification.GetProperty("passed").GetBoolean());
        Assert.Equal(800, certification.GetProperty("households").GetInt32());
        Assert.Contains(certification.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "smoke_simulation" && c.GetProperty("passed").GetBoolean());

        var again = await maintainer.PostAsJsonAsync("/api/v2/bundles", new { country = "uk", model_version = "1.1.0", data_version = version, dataset = "national" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("bundle_id").GetString());

        var reviewer = await factory.ApiClientForNewUserAsync("Reviewer");
        foreach (var path in new[] { $"/bundles/{id}", $"/bundles/{displayId}", $"/api/v2/bundles/{displayId}" })
        {
            var one = await reviewer.GetFromJsonAsync<JsonElement>(path);
            Assert.Equal(id, one.GetProperty("bundle_id").GetString());
            Assert.Equal(0, one.GetProperty("jobs").GetArrayLength());
            Assert.Equal(0, one.GetProperty("alias_history").GetArrayLength());
        }

        var list = await reviewer.GetFromJsonAsync<JsonElement>("/bundles?country=uk&certified=true");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), b => b.GetProperty("bundle_id").GetString() == id);
        var none = await reviewer.GetFromJsonAsync<JsonElement>("/api/v2/bundles?country=uk&alias=latest");
        Assert.Equal(0, none.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Bad_input_is_problem_details_and_roles_are_enforced()
    {
        var version = await GenerateReleaseAsync(factory);
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var bad = await maintainer.PostAsJsonAsync("/bundles", new { country = "us", model_version = "9.9.9", data_version = version, dataset = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("Available: 1.0.0, 1.1.0", errors.GetProperty("model_version")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Available: calibration, national", errors.GetProperty("dataset")[0].GetString(), StringComparison.Ordinal);

        var unknownField = await maintainer.PostAsJsonAsync("/bundles", new { country = "us", model_version = "1.1.0", data_version = version, surprise = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        var missing = await maintainer.PostAsJsonAsync("/bundles", new { country = "us" });
        var missingErrors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["model_version", "data_version"], missingErrors.EnumerateObject().Select(p => p.Name));

        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/bundles", new { country = "us", model_version = "1.1.0", data_version = version })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = version })).StatusCode);

        var anonymous = factory.ApiClient();
        foreach (var response in new[]
                 {
                     await anonymous.GetAsync("/bundles"),
                     await anonymous.GetAsync("/api/v2/bundles"),
                     await anonymous.PostAsJsonAsync("/bundles", new { country = "us" }),
                 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        var unknown = await analyst.GetAsync("/bundles/bnd_0123456789abcdef");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/api/v2/bundles/latest")).StatusCode);
    }

    [Fact]
    public async Task Content_negotiation_gives_programs_json_and_browsers_the_page_on_the_same_path()
    {
        var email = $"negotiate-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var token = await factory.CreateTokenAsync(email);

        foreach (var accept in new[] { "*/*", "application/json", null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/bundles");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }

            var response = await factory.ApiClient().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        }

        var browser = await factory.SignedInClientAsync(email);
        var page = await browser.GetAsync("/bundles");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Bundles", HtmlForms.Parse(await page.Content.ReadAsStringAsync()).QuerySelector("main h1")!.TextContent);
        var detailPage = await browser.GetAsync("/bundles/bnd_0123456789abcdef");
        Assert.Equal("text/html", detailPage.Content.Headers.ContentType!.MediaType);

        // A JSON body goes to the API even from the browser session (which then needs the antiforgery header).
        var json = await browser.PostAsJsonAsync("/bundles", new { country = "us" });
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType!.MediaType);
        var jsonBody = await json.Content.ReadAsStringAsync();
        Assert.True(jsonBody.Contains("RequestVerificationToken", StringComparison.Ordinal), jsonBody);

        // A form post goes to the page: the create form answers with its validation message as HTML.
        var form = await HtmlForms.SubmitAsync(browser, "/bundles", "create-bundle", new()
        {
            ["Input.Country"] = "us", ["Input.ModelVersion"] = "9.9.9", ["Input.DataVersion"] = "1.2.3", ["Input.Dataset"] = "national",
        });
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("text/html", form.Content.Headers.ContentType!.MediaType);
        var problem = HtmlForms.Parse(await form.Content.ReadAsStringAsync()).QuerySelector("#form-problem")!;
        Assert.Contains("us has no model release '9.9.9'. Available: 1.0.0, 1.1.0.", problem.TextContent, StringComparison.Ordinal);
    }
}
