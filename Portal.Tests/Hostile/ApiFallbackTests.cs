using System.Net;
using System.Text;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hostile;

/// <summary>
/// Issue 9, bad input: a real API route called with a method or a Content-Type it does not take
/// answers 405 (with <c>Allow</c>) or 415 (naming the accepted types) as problem details, not the
/// API fallback's 404; an unknown path stays 404, and anonymous callers still learn nothing (401).
/// </summary>
public sealed class ApiFallbackTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("/v1/run", "application/json")]
    [InlineData("/api/v2/run", "application/x-www-form-urlencoded")]
    [InlineData("/v1/run", null)]
    public async Task A_run_spec_in_an_unlisted_content_type_is_415_naming_the_accepted_types(string path, string? contentType)
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"schemaVersion\": 1}"));
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var response = await client.PostAsync(path, content);

        var detail = await ProblemDetailAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/yaml", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_on_a_real_route_is_405_with_allow()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");

        var response = await client.GetAsync("/v1/run");

        var detail = await ProblemDetailAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Contains("POST", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_path_is_still_404_and_anonymous_callers_get_401()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        await ProblemDetailAsync(await client.GetAsync("/v1/no-such-route"), HttpStatusCode.NotFound);
        await ProblemDetailAsync(await client.DeleteAsync("/api/v2/no/such/route"), HttpStatusCode.NotFound);

        using var anonymous = factory.ApiClient();
        var response = await anonymous.GetAsync("/v1/run");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_accepted_content_type_still_reaches_the_endpoint()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        using var content = new StringContent("not: [a spec", Encoding.UTF8, "application/yaml");

        var response = await client.PostAsync("/v1/run", content);

        await ProblemDetailAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }
}
