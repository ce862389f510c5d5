using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// A token stops working on the very next request after it is revoked (by its owner, by an
/// administrator, through the API, a page form or the handler the CLI uses), after its owner loses
/// the role it relied on and after the owner is locked, even though valid tokens are cached for
/// <see cref="AccessTokenCache.Lifetime"/>: every case first warms the cache. Single instance; a
/// second node sees such changes within the cache lifetime (the cluster suite covers that).
/// </summary>
public sealed class TokenRevocationTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Revoked_through_the_owners_api_the_token_fails_on_the_next_request()
    {
        var (client, id) = await WarmTokenAsync(PortalRoles.Analyst);
        var other = factory.ApiClient(await factory.CreateTokenAsync((await MeAsync(client)).Email, "second"));

        Assert.Equal(HttpStatusCode.OK, (await other.DeleteAsync($"/api/tokens/{id}")).StatusCode);

        await AssertRefusedAsync(client, "revoked");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Revoked_by_an_administrator_the_token_fails_on_the_next_request()
    {
        var (client, id) = await WarmTokenAsync(PortalRoles.Maintainer);
        var admin = await factory.ApiClientForNewUserAsync(PortalRoles.Admin);

        var revoked = await admin.DeleteAsync($"/api/admin/tokens/{id}");
        Assert.Equal("revoked", (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await AssertRefusedAsync(client, "revoked");
    }

    [Fact]
    public async Task Revoked_with_the_handler_the_cli_uses_the_token_fails_on_the_next_request()
    {
        var (client, id) = await WarmTokenAsync(PortalRoles.Reviewer);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<RevokeAccessTokenHandler>().HandleAsync(id, Actor.Operator);
            Assert.True(result.Succeeded);
        }

        await AssertRefusedAsync(client, "revoked");
    }

    [Fact]
    public async Task Revoked_on_the_account_page_the_token_fails_on_the_next_request()
    {
        var (client, id) = await WarmTokenAsync(PortalRoles.Analyst);
        var browser = await factory.SignedInClientAsync((await MeAsync(client)).Email);

        var response = await HtmlForms.SubmitAsync(browser, "/account/tokens", "revoke", new() { ["RevokeTokenId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        await AssertRefusedAsync(client, "revoked");
    }

    [Fact]
    public async Task Revoked_on_the_admin_user_page_the_token_fails_on_the_next_request()
    {
        var (client, id) = await WarmTokenAsync(PortalRoles.Analyst);
        var me = await MeAsync(client);
        var adminEmail = $"admin-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(adminEmail, TestPasswords.Strong, PortalRoles.Admin);
        var browser = await factory.SignedInClientAsync(adminEmail);

        var response = await HtmlForms.SubmitAsync(browser, $"/admin/users/{me.Id}", "revoke", new() { ["RevokeTokenId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        await AssertRefusedAsync(client, "revoked");
    }

    /// <summary>The revoke form of /account/tokens takes any id: someone else's token must stay untouched (it looks missing).</summary>
    [Fact]
    public async Task Nobody_but_the_owner_or_an_administrator_can_revoke_a_token()
    {
        var (victim, id) = await WarmTokenAsync(PortalRoles.Admin);
        var attackerEmail = $"maintainer-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(attackerEmail, TestPasswords.Strong, PortalRoles.Maintainer);
        var attacker = factory.ApiClient(await factory.CreateTokenAsync(attackerEmail));
        var browser = await factory.SignedInClientAsync(attackerEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await attacker.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        await HtmlForms.SubmitAsync(browser, "/account/tokens", "create-token", new() { ["Input.Name"] = "so the revoke form renders" });
        var page = await HtmlForms.SubmitAsync(browser, "/account/tokens", "revoke", new() { ["RevokeTokenId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(page.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, page.StatusCode.ToString());

        Assert.Null(await factory.WithDbAsync(db => db.AccessTokens.Where(t => t.Id == id).Select(t => t.RevokedUtc).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/api/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Losing_a_role_applies_to_the_token_on_the_next_request()
    {
        var (client, _) = await WarmTokenAsync(PortalRoles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/users")).StatusCode);
        var me = await MeAsync(client);
        var admin = await factory.ApiClientForNewUserAsync(PortalRoles.Admin);

        var changed = await admin.PutAsJsonAsync($"/api/admin/users/{me.Id}/roles", new { roles = new[] { PortalRoles.Analyst } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var refused = await client.GetAsync("/api/admin/users");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal([PortalRoles.Analyst], (await MeAsync(client)).Roles);
    }

    [Fact]
    public async Task Locking_the_owner_fails_the_token_on_the_next_request_and_unlocking_restores_it()
    {
        var (client, _) = await WarmTokenAsync(PortalRoles.Analyst);
        var me = await MeAsync(client);
        var admin = await factory.ApiClientForNewUserAsync(PortalRoles.Admin);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/users/{me.Id}/lock", null)).StatusCode);
        await AssertRefusedAsync(client, "locked");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/admin/users/{me.Id}/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
    }

    /// <summary>Many rounds of warm-the-cache, revoke, ask again: no round may see a stale "valid".</summary>
    [Fact]
    public async Task Revocation_beats_the_cache_every_time()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_REVOCATION_ROUNDS"), out var n) ? n : 20;
        var email = $"rounds-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, PortalRoles.Analyst);
        for (var round = 0; round < rounds; round++)
        {
            var token = await factory.CreateTokenAsync(email, $"round {round}");
            var client = factory.ApiClient(token);
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode)));
            var id = await IdOfAsync(token);
            Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/tokens/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        }
    }

    private sealed record Me(string Id, string Email, string[] Roles);

    /// <summary>A new single-role user with a token that has just been used (so it sits in the cache).</summary>
    private async Task<(HttpClient Client, long TokenId)> WarmTokenAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, role);
        var token = await factory.CreateTokenAsync(email);
        var client = factory.ApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        return (client, await IdOfAsync(token));
    }

    private Task<long> IdOfAsync(string token) =>
        factory.WithDbAsync(db => db.AccessTokens.Where(t => t.TokenHash == AccessTokenSecret.Hash(token)).Select(t => t.Id).SingleAsync());

    private static async Task<Me> MeAsync(HttpClient client)
    {
        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        return new Me(me.GetProperty("id").GetString()!, me.GetProperty("email").GetString()!,
            me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    private static async Task AssertRefusedAsync(HttpClient client, string reason)
    {
        var response = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
