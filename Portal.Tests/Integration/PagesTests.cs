using System.Net;
using AngleSharp.Html.Dom;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>Server-rendered pages over HTTP: roles decide what is shown and allowed, forms follow post-redirect-get.</summary>
public sealed class PagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly string[] EveryoneAreas = ["/", "/bundles", "/aliases", "/simulations", "/reports", "/calculator", "/models", "/data", "/publishing", "/provenance", "/templates", "/account/tokens", "/account/password"];
    private static readonly string[] AdminAreas = ["/admin", "/admin/users", "/admin/users/new", "/admin/tokens", "/admin/jobs", "/admin/audit"];

    [Fact]
    public async Task An_administrator_can_open_every_area_and_sees_the_admin_navigation()
    {
        var email = $"pages-admin-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Admin");
        var browser = await factory.SignedInClientAsync(email);

        foreach (var path in EveryoneAreas.Concat(AdminAreas))
        {
            var document = await HtmlForms.GetDocumentAsync(browser, path);
            Assert.NotNull(document.QuerySelector("main h1"));
            Assert.NotNull(document.QuerySelector("nav[aria-label='Breadcrumb']"));
        }

        var nav = (await HtmlForms.GetDocumentAsync(browser, "/admin/users")).QuerySelector("nav[aria-label='Main navigation']")!;
        Assert.Contains("/admin/jobs", nav.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal("/admin/users", nav.QuerySelector("a[aria-current=page]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task An_analyst_sees_no_admin_navigation_and_is_turned_away_from_admin_pages()
    {
        var email = $"pages-analyst-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync(email);

        var dashboard = await HtmlForms.GetDocumentAsync(browser, "/");
        Assert.DoesNotContain(dashboard.QuerySelectorAll("nav[aria-label='Main navigation'] a"), a => a.GetAttribute("href")!.StartsWith("/admin", StringComparison.Ordinal));
        Assert.Contains("Analyst", dashboard.QuerySelector("header")!.TextContent, StringComparison.Ordinal);

        foreach (var path in AdminAreas)
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/access-denied", HtmlForms.RedirectTarget(response), StringComparison.Ordinal);
        }

        foreach (var path in EveryoneAreas)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task The_dashboard_shows_counts_from_the_database()
    {
        var email = $"counts-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Admin");
        var browser = await factory.SignedInClientAsync(email);

        var before = int.Parse((await HtmlForms.GetDocumentAsync(browser, "/")).QuerySelector("[data-stat=users]")!.TextContent);
        var expected = await factory.WithDbAsync(db => Task.FromResult(db.Users.Count()));
        Assert.Equal(expected, before);

        await factory.CreateUserAsync($"extra-{Guid.NewGuid():N}@example.org", TestPasswords.Strong, "Reviewer");
        await factory.CreateTokenAsync(email);
        var after = await HtmlForms.GetDocumentAsync(browser, "/");
        Assert.Equal(before + 1, int.Parse(after.QuerySelector("[data-stat=users]")!.TextContent));
        Assert.True(int.Parse(after.QuerySelector("[data-stat=tokens]")!.TextContent) >= 1);
        Assert.Equal("1", after.QuerySelector("[data-stat=scheduled-jobs]")!.TextContent);
    }

    [Fact]
    public async Task Creating_a_token_in_the_ui_shows_the_secret_once_and_it_works_on_the_api()
    {
        var email = $"ui-token-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync(email);

        var response = await HtmlForms.SubmitAsync(browser, "/account/tokens", "create-token", new() { ["Input.Name"] = "notebook", ["Input.ExpiresInDays"] = "30" });
        var page = HtmlForms.Parse(await response.Content.ReadAsStringAsync());
        var secret = ((IHtmlInputElement)page.QuerySelector("#new-token-value")!).Value;
        Assert.Matches("^ptl_", secret);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(secret).GetAsync("/api/me")).StatusCode);

        var later = await HtmlForms.GetDocumentAsync(browser, "/account/tokens");
        Assert.Null(later.QuerySelector("#new-token-value"));
        Assert.DoesNotContain(secret, later.DocumentElement.OuterHtml, StringComparison.Ordinal);

        // Revoke through the page's form: redirect, flash, and the token is dead.
        var id = later.QuerySelector("tr[data-token-id]")!.GetAttribute("data-token-id")!;
        var revoke = await HtmlForms.SubmitAsync(browser, "/account/tokens", "revoke", new() { ["RevokeTokenId"] = id });
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Contains("revoked", (await HtmlForms.GetDocumentAsync(browser, "/account/tokens")).QuerySelector(".flash-area")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Form_validation_problems_are_shown_next_to_the_fields()
    {
        var email = $"form-admin-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Admin");
        var browser = await factory.SignedInClientAsync(email);

        var response = await HtmlForms.SubmitAsync(browser, "/admin/users/new", "new-user", new() { ["Input.Email"] = "broken", ["Input.Password"] = "short" });
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        var page = HtmlForms.Parse(html);
        Assert.NotNull(page.QuerySelector("#form-problem"));
        Assert.Contains("valid email", page.QuerySelector("#email-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", page.QuerySelector("#email")!.ClassName, StringComparison.Ordinal);
        Assert.Contains("Choose at least one role", page.QuerySelector("#roles-error")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_theme_choice_is_remembered_and_rendered_by_the_server()
    {
        var email = $"theme-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Reviewer");
        var browser = await factory.SignedInClientAsync(email);

        var response = await HtmlForms.SubmitAsync(browser, "/bundles", "/preferences/theme", new() { ["theme"] = "dark", ["returnUrl"] = "/bundles" });
        Assert.Equal("/bundles", HtmlForms.RedirectTarget(response));
        var page = await HtmlForms.GetDocumentAsync(browser, "/bundles");
        Assert.Equal("dark", page.DocumentElement.GetAttribute("data-bs-theme"));
    }

    [Fact]
    public async Task Unknown_pages_show_a_friendly_404()
    {
        var email = $"lost-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Reviewer");
        var browser = await factory.SignedInClientAsync(email);

        var response = await browser.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
