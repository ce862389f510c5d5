using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Features.Users;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class UserManagementTests
{
    [Fact]
    public async Task Creating_a_user_writes_the_user_roles_and_an_audit_row_together()
    {
        await using var core = await CoreServices.StartAsync();
        var user = await core.CreateUserAsync("Grace@Example.org", PortalRoles.Analyst, "reviewer");

        Assert.Equal([PortalRoles.Analyst, PortalRoles.Reviewer], user.Roles);
        Assert.Equal("Grace", user.DisplayName);
        var audit = await core.RunAsync<PortalDbContext, List<AuditEvent>>(db => db.AuditEvents.ToListAsync());
        Assert.Contains(audit, e => e.Action == "user.created" && e.Target == "user:Grace@Example.org");
    }

    [Fact]
    public async Task Duplicate_email_is_a_field_error_and_leaves_no_trace()
    {
        await using var core = await CoreServices.StartAsync();
        await core.CreateUserAsync("dup@example.org", PortalRoles.Analyst);
        var auditBefore = await core.RunAsync<PortalDbContext, int>(db => db.AuditEvents.CountAsync());

        var again = await core.RunAsync<CreateUserHandler, Result<UserSummary>>(h =>
            h.HandleAsync(new CreateUserRequest("DUP@example.org", null, TestPasswords.Strong, [PortalRoles.Admin]), Actor.Operator));

        Assert.Equal(["A user with this email already exists."], again.Problem!.Errors!["email"]);
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.Users.CountAsync()));
        Assert.Equal(auditBefore, await core.RunAsync<PortalDbContext, int>(db => db.AuditEvents.CountAsync()));
    }

    [Fact]
    public async Task Unknown_roles_and_missing_roles_are_rejected()
    {
        await using var core = await CoreServices.StartAsync();
        var unknown = await core.RunAsync<CreateUserHandler, Result<UserSummary>>(h =>
            h.HandleAsync(new CreateUserRequest("x@example.org", null, TestPasswords.Strong, ["Root"]), Actor.Operator));
        var none = await core.RunAsync<CreateUserHandler, Result<UserSummary>>(h =>
            h.HandleAsync(new CreateUserRequest("y@example.org", null, TestPasswords.Strong, []), Actor.Operator));

        Assert.True(unknown.Problem!.Errors!.ContainsKey("roles"));
        Assert.True(none.Problem!.Errors!.ContainsKey("roles"));
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task The_last_active_administrator_cannot_lose_the_role_or_be_locked()
    {
        await using var core = await CoreServices.StartAsync();
        var admin = await core.CreateUserAsync("only-admin@example.org", PortalRoles.Admin);
        var other = await core.CreateUserAsync("analyst@example.org", PortalRoles.Analyst);
        var actor = CoreServices.ActorFor(other) with { Roles = new HashSet<string> { PortalRoles.Admin } };

        var demote = await core.RunAsync<SetUserRolesHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserRolesRequest(admin.Id, [PortalRoles.Analyst]), actor));
        var lockOut = await core.RunAsync<SetUserLockHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserLockRequest(admin.Id, true), actor));

        Assert.Equal(ProblemKind.Conflict, demote.Problem?.Kind);
        Assert.Equal(ProblemKind.Conflict, lockOut.Problem?.Kind);

        // With a second administrator both become possible.
        await core.RunAsync<SetUserRolesHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserRolesRequest(other.Id, [PortalRoles.Admin]), Actor.Operator));
        var demoted = await core.RunAsync<SetUserRolesHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserRolesRequest(admin.Id, [PortalRoles.Maintainer]), actor));
        Assert.True(demoted.Succeeded, demoted.Problem?.Describe());
        Assert.Equal([PortalRoles.Maintainer], demoted.Value!.Roles);
    }

    [Fact]
    public async Task Nobody_can_lock_themselves()
    {
        await using var core = await CoreServices.StartAsync();
        await core.CreateUserAsync("a1@example.org", PortalRoles.Admin);
        var me = await core.CreateUserAsync("a2@example.org", PortalRoles.Admin);

        var result = await core.RunAsync<SetUserLockHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserLockRequest(me.Id, true), CoreServices.ActorFor(me)));

        Assert.Equal(ProblemKind.Conflict, result.Problem?.Kind);
    }

    [Fact]
    public async Task Lock_and_unlock_round_trip_and_rotate_the_security_stamp()
    {
        await using var core = await CoreServices.StartAsync();
        await core.CreateUserAsync("boss@example.org", PortalRoles.Admin);
        var user = await core.CreateUserAsync("worker@example.org", PortalRoles.Analyst);
        var stamp = await core.RunAsync<PortalDbContext, string?>(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync());

        var locked = await core.RunAsync<SetUserLockHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserLockRequest(user.Id, true), Actor.Operator));
        Assert.True(locked.Value!.IsLocked);
        Assert.NotEqual(stamp, await core.RunAsync<PortalDbContext, string?>(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync()));

        var unlocked = await core.RunAsync<SetUserLockHandler, Result<UserSummary>>(h => h.HandleAsync(new SetUserLockRequest(user.Id, false), Actor.Operator));
        Assert.False(unlocked.Value!.IsLocked);
        var actions = await core.RunAsync<PortalDbContext, List<string>>(db => db.AuditEvents.Select(e => e.Action).ToListAsync());
        Assert.Contains("user.locked", actions);
        Assert.Contains("user.unlocked", actions);
    }

    [Fact]
    public async Task Listing_filters_by_search_and_role_and_pages()
    {
        await using var core = await CoreServices.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await core.CreateUserAsync($"analyst{i}@example.org", PortalRoles.Analyst);
        }

        await core.CreateUserAsync("reviewer@other.org", PortalRoles.Reviewer);

        var page = await core.RunAsync<ListUsersHandler, Page<UserSummary>>(h => h.HandleAsync(new ListUsersRequest(Role: "analyst", Page: 2, PageSize: 2)));
        Assert.Equal(5, page.TotalCount);
        Assert.Equal(3, page.PageCount);
        Assert.Equal(["analyst2@example.org", "analyst3@example.org"], page.Items.Select(u => u.Email));

        var search = await core.RunAsync<ListUsersHandler, Page<UserSummary>>(h => h.HandleAsync(new ListUsersRequest(Search: "OTHER.ORG")));
        Assert.Equal("reviewer@other.org", Assert.Single(search.Items).Email);
    }

    [Fact]
    public async Task Passwords_can_be_set_by_an_operator_and_changed_by_their_owner()
    {
        await using var core = await CoreServices.StartAsync();
        var user = await core.CreateUserAsync("pw@example.org", PortalRoles.Analyst);

        var tooShort = await core.RunAsync<SetPasswordHandler, Result<string>>(h => h.HandleAsync(new SetPasswordRequest("pw@example.org", "short"), Actor.Operator));
        Assert.True(tooShort.Problem!.Errors!.ContainsKey("password"));

        var set = await core.RunAsync<SetPasswordHandler, Result<string>>(h => h.HandleAsync(new SetPasswordRequest("pw@example.org", "a brand new passphrase"), Actor.Operator));
        Assert.True(set.Succeeded);

        var wrongCurrent = await core.RunAsync<ChangePasswordHandler, Result<string>>(h =>
            h.HandleAsync(new ChangePasswordRequest(user.Id, TestPasswords.Strong, "another passphrase!", "another passphrase!"), CoreServices.ActorFor(user)));
        Assert.True(wrongCurrent.Problem!.Errors!.ContainsKey("currentPassword"));

        var changed = await core.RunAsync<ChangePasswordHandler, Result<string>>(h =>
            h.HandleAsync(new ChangePasswordRequest(user.Id, "a brand new passphrase", "another passphrase!", "another passphrase!"), CoreServices.ActorFor(user)));
        Assert.True(changed.Succeeded, changed.Problem?.Describe());
    }
}
