using System.Net;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>
/// The first ten minutes of a new installation, as one story: setup, sign-out, sign-in, a tour
/// of every page in the side navigation, sign-out again. It is one test because each step
/// depends on the state the previous one left behind.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstRunTests(BrowserFixture browser, FirstRunPortalFixture fixture) : IClassFixture<FirstRunPortalFixture>
{
    private const string Email = "first.admin@example.com";
    private const string Password = "first run passphrase 42";

    /// <summary>Side navigation of an administrator, in order; each page's h1 repeats the link text.</summary>
    private static readonly (string Text, string Path)[] AdminNavigation =
    [
        ("Dashboard", "/"),
        ("Bundles", "/bundles"),
        ("Aliases", "/aliases"),
        ("Simulations", "/simulations"),
        ("Reports", "/reports"),
        ("Household calculator", "/calculator"),
        ("Model explorer", "/models"),
        ("Data releases", "/data"),
        ("Publishing", "/publishing"),
        ("Provenance", "/provenance"),
        ("Templates", "/templates"),
        ("Admin", "/admin"),
        ("Users", "/admin/users"),
        ("Access tokens", "/admin/tokens"),
        ("Jobs", "/admin/jobs"),
        ("Audit log", "/admin/audit"),
    ];

    [Fact]
    public async Task Setup_sign_in_and_a_tour_of_every_page_work_without_errors()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal);
        var page = session.Page;

        await CompleteSetupAsync(session);

        await session.SignOutAsync();
        await session.SignInAsync(Email, Password);

        await VisitEveryNavigationEntryAsync(session);

        await page.NavLink("Dashboard").ClickAsync();
        await Expect(page.Heading()).ToHaveTextAsync("Dashboard");
        await page.ScreenshotAsync("dashboard.png");

        await session.SignOutAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(session.Url("/account/login?ReturnUrl=%2F"));
        await Expect(page.Heading()).ToHaveTextAsync("Sign in");

        session.Watcher.AssertClean();

        // Once an administrator exists, setup must not be reachable again by anybody.
        var setup = await page.GotoAsync("/setup");
        Assert.Equal((int)HttpStatusCode.NotFound, setup!.Status);
        await Expect(page.Locator("#email")).ToHaveCountAsync(0);
    }

    private static async Task CompleteSetupAsync(BrowserSession session)
    {
        var page = session.Page;

        // A new installation sends the first visitor from / via the sign-in page to setup.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(session.Url("/setup"));
        await Expect(page.Heading()).ToHaveTextAsync("Create the administrator account");
        await page.ScreenshotAsync("setup.png");
        session.Watcher.AssertClean();

        await page.Locator("#email").FillAsync(Email);
        await page.Locator("#displayName").FillAsync("First Admin");
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#confirmPassword").FillAsync(Password);
        await page.Button("Create administrator and sign in").ClickAsync();

        await Expect(page).ToHaveURLAsync(session.Url("/"));
        await Expect(page.Heading()).ToHaveTextAsync("Dashboard");
        await Expect(page.Flash()).ToContainTextAsync("Welcome");
        await Expect(page.Locator("#user-menu")).ToContainTextAsync("First Admin");
    }

    private static async Task VisitEveryNavigationEntryAsync(BrowserSession session)
    {
        var page = session.Page;
        var links = page.SideNav().Locator("a.nav-link");
        Assert.Equal(AdminNavigation.Select(e => e.Text), (await links.AllInnerTextsAsync()).Select(t => t.Trim()));

        foreach (var (text, path) in AdminNavigation)
        {
            await page.NavLink(text).ClickAsync();
            await Expect(page).ToHaveURLAsync(session.Url(path));
            await Expect(page.Heading()).ToHaveTextAsync(text);

            // Exactly the link of the current page is marked, for screen readers and the highlight.
            await Expect(page.NavLink(text)).ToHaveAttributeAsync("aria-current", "page");
            await Expect(page.SideNav().Locator("a[aria-current='page']")).ToHaveCountAsync(1);

            if (path == "/admin/jobs")
            {
                await Expect(page.Locator("#scheduled-jobs")).ToContainTextAsync("database-maintenance");
                await page.ScreenshotAsync("jobs.png");
            }
        }
    }
}
