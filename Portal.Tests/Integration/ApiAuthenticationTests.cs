using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.AccessTokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>401/403 as problem+json on every API surface; bearer tokens checked on every request.</summary>
public sealed class ApiAuthenticationTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    public static TheoryData<string, string> ApiRoutes => new()
    {
        { "GET", "/api/me" },
        { "GET", "/api/dashboard" },
        { "GET", "/api/tokens" },
        { "POST", "/api/tokens" },
        { "GET", "/api/admin/users" },
        { "POST", "/api/admin/users" },
        { "GET", "/api/admin/jobs" },
        { "POST", "/api/admin/jobs/system/database-maintenance/run" },
        { "GET", "/api/no-such-route" },
        { "GET", "/openapi/v1.json" },
        { "POST", "/simulate/economy/comparison" },
        { "GET", "/jobs/123" },
        { "POST", "/v1/run" },
        { "GET", "/us/report/1" },
        { "POST", "/uk/calculate" },
    };

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Anonymous_calls_get_401_problem_details(string method, string path)
    {
        var response = await factory.ApiClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody("{}") });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("GET", "/api/admin/users")]
    [InlineData("POST", "/api/admin/users")]
    [InlineData("GET", "/api/admin/tokens")]
    [InlineData("GET", "/api/admin/jobs")]
    [InlineData("POST", "/api/admin/jobs/system/database-maintenance/run")]
    [InlineData("GET", "/api/admin/audit")]
    public async Task An_analyst_token_on_admin_routes_gets_403_problem_details(string method, string path)
    {
        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        var response = await analyst.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody("{}") });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_acts_as_its_owner_until_revoked()
    {
        await factory.CreateUserAsync("me@example.org", TestPasswords.Strong, "Reviewer");
        var token = await factory.CreateTokenAsync("me@example.org");
        var client = factory.ApiClient(token);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("me@example.org", me.GetProperty("email").GetString());
        Assert.Equal("token", me.GetProperty("authenticated_by").GetString());
        Assert.Equal(["Reviewer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var id = await factory.WithDbAsync(db => db.AccessTokens.Where(t => t.TokenHash == AccessTokenSecret.Hash(token)).Select(t => t.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/tokens/{id}")).StatusCode);

        var after = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer ptl_garbage")]
    [InlineData("Bearer ptl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer ")]
    public async Task Bad_bearer_tokens_get_401(string header)
    {
        var client = factory.ApiClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        var response = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_routes_answer_404_problem_details_once_authenticated()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var response = await client.GetAsync("/api/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_session_cookie_works_for_reads_but_writes_need_the_antiforgery_header()
    {
        await factory.CreateUserAsync("cookie@example.org", TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync("cookie@example.org");

        var me = await browser.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("cookie", me.GetProperty("authenticated_by").GetString());

        var withoutToken = await browser.PostAsync("/api/tokens", JsonBody("""{"name":"from-browser"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal("application/problem+json", withoutToken.Content.Headers.ContentType?.MediaType);

        var page = await HtmlForms.GetDocumentAsync(browser, "/account/tokens");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonBody("""{"name":"from-browser"}""") };
        request.Headers.Add("RequestVerificationToken", HtmlForms.AntiforgeryToken(page));
        var withToken = await browser.SendAsync(request);
        Assert.True(withToken.StatusCode == HttpStatusCode.Created, await withToken.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{not json", "JSON")]
    [InlineData("""{"name": 5}""", "name")]
    [InlineData("""{"name": "x", "unexpected": 1}""", "unexpected")]
    [InlineData("""{"expires_in_days": 5}""", "name")]
    [InlineData("""{"name": "x", "expires_in_days": "soon"}""", "expires_in_days")]
    public async Task Malformed_bodies_get_400_problem_details_and_write_nothing(string body, string mentioned)
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var before = await factory.WithDbAsync(db => db.AccessTokens.CountAsync());

        var response = await client.PostAsync("/api/tokens", JsonBody(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentioned, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await factory.WithDbAsync(db => db.AccessTokens.CountAsync()));
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");
}
