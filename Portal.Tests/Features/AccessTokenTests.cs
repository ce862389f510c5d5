using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Users;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class AccessTokenTests
{
    private static Task<Result<CreatedAccessToken>> CreateAsync(CoreServices core, string user, Actor actor, string name = "ci", int? days = null) =>
        core.RunAsync<CreateAccessTokenHandler, Result<CreatedAccessToken>>(h => h.HandleAsync(new CreateAccessTokenRequest(user, name, days), actor));

    private static Task<(TokenIdentity? Identity, string? Failure)> AuthenticateAsync(CoreServices core, string token) =>
        core.RunAsync<AuthenticateAccessTokenHandler, (TokenIdentity?, string?)>(h => h.HandleAsync(token));

    [Fact]
    public async Task Only_the_hash_is_stored_and_the_token_authenticates_as_its_owner_with_current_roles()
    {
        await using var core = await CoreServices.StartAsync();
        var user = await core.CreateUserAsync("owner@example.org", PortalRoles.Analyst);
        var created = (await CreateAsync(core, user.Email, CoreServices.ActorFor(user))).Value!;

        var stored = await core.RunAsync<PortalDbContext, AccessToken>(db => db.AccessTokens.SingleAsync());
        Assert.Equal(AccessTokenSecret.Hash(created.Token), stored.TokenHash);
        Assert.DoesNotContain(created.Token, stored.TokenHash, StringComparison.Ordinal);
        Assert.StartsWith(stored.DisplayPrefix, created.Token, StringComparison.Ordinal);

        var (identity, _) = await AuthenticateAsync(core, created.Token);
        Assert.Equal(user.Id, identity!.UserId);
        Assert.Equal([PortalRoles.Analyst], identity.Roles);

        // Roles are read at authentication time, so a role change applies to existing tokens at once.
        await core.RunAsync<SetUserRolesHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserRolesRequest(user.Id, [PortalRoles.Reviewer]), Actor.Operator));
        Assert.Equal([PortalRoles.Reviewer], (await AuthenticateAsync(core, created.Token)).Identity!.Roles);
    }

    [Fact]
    public async Task Revoked_expired_unknown_and_locked_owner_tokens_fail_with_a_reason()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        await using var core = await CoreServices.StartAsync(clock);
        await core.CreateUserAsync("admin@example.org", PortalRoles.Admin);
        var user = await core.CreateUserAsync("t@example.org", PortalRoles.Analyst);
        var revoked = (await CreateAsync(core, user.Email, Actor.Operator, "r")).Value!;
        var expiring = (await CreateAsync(core, user.Email, Actor.Operator, "e", days: 1)).Value!;
        var locked = (await CreateAsync(core, user.Email, Actor.Operator, "l")).Value!;

        // Each is validated (and so cached) first: revocation and locking still apply at once.
        Assert.NotNull((await AuthenticateAsync(core, revoked.Token)).Identity);
        Assert.NotNull((await AuthenticateAsync(core, locked.Token)).Identity);
        await core.RunAsync<RevokeAccessTokenHandler, Result<AccessTokenSummary>>(h => h.HandleAsync(revoked.Id, Actor.Operator));
        Assert.Contains("revoked", (await AuthenticateAsync(core, revoked.Token)).Failure, StringComparison.Ordinal);

        Assert.NotNull((await AuthenticateAsync(core, expiring.Token)).Identity);
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Contains("expired", (await AuthenticateAsync(core, expiring.Token)).Failure, StringComparison.Ordinal);

        Assert.Contains("not valid", (await AuthenticateAsync(core, AccessTokenSecret.Generate())).Failure, StringComparison.Ordinal);
        Assert.Contains("malformed", (await AuthenticateAsync(core, "ptl_nope")).Failure, StringComparison.Ordinal);

        await core.RunAsync<SetUserLockHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserLockRequest(user.Id, true), Actor.Operator));
        Assert.Contains("locked", (await AuthenticateAsync(core, locked.Token)).Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Last_used_is_recorded_at_most_once_a_minute()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        await using var core = await CoreServices.StartAsync(clock);
        var user = await core.CreateUserAsync("u@example.org", PortalRoles.Analyst);
        var token = (await CreateAsync(core, user.Email, Actor.Operator)).Value!;
        Task<DateTime?> LastUsed() => core.RunAsync<PortalDbContext, DateTime?>(db => db.AccessTokens.Select(t => t.LastUsedUtc).SingleAsync());

        await AuthenticateAsync(core, token.Token);
        var first = await LastUsed();
        Assert.Equal(clock.Now.UtcDateTime, first);

        clock.Advance(TimeSpan.FromSeconds(30));
        await AuthenticateAsync(core, token.Token);
        Assert.Equal(first, await LastUsed());

        clock.Advance(TimeSpan.FromSeconds(31));
        await AuthenticateAsync(core, token.Token);
        Assert.Equal(clock.Now.UtcDateTime, await LastUsed());
    }

    [Fact]
    public async Task People_manage_their_own_tokens_and_only_administrators_manage_others()
    {
        await using var core = await CoreServices.StartAsync();
        var alice = await core.CreateUserAsync("alice@example.org", PortalRoles.Analyst);
        var bob = await core.CreateUserAsync("bob@example.org", PortalRoles.Reviewer);
        var admin = await core.CreateUserAsync("admin@example.org", PortalRoles.Admin);

        var forBob = await CreateAsync(core, bob.Email, CoreServices.ActorFor(alice));
        Assert.Equal(ProblemKind.Forbidden, forBob.Problem?.Kind);

        var bobs = (await CreateAsync(core, bob.Email, CoreServices.ActorFor(bob))).Value!;
        var aliceRevokesBobs = await core.RunAsync<RevokeAccessTokenHandler, Result<AccessTokenSummary>>(h => h.HandleAsync(bobs.Id, CoreServices.ActorFor(alice)));
        Assert.Equal(ProblemKind.NotFound, aliceRevokesBobs.Problem?.Kind);

        var adminRevokes = await core.RunAsync<RevokeAccessTokenHandler, Result<AccessTokenSummary>>(h => h.HandleAsync(bobs.Id, CoreServices.ActorFor(admin)));
        Assert.Equal("revoked", adminRevokes.Value!.Status);
        var twice = await core.RunAsync<RevokeAccessTokenHandler, Result<AccessTokenSummary>>(h => h.HandleAsync(bobs.Id, CoreServices.ActorFor(admin)));
        Assert.True(twice.Succeeded);

        var adminCreatesForAlice = await CreateAsync(core, alice.Id, CoreServices.ActorFor(admin));
        Assert.True(adminCreatesForAlice.Succeeded);
        Assert.Equal("alice@example.org", adminCreatesForAlice.Value!.UserEmail);
    }

    [Theory]
    [InlineData("", null, "name")]
    [InlineData("ok", 0, "expiresInDays")]
    [InlineData("ok", 3651, "expiresInDays")]
    public async Task Invalid_requests_are_field_errors(string name, int? days, string field)
    {
        await using var core = await CoreServices.StartAsync();
        var user = await core.CreateUserAsync("v@example.org", PortalRoles.Analyst);
        var result = await CreateAsync(core, user.Email, Actor.Operator, name, days);
        Assert.True(result.Problem!.Errors!.ContainsKey(field));
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.AccessTokens.CountAsync()));
    }

    [Fact]
    public async Task Duplicate_active_names_are_refused_but_reusable_after_revocation()
    {
        await using var core = await CoreServices.StartAsync();
        var user = await core.CreateUserAsync("n@example.org", PortalRoles.Analyst);
        var first = (await CreateAsync(core, user.Email, Actor.Operator, "laptop")).Value!;
        Assert.True((await CreateAsync(core, user.Email, Actor.Operator, "laptop")).Problem!.Errors!.ContainsKey("name"));

        await core.RunAsync<RevokeAccessTokenHandler, Result<AccessTokenSummary>>(h => h.HandleAsync(first.Id, Actor.Operator));
        Assert.True((await CreateAsync(core, user.Email, Actor.Operator, "laptop")).Succeeded);
    }
}
