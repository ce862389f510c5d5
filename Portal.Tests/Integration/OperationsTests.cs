using Portal.Core.Data;
using Portal.Core.Data.Migrations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

public sealed class OperationsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Liveness_is_anonymous_and_cheap()
    {
        var response = await factory.ApiClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task All_state_lives_in_the_configured_data_directory()
    {
        await factory.BrowserClient().GetAsync("/account/login"); // issues an antiforgery cookie, so a key exists

        Assert.True(File.Exists(Path.Combine(factory.DataDir, "portal.db")));
        Assert.True(Directory.Exists(Path.Combine(factory.DataDir, "artifacts")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(factory.DataDir, "keys"), "key-*.xml"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(factory.DataDir, "keys")));
        }
    }

    [Fact]
    public async Task Readiness_reports_database_and_scheduler()
    {
        var report = await Poll.UntilAsync(async () =>
        {
            var response = await factory.ApiClient().GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }, TimeSpan.FromSeconds(20), "readiness");

        var checks = JsonDocument.Parse(report).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        // Every shipped migration script has been applied.
        var database = checks.GetProperty("database").GetProperty("data");
        Assert.Equal(MigrationScript.For(DatabaseProvider.Sqlite).Count, database.GetProperty("schema_version").GetInt32());
        Assert.Equal(database.GetProperty("latest_version").GetInt32(), database.GetProperty("schema_version").GetInt32());
        Assert.Equal("Healthy", checks.GetProperty("scheduler").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api_and_its_bearer_scheme()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("Portal API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/me", "/api/tokens", "/api/admin/users", "/api/admin/jobs", "/api/admin/audit" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Swagger_ui_is_served_at_docs_to_signed_in_users_only()
    {
        Assert.Equal(HttpStatusCode.Redirect, (await factory.BrowserClient().GetAsync("/docs/index.html")).StatusCode);

        await factory.CreateUserAsync("docs@example.org", TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync("docs@example.org");
        var page = await browser.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", await browser.GetStringAsync("/docs/index.js"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/api/me")]
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await factory.ApiClient().GetAsync(path);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Pages_reference_only_self_hosted_assets_that_exist()
    {
        var html = await factory.BrowserClient().GetStringAsync("/account/login");
        var document = HtmlForms.Parse(html);
        var urls = document.QuerySelectorAll("link[href], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .ToList();

        Assert.NotEmpty(urls);
        Assert.Empty(document.QuerySelectorAll("script:not([src])"));
        Assert.Empty(document.QuerySelectorAll("[style]"));
        foreach (var url in urls)
        {
            Assert.DoesNotContain("//", url, StringComparison.Ordinal);
            var response = await factory.BrowserClient().GetAsync("/" + url.TrimStart('/'));
            Assert.True(response.IsSuccessStatusCode, $"{url} returned {(int)response.StatusCode}");
        }
    }
}
