using Portal.Components.Layout;
using Portal.Components.Shared;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class SideNavTests
{
    private static readonly string[] ProductAreas = ["/", "/bundles", "/aliases", "/simulations", "/reports", "/calculator", "/models", "/data", "/publishing", "/provenance", "/templates"];
    private static readonly string[] AdminAreas = ["/admin", "/admin/users", "/admin/tokens", "/admin/jobs", "/admin/audit"];

    [Fact]
    public async Task Administrators_see_every_area_including_administration()
    {
        await using var renderer = new ComponentRenderer("http://localhost/", ComponentRenderer.User("root", PortalRoles.Admin));
        var html = await renderer.RenderAsync<SideNav>();

        Assert.Equal(ProductAreas.Concat(AdminAreas), html.QuerySelectorAll("a.nav-link").Select(a => a.GetAttribute("href")));
        Assert.Contains("Administration", html.Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PortalRoles.Maintainer)]
    [InlineData(PortalRoles.Analyst)]
    [InlineData(PortalRoles.Reviewer)]
    public async Task Other_roles_see_the_product_areas_only(string role)
    {
        await using var renderer = new ComponentRenderer("http://localhost/", ComponentRenderer.User("someone", role));
        var html = await renderer.RenderAsync<SideNav>();

        Assert.Equal(ProductAreas, html.QuerySelectorAll("a.nav-link").Select(a => a.GetAttribute("href")));
        Assert.DoesNotContain("Administration", html.Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost/", "/")]
    [InlineData("http://localhost/bundles", "/bundles")]
    [InlineData("http://localhost/admin/users/abc?tab=roles", "/admin/users")]
    [InlineData("http://localhost/admin", "/admin")]
    public async Task Exactly_one_link_is_marked_as_the_current_page(string uri, string expected)
    {
        await using var renderer = new ComponentRenderer(uri, ComponentRenderer.User("root", PortalRoles.Admin));
        var html = await renderer.RenderAsync<SideNav>();

        var current = Assert.Single(html.QuerySelectorAll("a[aria-current=page]"));
        Assert.Equal(expected, current.GetAttribute("href"));
        Assert.Contains("active", current.ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Icons_are_hidden_from_assistive_technology() 
    {
        await using var renderer = new ComponentRenderer("http://localhost/", ComponentRenderer.User("root", PortalRoles.Admin));
        var html = await renderer.RenderAsync<SideNav>();
        Assert.All(html.QuerySelectorAll("i.bi"), icon => Assert.Equal("true", icon.GetAttribute("aria-hidden")));
    }
}

public sealed class TopBarTests
{
    [Fact]
    public async Task Shows_the_user_their_roles_and_a_sign_out_form_with_an_antiforgery_field()
    {
        var user = ComponentRenderer.User("ada@example.org", PortalRoles.Analyst, PortalRoles.Reviewer);
        await using var renderer = new ComponentRenderer("http://localhost/reports", user);
        var html = await renderer.RenderAsync<TopBar>();

        Assert.Contains("ada@example.org", html.QuerySelector("#user-menu")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Analyst", "Reviewer"], html.QuerySelectorAll(".role-badge").Select(b => b.TextContent));
        var signOut = html.QuerySelector("form[action='/account/logout']")!;
        Assert.Equal("post", signOut.GetAttribute("method"));
        Assert.NotNull(signOut.QuerySelector("#sign-out"));
        Assert.Equal("/reports", html.QuerySelector("form[action='/preferences/theme'] input[name=returnUrl]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Anonymous_visitors_get_no_user_menu()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<TopBar>();
        Assert.Null(html.QuerySelector("#user-menu"));
        Assert.Null(html.QuerySelector("#sign-out"));
    }
}

public sealed class PageHeaderTests
{
    [Fact]
    public async Task Breadcrumbs_start_at_the_dashboard_and_end_at_the_current_page()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<PageHeader>(
            ("Title", "Ada Lovelace"),
            ("Subtitle", "ada@example.org"),
            ("Crumbs", new Crumb[] { new("Admin", "/admin"), new("Users", "/admin/users") }));

        var items = html.QuerySelectorAll("nav[aria-label=Breadcrumb] li");
        Assert.Equal(["Dashboard", "Admin", "Users", "Ada Lovelace"], items.Select(i => i.TextContent.Trim()));
        Assert.Equal(["/", "/admin", "/admin/users"], items.SkipLast(1).Select(i => i.QuerySelector("a")!.GetAttribute("href")));
        Assert.Equal("page", items[^1].GetAttribute("aria-current"));
        Assert.Equal("Ada Lovelace", html.QuerySelector("h1")!.TextContent);
        Assert.Equal("ada@example.org", html.QuerySelector("h1 + p")!.TextContent);
    }

    [Fact]
    public async Task The_dashboard_is_its_own_only_crumb()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<PageHeader>(("Title", "Dashboard"), ("IsDashboard", true));
        Assert.Equal(["Dashboard"], html.QuerySelectorAll("nav[aria-label=Breadcrumb] li").Select(i => i.TextContent.Trim()));
    }
}
