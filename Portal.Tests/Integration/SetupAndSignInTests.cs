using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The first-run journey over HTTP: setup only while empty, then sign-in and sign-out.</summary>
public sealed class SetupAndSignInTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task First_run_then_setup_disappears_and_sign_in_works()
    {
        var visitor = factory.BrowserClient();

        // Empty database: every page leads to setup.
        var home = await visitor.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/account/login", HtmlForms.RedirectTarget(home), StringComparison.Ordinal);
        var login = await visitor.GetAsync("/account/login");
        Assert.Equal("/setup", HtmlForms.RedirectTarget(login));

        // A mistake is shown on the form and creates nothing.
        var mismatch = await HtmlForms.SubmitAsync(visitor, "/setup", "setup", new()
        {
            ["Input.Email"] = "root@example.org",
            ["Input.Password"] = TestPasswords.Strong,
            ["Input.ConfirmPassword"] = "not the same passphrase",
        });
        Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
        Assert.Contains("The passwords do not match.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(db => Task.FromResult(db.Users.Count())));

        var created = await HtmlForms.SubmitAsync(visitor, "/setup", "setup", new()
        {
            ["Input.Email"] = "root@example.org",
            ["Input.DisplayName"] = "Root Admin",
            ["Input.Password"] = TestPasswords.Strong,
            ["Input.ConfirmPassword"] = TestPasswords.Strong,
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/", HtmlForms.RedirectTarget(created));

        // Signed in as the new administrator, welcomed once.
        var dashboard = HtmlForms.Parse(await visitor.GetStringAsync("/"));
        Assert.Equal("Dashboard", dashboard.QuerySelector("h1")!.TextContent.Trim());
        Assert.Contains("Welcome, Root Admin", dashboard.QuerySelector(".flash-area")!.TextContent, StringComparison.Ordinal);
        Assert.Null(HtmlForms.Parse(await visitor.GetStringAsync("/")).QuerySelector(".flash-area"));

        // Setup is gone, for GET and POST alike, and nothing more is created.
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.BrowserClient().GetAsync("/setup")).StatusCode);
        var stranger = factory.BrowserClient();
        var token = (await HtmlForms.GetDocumentAsync(stranger, "/account/login")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var latePost = await stranger.PostAsync("/setup", new FormUrlEncodedContent([
            new("_handler", "setup"), new("__RequestVerificationToken", token), new("Input.Email", "late@example.org"),
            new("Input.Password", TestPasswords.Strong), new("Input.ConfirmPassword", TestPasswords.Strong)]));
        Assert.Equal(HttpStatusCode.NotFound, latePost.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => Task.FromResult(db.Users.Count())));

        // Sign out, then sign in through the form.
        var signOut = await HtmlForms.SubmitAsync(visitor, "/", "/account/logout", []);
        Assert.Equal("/account/login", HtmlForms.RedirectTarget(signOut));
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.GetAsync("/")).StatusCode);

        var wrong = await HtmlForms.SubmitAsync(visitor, "/account/login", "login", new() { ["Input.Email"] = "root@example.org", ["Input.Password"] = "wrong password here" });
        Assert.Contains("The email or password is not correct.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await HtmlForms.SubmitAsync(visitor, "/account/login?ReturnUrl=%2Fadmin%2Fusers", "login", new() { ["Input.Email"] = "root@example.org", ["Input.Password"] = TestPasswords.Strong });
        Assert.Equal("/admin/users", HtmlForms.RedirectTarget(right));
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/admin/users")).StatusCode);
    }
}

public sealed class SignInSecurityTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Return_url_cannot_leave_the_site()
    {
        await factory.CreateUserAsync("redirect@example.org", TestPasswords.Strong, "Analyst");
        var client = factory.BrowserClient();
        var response = await HtmlForms.SubmitAsync(client, "/account/login?ReturnUrl=https%3A%2F%2Fevil.example%2F", "login",
            new() { ["Input.Email"] = "redirect@example.org", ["Input.Password"] = TestPasswords.Strong });
        Assert.Equal("/", HtmlForms.RedirectTarget(response));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_temporarily()
    {
        await factory.CreateUserAsync("guess@example.org", TestPasswords.Strong, "Analyst");
        for (var i = 0; i < 5; i++)
        {
            await HtmlForms.SubmitAsync(factory.BrowserClient(), "/account/login", "login", new() { ["Input.Email"] = "guess@example.org", ["Input.Password"] = $"wrong guess {i}!!" });
        }

        var response = await HtmlForms.SubmitAsync(factory.BrowserClient(), "/account/login", "login",
            new() { ["Input.Email"] = "guess@example.org", ["Input.Password"] = TestPasswords.Strong });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This account is locked.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_without_an_antiforgery_token_is_rejected_and_changes_nothing()
    {
        var client = factory.BrowserClient();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent([
            new("_handler", "login"), new("Input.Email", "x@example.org"), new("Input.Password", "whatever whatever")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pages_require_sign_in_but_the_sign_in_page_and_assets_do_not()
    {
        await factory.CreateUserAsync("someone@example.org", TestPasswords.Strong, "Analyst");
        var anonymous = factory.BrowserClient();
        foreach (var page in new[] { "/", "/bundles", "/admin", "/admin/users", "/account/tokens", "/no-such-page" })
        {
            var response = await anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", HtmlForms.RedirectTarget(response), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/account/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/css/portal.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/lib/bootstrap/css/bootstrap.min.css")).StatusCode);
    }
}
