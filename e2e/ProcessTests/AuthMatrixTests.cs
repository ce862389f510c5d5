using System.Net;
using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests;

/// <summary>An administrator and an analyst, each with a token made by the CLI before the server starts.</summary>
public sealed class AuthMatrixFixture : PortalFixture
{
    public string AdminToken { get; private set; } = "";

    public string AnalystToken { get; private set; } = "";

    protected override string Name => "auth-matrix";

    protected override async Task SeedAsync(PortalProcess portal)
    {
        await portal.CreateUserAsync(TestAccounts.Admin);
        await portal.CreateUserAsync(TestAccounts.Analyst);
        AdminToken = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "matrix admin");
        AnalystToken = await portal.CreateTokenAsync(TestAccounts.Analyst.Email, "matrix analyst");
    }
}

/// <summary>
/// Who may call what, over real HTTP: API routes never redirect to the sign-in page, and every
/// refusal is problem+json with the right status, including for paths that do not exist.
/// </summary>
public sealed class AuthMatrixTests(AuthMatrixFixture fixture) : IClassFixture<AuthMatrixFixture>
{
    private PortalProcess Portal => fixture.Portal;

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/admin/users")]
    [InlineData("/jobs/x")]
    [InlineData("/v1/x")]
    [InlineData("/us/x")]
    [InlineData("/simulate/x")]
    public async Task Anonymous_callers_get_401_problem_details(string path)
    {
        using var client = Portal.CreateClient();
        using var response = await client.GetAsync(path);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Analyst_token_is_forbidden_from_the_admin_api()
    {
        using var client = Portal.CreateClient(fixture.AnalystToken);
        using var response = await client.GetAsync("/api/admin/users");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Analyst_token_identifies_its_user()
    {
        using var client = Portal.CreateClient(fixture.AnalystToken);
        using var response = await client.GetAsync("/api/me");
        var me = await ApiAssert.JsonAsync(response);
        Assert.Equal(TestAccounts.Analyst.Email, me.GetProperty("email").GetString());
        Assert.Equal(TestAccounts.Analyst.DisplayName, me.GetProperty("display_name").GetString());
        Assert.Equal(["Analyst"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("token", me.GetProperty("authenticated_by").GetString());
    }

    [Fact]
    public async Task Admin_token_lists_users()
    {
        using var client = Portal.CreateClient(fixture.AdminToken);
        using var response = await client.GetAsync("/api/admin/users");
        var page = await ApiAssert.JsonAsync(response);
        var emails = page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();
        Assert.Contains(TestAccounts.Admin.Email, emails);
        Assert.Contains(TestAccounts.Analyst.Email, emails);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("ptl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unknown_tokens_get_401_problem_details(string token)
    {
        using var client = Portal.CreateClient(token);
        using var response = await client.GetAsync("/api/me");
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoked_token_gets_401_problem_details()
    {
        var name = $"revoke me {Guid.NewGuid():N}";
        var token = await Portal.CreateTokenAsync(TestAccounts.Analyst.Email, name);
        using var user = Portal.CreateClient(token);
        using (var before = await user.GetAsync("/api/me"))
        {
            await ApiAssert.JsonAsync(before);
        }

        using var admin = Portal.CreateClient(fixture.AdminToken);
        using var tokens = await admin.GetAsync("/api/admin/tokens");
        var id = (await ApiAssert.JsonAsync(tokens)).EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == name)
            .GetProperty("id").GetInt64();
        using (var revoke = await admin.DeleteAsync($"/api/admin/tokens/{id}"))
        {
            Assert.Equal("revoked", (await ApiAssert.JsonAsync(revoke)).GetProperty("status").GetString());
        }

        using var after = await user.GetAsync("/api/me");
        await ApiAssert.ProblemAsync(after, HttpStatusCode.Unauthorized);
    }
}
