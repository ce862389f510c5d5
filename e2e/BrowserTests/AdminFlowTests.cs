using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>
/// What an administrator does in the admin pages. Every test creates the users it needs, so
/// the tests share one portal but not state, and may run in any order.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminFlowTests(BrowserFixture browser, AdminPortalFixture fixture) : IClassFixture<AdminPortalFixture>
{
    private const string UserPassword = "user passphrase for e2e";

    private PortalProcess Portal => fixture.Portal;

    [Fact]
    public async Task User_created_with_a_generated_password_can_sign_in_but_not_administer()
    {
        await using var admin = await SignedInAdminAsync();
        var email = TestAccounts.UniqueEmail("generated");
        var password = await CreateUserAsync(admin, email, "Analyst", password: null);
        Assert.True(password.Length >= 12, $"Generated password '{password}' is shorter than the 12-character minimum.");

        await using var user = await browser.NewSessionAsync(Portal);
        await user.SignInAsync(email, password);

        // An analyst sees the product areas, not the administration section.
        await Expect(user.Page.SideNav().Locator("a.nav-link")).ToHaveCountAsync(11);
        await Expect(user.Page.NavLink("Admin")).ToHaveCountAsync(0);
        await Expect(user.Page.NavLink("Users")).ToHaveCountAsync(0);

        // The pages enforce the same policy as the navigation.
        await user.Page.GotoAsync("/admin/users");
        await Expect(user.Page).ToHaveURLAsync(new Regex("/account/access-denied"));
        await Expect(user.Page.Heading()).ToHaveTextAsync("Access denied");

        admin.Watcher.AssertClean();
        user.Watcher.AssertClean();
    }

    [Fact]
    public async Task Token_secret_is_shown_once_and_revoking_it_stops_the_api_accepting_it()
    {
        await using var admin = await SignedInAdminAsync();
        admin.AcceptDialogs();
        var page = admin.Page;
        var email = TestAccounts.UniqueEmail("tokens");
        await CreateUserAsync(admin, email, "Analyst", UserPassword);
        var name = $"e2e token {Guid.NewGuid():N}"[..18];

        await page.GotoAsync("/admin/tokens");
        await page.Locator("#token-user").FillAsync(email);
        await page.Locator("#token-name").FillAsync(name);
        await page.Locator("#token-expiry").SelectOptionAsync("30");
        await page.Button("Create token").ClickAsync();

        await Expect(page.Locator("#created-token")).ToContainTextAsync(name);
        var token = await page.Locator("#new-token-value").InputValueAsync();
        Assert.Matches(PortalCliExtensions.TokenFormat(), token);
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(token));

        // Only a hash is stored: the next visit cannot show the secret again.
        await page.GotoAsync("/admin/tokens");
        await Expect(page.Locator("#created-token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);

        var row = page.Locator("tr[data-token-id]").Filter(new LocatorFilterOptions { HasText = name });
        await Expect(row).ToContainTextAsync("active");
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Revoke" }).ClickAsync();

        await Expect(page.Flash()).ToContainTextAsync("revoked");
        await Expect(row).ToContainTextAsync("revoked");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        Assert.Contains(admin.AcceptedDialogs, message => message.Contains(name, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(token));

        admin.Watcher.AssertClean();
    }

    [Fact]
    public async Task Locked_user_can_no_longer_sign_in()
    {
        await using var admin = await SignedInAdminAsync();
        admin.AcceptDialogs();
        var email = TestAccounts.UniqueEmail("locked");
        await CreateUserAsync(admin, email, "Reviewer", UserPassword);

        // The password works before the lock, so a failure afterwards is the lock's doing.
        await using (var before = await browser.NewSessionAsync(Portal))
        {
            await before.SignInAsync(email, UserPassword);
            before.Watcher.AssertClean();
        }

        await admin.Page.Locator("#lock-user").ClickAsync();
        await Expect(admin.Page.Flash()).ToContainTextAsync($"{email} is locked");
        await Expect(admin.Page.Locator("#unlock-user")).ToBeVisibleAsync();
        Assert.Contains(admin.AcceptedDialogs, message => message.Contains(email, StringComparison.Ordinal));

        await using var after = await browser.NewSessionAsync(Portal);
        await after.SubmitSignInAsync(email, UserPassword);
        await Expect(after.Page.Locator("#login-error")).ToContainTextAsync("locked");
        await Expect(after.Page).ToHaveURLAsync(after.Url("/account/login"));

        admin.Watcher.AssertClean();
        after.Watcher.AssertClean();
    }

    [Fact]
    public async Task Job_run_from_the_jobs_page_shows_up_as_succeeded_through_htmx_polling()
    {
        await using var admin = await SignedInAdminAsync();
        var page = admin.Page;
        await page.GotoAsync("/admin/jobs");

        var job = page.Locator("#scheduled-jobs tbody tr").Filter(new LocatorFilterOptions { HasText = "database-maintenance" });
        await Expect(job).ToContainTextAsync("system");
        await job.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator(".flash-area .alert-success")).ToBeVisibleAsync();

        // Mark the server-rendered section; only an htmx swap (a script fetching /admin/jobs/live
        // under the CSP and replacing the element) can make the mark disappear.
        await page.Locator("#jobs-live").EvaluateAsync("element => element.setAttribute('data-e2e-stale', '')");
        await Expect(page.Locator("#jobs-live[data-e2e-stale]")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 15_000 });

        var run = page.Locator("#recent-runs tbody tr").Filter(new LocatorFilterOptions { HasText = "system.database-maintenance" });
        await Expect(run.First).ToContainTextAsync("Succeeded", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Expect(run.First).ToContainTextAsync("manual");

        admin.Watcher.AssertClean();
    }

    [Fact]
    public async Task Dark_theme_is_applied_and_remembered_across_pages()
    {
        await using var admin = await SignedInAdminAsync();
        var page = admin.Page;
        var html = page.Locator("html");
        await page.GotoAsync("/bundles");
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "light");

        await ChooseThemeAsync(page, "Dark");
        await Expect(page).ToHaveURLAsync(admin.Url("/bundles"));
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");

        await page.NavLink("Dashboard").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("Dashboard");
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");

        await ChooseThemeAsync(page, "Light");
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "light");

        admin.Watcher.AssertClean();
    }

    private async Task<BrowserSession> SignedInAdminAsync()
    {
        var session = await browser.NewSessionAsync(Portal);
        await session.SignInAsync(TestAccounts.Admin);
        return session;
    }

    /// <summary>Creates a user on /admin/users/new and returns the password (the generated one when none is given).</summary>
    private static async Task<string> CreateUserAsync(BrowserSession admin, string email, string role, string? password)
    {
        var page = admin.Page;
        await page.GotoAsync("/admin/users/new");
        await Expect(page.Heading()).ToHaveTextAsync("New user");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#displayName").FillAsync($"E2E {role}");
        if (password is not null)
        {
            await page.Locator("#password").FillAsync(password);
        }

        await page.Locator($"#new-role-{role}").CheckAsync();
        await page.Button("Create user").ClickAsync();

        if (password is not null)
        {
            // With a chosen password the admin lands on the new user's page.
            await Expect(page.Flash()).ToContainTextAsync($"User {email} created.");
            await Expect(page.Heading()).ToHaveTextAsync($"E2E {role}");
            return password;
        }

        await Expect(page.Locator("#generated-password")).ToContainTextAsync($"{email} can now sign in.");
        return await page.Locator("#generated-password-value").InputValueAsync();
    }

    private static async Task ChooseThemeAsync(IPage page, string theme)
    {
        await page.Locator("#theme-menu").ClickAsync();
        await page.Button(theme).ClickAsync();
    }

    private async Task<HttpStatusCode> MeStatusAsync(string token)
    {
        using var client = Portal.CreateClient(token);
        using var response = await client.GetAsync("/api/me");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("token", me.RootElement.GetProperty("authenticated_by").GetString());
        }

        return response.StatusCode;
    }
}
