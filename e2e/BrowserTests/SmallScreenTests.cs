using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.BrowserTests;

/// <summary>On a phone the side navigation is an off-canvas menu behind the top bar's menu button.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SmallScreenTests(BrowserFixture browser, AdminPortalFixture fixture) : IClassFixture<AdminPortalFixture>
{
    [Fact]
    public async Task Navigation_opens_from_the_menu_button_on_a_phone()
    {
        await using var session = await browser.NewSessionAsync(fixture.Portal, width: 390, height: 844);
        var page = session.Page;
        await session.SignInAsync(TestAccounts.Admin);

        // Below Bootstrap's lg breakpoint the navigation is hidden until the menu is opened.
        await Expect(page.NavLink("Bundles")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Open menu" }).ClickAsync();
        await Expect(page.NavLink("Bundles")).ToBeVisibleAsync();

        await page.NavLink("Bundles").ClickAsync();
        await Expect(page).ToHaveURLAsync(session.Url("/bundles"));
        await Expect(page.Heading()).ToHaveTextAsync("Bundles");

        // The menu closes with the page load; the (hidden) navigation still marks the current page.
        await Expect(page.NavLink("Bundles")).ToBeHiddenAsync();
        await Expect(page.SideNav().Locator("a.nav-link[aria-current='page']")).ToHaveTextAsync("Bundles");

        session.Watcher.AssertClean();
    }
}
