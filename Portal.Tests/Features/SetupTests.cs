using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Demo;
using Portal.Core.Features.Setup;
using Portal.Core.Features.Users;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class SetupTests
{
    private static SetupRequest Valid(string email = "first@example.org") => new(email, "First Admin", TestPasswords.Strong, TestPasswords.Strong);

    [Fact]
    public async Task First_setup_creates_one_administrator_and_closes_setup()
    {
        await using var core = await CoreServices.StartAsync();
        Assert.True(await core.RunAsync<SetupState, bool>(s => s.IsRequiredAsync()));

        var result = await core.RunAsync<CompleteSetupHandler, Result<UserSummary>>(h => h.HandleAsync(Valid()));

        Assert.True(result.Succeeded, result.Problem?.Describe());
        Assert.Equal([PortalRoles.Admin], result.Value!.Roles);
        Assert.False(await core.RunAsync<SetupState, bool>(s => s.IsRequiredAsync()));
        var again = await core.RunAsync<CompleteSetupHandler, Result<UserSummary>>(h => h.HandleAsync(Valid("second@example.org")));
        Assert.Equal(ProblemKind.Conflict, again.Problem?.Kind);
    }

    [Fact]
    public async Task Concurrent_setups_create_exactly_one_user()
    {
        await using var core = await CoreServices.StartAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            core.RunAsync<CompleteSetupHandler, Result<UserSummary>>(h => h.HandleAsync(Valid($"racer{i}@example.org"))))));

        Assert.Single(attempts, a => a.Succeeded);
        Assert.All(attempts.Where(a => !a.Succeeded), a => Assert.Equal(ProblemKind.Conflict, a.Problem!.Kind));
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("not-an-email", TestPasswords.Strong, TestPasswords.Strong, "email")]
    [InlineData("a@example.org", "short", "short", "password")]
    [InlineData("a@example.org", TestPasswords.Strong, "something else entirely", "confirmPassword")]
    public async Task Invalid_input_is_reported_per_field_and_writes_nothing(string email, string password, string confirm, string field)
    {
        await using var core = await CoreServices.StartAsync();
        var result = await core.RunAsync<CompleteSetupHandler, Result<UserSummary>>(h => h.HandleAsync(new SetupRequest(email, null, password, confirm)));

        Assert.Equal(ProblemKind.Validation, result.Problem?.Kind);
        Assert.True(result.Problem!.Errors!.ContainsKey(field), string.Join(",", result.Problem.Errors.Keys));
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.Users.CountAsync()));
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.SystemSettings.CountAsync()));
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.AuditEvents.CountAsync()));
    }

    [Fact]
    public async Task Demo_seeding_creates_one_user_per_role_with_distinct_generated_passwords_once()
    {
        await using var core = await CoreServices.StartAsync();
        var accounts = await core.RunAsync<SeedDemoUsersHandler, IReadOnlyList<DemoAccount>>(h => h.HandleAsync());

        Assert.Equal(PortalRoles.All, accounts.Select(a => a.Role));
        Assert.Equal(accounts.Count, accounts.Select(a => a.Password).Distinct().Count());
        Assert.All(accounts, a => Assert.True(a.Password.Length >= PasswordRules.MinimumLength));
        Assert.Empty(await core.RunAsync<SeedDemoUsersHandler, IReadOnlyList<DemoAccount>>(h => h.HandleAsync()));
        Assert.False(await core.RunAsync<SetupState, bool>(s => s.IsRequiredAsync()));
    }
}
