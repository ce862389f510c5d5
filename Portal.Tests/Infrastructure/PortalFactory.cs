using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Users;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real application in memory, on its own SQLite file in its own data directory, with its
/// own Quartz scheduler name (schedulers are registered process-wide by name). One per test class.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _dataDir = new("portal-it");

    public string DataDir => _dataDir.Path;

    /// <summary>Extra configuration, e.g. the PostgreSQL provider.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // As strict as Development: every registered service must be constructible.
        builder.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
        builder.UseSetting("Portal:DataDir", DataDir);
        builder.UseSetting("Scheduler:Name", $"portal-test-{Guid.NewGuid():N}");
        builder.UseSetting("Logging:File:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task<UserSummary> CreateUserAsync(string email, string password, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreateUserHandler>()
            .HandleAsync(new CreateUserRequest(email, null, password, roles), Actor.Operator);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return result.Value!;
    }

    public async Task<string> CreateTokenAsync(string email, string name = "test", int? expiresInDays = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreateAccessTokenHandler>()
            .HandleAsync(new CreateAccessTokenRequest(email, name, expiresInDays), Actor.Operator);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return result.Value!.Token;
    }

    /// <summary>A user with the given role and a bearer client for them.</summary>
    public async Task<HttpClient> ApiClientForNewUserAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await CreateUserAsync(email, TestPasswords.Strong, role);
        return ApiClient(await CreateTokenAsync(email));
    }

    public HttpClient ApiClient(string? token = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>What a browser sends for a navigation; paths shared by pages and the API answer it with the page.</summary>
    public const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    /// <summary>A browser-like client: cookies, no automatic redirects, a browser's Accept header.</summary>
    public HttpClient BrowserClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Accept.ParseAdd(BrowserAccept);
        return client;
    }

    /// <summary>Signs in through the real login form and returns the cookie-carrying client.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email, string password = TestPasswords.Strong)
    {
        var client = BrowserClient();
        var response = await HtmlForms.SubmitAsync(client, "/account/login", "login", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _dataDir.Dispose();
        }
    }
}

public static class TestPasswords
{
    public const string Strong = "correct horse battery staple";
}
