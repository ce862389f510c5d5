using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Infrastructure;

/// <summary>Locators and steps every browser test uses, named the way a user would describe them.</summary>
public static class PortalUi
{
    /// <summary>The page's main heading (both layouts put exactly one h1 in <c>main</c>).</summary>
    public static ILocator Heading(this IPage page) => page.Locator("main h1");

    public static ILocator SideNav(this IPage page) => page.Locator("nav[aria-label='Main navigation']");

    public static ILocator NavLink(this IPage page, string text) =>
        page.SideNav().GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = text, Exact = true });

    /// <summary>One-shot messages shown after a post-redirect-get.</summary>
    public static ILocator Flash(this IPage page) => page.Locator(".flash-area .alert");

    public static ILocator Button(this IPage page, string name) =>
        page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name, Exact = true });

    /// <summary>Fills and submits the sign-in form; the caller asserts the outcome.</summary>
    public static async Task SubmitSignInAsync(this BrowserSession session, string email, string password)
    {
        var page = session.Page;
        await page.GotoAsync("/account/login");
        await Expect(page.Heading()).ToHaveTextAsync("Sign in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Button("Sign in").ClickAsync();
    }

    /// <summary>Signs in and waits for the dashboard.</summary>
    public static async Task SignInAsync(this BrowserSession session, string email, string password)
    {
        await session.SubmitSignInAsync(email, password);
        await Expect(session.Page).ToHaveURLAsync(session.Url("/"));
        await Expect(session.Page.Heading()).ToHaveTextAsync("Dashboard");

        // Without its styles and scripts every later step fails in a misleading way
        // (hidden menus visible, confirmations skipped): report the cause here instead.
        session.Watcher.AssertClean();
    }

    public static Task SignInAsync(this BrowserSession session, Account account) => session.SignInAsync(account.Email, account.Password);

    /// <summary>Uses the top bar's sign-out button and waits for the sign-in page.</summary>
    public static async Task SignOutAsync(this BrowserSession session)
    {
        await session.Page.Locator("#sign-out").ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(session.Url("/account/login"));
        await Expect(session.Page.Flash()).ToContainTextAsync("You have signed out");
    }

    /// <summary>A full-page screenshot under the test output directory's <c>screenshots</c> folder.</summary>
    public static async Task<string> ScreenshotAsync(this IPage page, string name)
    {
        var path = Path.Combine(RepoLayout.OutputDir("screenshots"), name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"Screenshot {path} is empty.");
        return path;
    }
}
