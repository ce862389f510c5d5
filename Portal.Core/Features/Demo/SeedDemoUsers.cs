using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Features.Settings;
using Portal.Core.Identity;

namespace Portal.Core.Features.Demo;

public sealed record DemoAccount(string Email, string Role, string Password);

/// <summary>
/// <c>--demo</c>: one user per role with a freshly generated password, returned so the host
/// can print it once. Runs only on an empty user table; it never resets existing accounts.
/// </summary>
public sealed class SeedDemoUsersHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public const string EmailDomain = "example.org";

    public async Task<IReadOnlyList<DemoAccount>> HandleAsync(CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Users.AnyAsync(ct))
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.SystemSettings.Add(new SystemSetting { Key = SystemSetting.SetupCompletedKey, Value = "demo", UpdatedUtc = now });
        var accounts = new List<DemoAccount>();
        foreach (var role in PortalRoles.All)
        {
            var email = $"{role.ToLowerInvariant()}@{EmailDomain}";
            var password = PasswordRules.Generate();
            var user = PortalUser.Create(email, $"Demo {role}", now);
            Check(await users.CreateAsync(user, password));
            Check(await users.AddToRoleAsync(user, role));
            accounts.Add(new DemoAccount(email, role, password));
        }

        AuditLog.Record(db, Actor.Operator, now, "demo.seeded", "users", string.Join(",", accounts.Select(a => a.Email)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return accounts;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Demo seeding failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
