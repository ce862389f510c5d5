using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Features.AccessTokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class SharedComponentTests
{
    [Theory]
    [InlineData(1, 3, false, true)]
    [InlineData(2, 3, true, true)]
    [InlineData(3, 3, true, false)]
    public async Task Pager_links_previous_and_next_and_disables_the_ends(int page, int pages, bool previousEnabled, bool nextEnabled)
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<Pager>(("PageNumber", page), ("PageCount", pages), ("TotalCount", 70), ("UrlFor", (Func<int, string>)(p => $"/x?page={p}")));

        var links = html.QuerySelectorAll("a.page-link").ToList();
        Assert.Equal($"/x?page={page - 1}", links[0].GetAttribute("href"));
        Assert.Equal($"/x?page={page + 1}", links[1].GetAttribute("href"));
        Assert.Equal(previousEnabled, !links[0].ParentElement!.ClassList.Contains("disabled"));
        Assert.Equal(nextEnabled, !links[1].ParentElement!.ClassList.Contains("disabled"));
        Assert.Contains($"Page {page} of {pages} · 70 total", html.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pager_is_silent_for_a_single_page()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<Pager>(("PageNumber", 1), ("PageCount", 1), ("TotalCount", 3), ("UrlFor", (Func<int, string>)(p => "")));
        Assert.Null(html.QuerySelector("nav"));
        Assert.Equal("3 total", html.Body!.TextContent.Trim());
    }

    [Fact]
    public async Task Token_table_offers_revoke_only_for_active_tokens_and_never_shows_secrets()
    {
        var now = DateTime.UtcNow;
        var tokens = new List<AccessTokenSummary>
        {
            new(1, "ci", "ptl_abcdefgh", "u1", "ada@example.org", now, "ada@example.org", null, null, null, "active"),
            new(2, "old", "ptl_zyxwvuts", "u1", "ada@example.org", now, "ada@example.org", now, null, now, "revoked"),
        };
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<TokenTable>(("Tokens", tokens), ("ShowUser", true));

        var rows = html.QuerySelectorAll("tr[data-token-id]").ToList();
        Assert.Equal(["1", "2"], rows.Select(r => r.GetAttribute("data-token-id")));
        var revoke = Assert.Single(html.QuerySelectorAll("button[name=RevokeTokenId]"));
        Assert.Equal("1", revoke.GetAttribute("value"));
        Assert.Contains("Revoke the token “ci”", revoke.GetAttribute("data-confirm"), StringComparison.Ordinal);
        Assert.Equal("ptl_abcdefgh…", rows[0].QuerySelector("code")!.TextContent);
        Assert.Equal("ada@example.org", rows[0].QuerySelector("a[href='/admin/users/u1']")!.TextContent);
        Assert.Equal("post", html.QuerySelector("form")!.GetAttribute("method"));
    }

    [Fact]
    public async Task Empty_token_table_explains_what_tokens_are()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<TokenTable>(("Tokens", new List<AccessTokenSummary>()));
        Assert.Null(html.QuerySelector("table"));
        Assert.Equal("No access tokens", html.QuerySelector("h2")!.TextContent);
    }

    [Theory]
    [InlineData("active", "text-bg-success")]
    [InlineData("Succeeded", "text-bg-success")]
    [InlineData("locked", "text-bg-danger")]
    [InlineData("Failed", "text-bg-danger")]
    [InlineData("Paused", "text-bg-warning")]
    [InlineData("expired", "text-bg-warning")]
    [InlineData("something else", "text-bg-secondary")]
    public async Task Status_badges_are_coloured_by_meaning(string status, string css)
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<StatusBadge>(("Text", status));
        Assert.Contains(css, html.QuerySelector(".badge")!.ClassName, StringComparison.Ordinal);
        Assert.Equal(status, html.QuerySelector(".badge")!.TextContent);
    }

    [Fact]
    public async Task Problem_alert_lists_field_messages_and_field_error_links_to_its_input()
    {
        var problem = new Validation().Add("email", "Enter a valid email.").Add("password", "Too short.").ToProblem();
        await using var renderer = new ComponentRenderer();

        var alert = await renderer.RenderAsync<ProblemAlert>(("Problem", problem));
        Assert.Equal("alert", alert.QuerySelector("#form-problem")!.GetAttribute("role"));
        Assert.Equal(["Enter a valid email.", "Too short."], alert.QuerySelectorAll("li").Select(li => li.TextContent));

        var field = await renderer.RenderAsync<FieldError>(("Problem", problem), ("For", "email"));
        Assert.Equal("Enter a valid email.", field.QuerySelector("#email-error")!.TextContent);
        var none = await renderer.RenderAsync<FieldError>(("Problem", problem), ("For", "name"));
        Assert.Null(none.QuerySelector(".invalid-feedback"));

        Assert.Equal("form-control is-invalid", FieldError.InputClass(problem, "email"));
        Assert.Equal("form-control", FieldError.InputClass(problem, "name"));
        Assert.Equal("form-control", FieldError.InputClass(null, "email"));
    }

    [Fact]
    public async Task Nothing_is_shown_without_a_problem()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<ProblemAlert>(("Problem", null));
        Assert.Equal("", html.Body!.InnerHtml.Trim());
    }

    [Fact]
    public async Task Stat_cards_link_only_when_given_a_target()
    {
        await using var renderer = new ComponentRenderer();
        var linked = await renderer.RenderAsync<StatCard>(("Label", "Users"), ("Key", "users"), ("Value", 3), ("Href", "/admin/users"));
        Assert.Equal("3", linked.QuerySelector("[data-stat=users]")!.TextContent);
        Assert.Equal("/admin/users", linked.QuerySelector("a.stretched-link")!.GetAttribute("href"));

        var plain = await renderer.RenderAsync<StatCard>(("Label", "Users"), ("Key", "users"), ("Value", 3));
        Assert.Null(plain.QuerySelector("a"));
    }

    [Fact]
    public async Task Utc_times_carry_a_machine_readable_value()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<UtcTime>(("Value", (DateTime?)new DateTime(2026, 11, 22, 14, 3, 0, DateTimeKind.Utc)));
        var time = html.QuerySelector("time")!;
        Assert.Equal("2026-11-22 14:03 UTC", time.TextContent);
        Assert.StartsWith("2026-11-22T14:03:00", time.GetAttribute("datetime"), StringComparison.Ordinal);

        var missing = await renderer.RenderAsync<UtcTime>(("Value", (DateTime?)null), ("Empty", "never"));
        Assert.Equal("never", missing.Body!.TextContent.Trim());
    }

    [Fact]
    public async Task Area_intro_states_purpose_and_who_can_act()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<AreaIntro>(
            ("Title", "Bundles"), ("Purpose", "Immutable bundles."), ("Icon", "box-seam"),
            ("EmptyTitle", "No bundles yet"), ("WhoCanAct", "Maintainers create bundles."), ("ChildContent", Fragments.Text("Details.")));
        Assert.Equal("Bundles", html.QuerySelector("h1")!.TextContent);
        Assert.Equal("No bundles yet", html.QuerySelector("h2")!.TextContent);
        Assert.Contains("Maintainers create bundles.", html.Body!.TextContent, StringComparison.Ordinal);
    }
}
