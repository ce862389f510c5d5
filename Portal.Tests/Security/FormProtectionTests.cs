using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.Security;

/// <summary>
/// Every form of the pages (<see cref="AccessMatrix.Forms"/>) and every plain form target: a post
/// without the antiforgery token is refused with 400 and writes nothing, the same post with the
/// token gets past antiforgery; and a role-only form refuses every other role even with a valid token.
/// </summary>
public sealed partial class FormProtectionTests(AccessFixture fixture, ITestOutputHelper output) : IClassFixture<AccessFixture>
{
    [Fact]
    public void Every_form_in_the_razor_sources_is_in_the_matrix()
    {
        var components = Path.Combine(RepositoryLayout.Root, "Portal", "Components");
        var inSources = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => FormNamePattern().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value))
            .Where(name => !name.StartsWith('@'))
            .ToHashSet(StringComparer.Ordinal);
        var inMatrix = AccessMatrix.Forms.Select(f => f.FormName).ToHashSet(StringComparer.Ordinal);

        Assert.True(inSources.SetEquals(inMatrix),
            $"Forms in the sources but not in AccessMatrix.Forms: {string.Join(", ", inSources.Except(inMatrix))}; "
            + $"in the matrix but not in the sources: {string.Join(", ", inMatrix.Except(inSources))}");
    }

    [Fact]
    public async Task Page_forms_without_the_antiforgery_token_get_400_and_change_nothing_and_with_it_get_past_antiforgery()
    {
        var places = await PlaceholdersAsync();
        var failures = new List<string>();
        foreach (var form in AccessMatrix.Forms.Where(f => f.Page != "/setup"))
        {
            var page = Fill(form.Page, places);
            var client = form.Requirement == AccessMatrix.Anonymous ? fixture.BrowserClient() : fixture.Browsers[PortalRoles.Admin];

            var before = await fixture.FingerprintAsync();
            using var forged = await client.PostAsync(page, new FormUrlEncodedContent([new("_handler", form.FormName)]));
            var after = await fixture.FingerprintAsync();
            if (forged.StatusCode != HttpStatusCode.BadRequest || before != after)
            {
                failures.Add($"{page} '{form.FormName}' without a token: {(int)forged.StatusCode}{(before == after ? "" : ", and the database changed")}");
            }

            // With the token (the form as the page renders it, empty inputs): anything but 400 means it
            // got past antiforgery (typically 200 with validation messages). Forms that need data the
            // fixture does not have (an alias history, a report) are not rendered: the role test covers them.
            var document = await HtmlForms.GetDocumentAsync(client, page);
            if (!HasForm(document, form.FormName))
            {
                output.WriteLine($"{page} '{form.FormName}': not rendered without seeded data; token-less post checked only");
                continue;
            }

            using var genuine = await HtmlForms.SubmitAsync(client, document, page, form.FormName, []);
            if (genuine.StatusCode == HttpStatusCode.BadRequest)
            {
                failures.Add($"{page} '{form.FormName}' with its token: 400 {await genuine.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Setup_while_empty_needs_the_antiforgery_token_too()
    {
        await using var empty = new PortalFactory();
        var client = empty.BrowserClient();
        using var forged = await client.PostAsync("/setup", new FormUrlEncodedContent(
        [
            new("_handler", "setup"), new("Input.Email", "first@example.org"), new("Input.Password", TestPasswords.Strong),
            new("Input.ConfirmPassword", TestPasswords.Strong),
        ]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(0, await empty.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Users)));
    }

    [Fact]
    public async Task Plain_form_targets_need_the_antiforgery_token()
    {
        // A Maintainer may use every plain form target (the import form needs CanPublish), so a refusal here is antiforgery's.
        var browser = await fixture.SignedInClientAsync(fixture.Emails[PortalRoles.Maintainer]);
        foreach (var target in AccessMatrix.FormEndpoints)
        {
            using var forged = await browser.PostAsync(target, new FormUrlEncodedContent([new("theme", "dark"), new("returnUrl", "/")]));
            Assert.True(forged.StatusCode == HttpStatusCode.BadRequest, $"{target} without a token: {(int)forged.StatusCode}");
            Assert.DoesNotContain(forged.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("portal.theme", StringComparison.Ordinal)));
        }

        // The refused sign-out left the session alone.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var token = HtmlForms.AntiforgeryToken(await HtmlForms.GetDocumentAsync(browser, "/"));
        using var theme = await browser.PostAsync("/preferences/theme", new FormUrlEncodedContent(
            [new("theme", "dark"), new("returnUrl", "/"), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, theme.StatusCode);
        using var logout = await browser.PostAsync("/account/logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal("/account/login", AccessFixture.RedirectPath(logout));
        Assert.StartsWith("/account/login", AccessFixture.RedirectPath(await browser.GetAsync("/")));
    }

    /// <summary>
    /// With a valid antiforgery token, as every role the form is not for: pages that need the role
    /// redirect to access-denied; shared pages do not render the form, so Blazor finds no form of
    /// that name (400); pages that check the capability themselves answer 403. Either way nothing is written.
    /// </summary>
    [Fact]
    public async Task Role_only_forms_refuse_the_other_roles_and_change_nothing()
    {
        var places = await PlaceholdersAsync();
        var failures = new List<string>();
        foreach (var role in PortalRoles.All)
        {
            var browser = fixture.Browsers[role];
            var token = HtmlForms.AntiforgeryToken(await HtmlForms.GetDocumentAsync(browser, "/"));

            // Outside Development Blazor answers both a bad token and an unknown form name with a bare
            // 400, so first prove the token is good: a form this role has gets past antiforgery with it.
            using (var control = await browser.PostAsync("/account/tokens", new FormUrlEncodedContent(
                [new("_handler", "create-token"), new("__RequestVerificationToken", token)])))
            {
                Assert.Equal(HttpStatusCode.OK, control.StatusCode);
            }

            foreach (var form in AccessMatrix.Forms.Where(f => !AccessMatrix.Allows(f.Requirement, role)))
            {
                var page = Fill(form.Page, places);
                var before = await fixture.FingerprintAsync();
                using var response = await browser.PostAsync(page, new FormUrlEncodedContent(
                    [new("_handler", form.FormName), new("__RequestVerificationToken", token)]));
                var after = await fixture.FingerprintAsync();
                var redirect = AccessFixture.RedirectPath(response);
                var refused = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden
                    || redirect?.StartsWith("/account/access-denied", StringComparison.Ordinal) == true;
                if (!refused || before != after)
                {
                    failures.Add($"{role} {page} '{form.FormName}': {(int)response.StatusCode} {redirect}{(before == after ? "" : ", and the database changed")}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// The JSON API with the session cookie (a page's script, or a forged cross-site request): every
    /// unsafe route without the RequestVerificationToken header is a 400 (the CSRF filter, or body
    /// binding before it) and writes nothing. As Admin, so authorization lets every call through.
    /// </summary>
    [Fact]
    public async Task Cookie_calls_to_unsafe_api_routes_without_the_antiforgery_header_get_400_and_change_nothing()
    {
        var browser = fixture.Browsers[PortalRoles.Admin];
        var failures = new List<string>();
        var endpoints = fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.Cast<RouteEndpoint>()
            .Where(e => !EndpointAccessTests.IsStaticAsset(e) && e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null);
        foreach (var endpoint in endpoints)
        {
            var (method, path, isApi) = EndpointAccessTests.RequestFor(endpoint);
            if (!isApi || method is "GET" or "HEAD")
            {
                continue;
            }

            var before = await fixture.FingerprintAsync();
            using var response = await EndpointAccessTests.SendAsync(browser, method, path, isApi, endpoint);
            var after = await fixture.FingerprintAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || before != after)
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode}{(before == after ? "" : ", and the database changed")}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task<Dictionary<string, string>> PlaceholdersAsync()
    {
        var templates = await fixture.Tokens[PortalRoles.Admin].GetFromJsonAsync<JsonElement>("/api/v2/templates");
        var email = $"target-{Guid.NewGuid():N}@access.example.org";
        var user = await fixture.CreateUserAsync(email, TestPasswords.Strong, PortalRoles.Analyst);
        await fixture.CreateTokenAsync(email, "target");
        return new(StringComparer.Ordinal)
        {
            ["{template}"] = templates.EnumerateArray().First().GetProperty("id").GetString()!,
            ["{report}"] = "999999",
            ["{run}"] = "run_unknown",
            ["{user}"] = user.Id,
        };
    }

    private static string Fill(string page, Dictionary<string, string> places) =>
        places.Aggregate(page, (path, p) => path.Replace(p.Key, p.Value, StringComparison.Ordinal));

    private static bool HasForm(IHtmlDocument document, string formName) =>
        document.QuerySelector($"form input[name=_handler][value='{formName}']") is not null;

    [GeneratedRegex("""(?:@formname="|FormName\s*=\s*")(?<name>[^"]+)""")]
    private static partial Regex FormNamePattern();
}
