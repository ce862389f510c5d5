using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Features.Settings;
using Portal.Core.Features.Users;
using Portal.Core.Identity;

namespace Portal.Core.Features.Setup;

public sealed record SetupRequest(string Email, string? DisplayName, string Password, string ConfirmPassword);

/// <summary>Whether Portal still needs its first administrator (no user exists yet).</summary>
public sealed class SetupState(PortalDbContext db)
{
    public async Task<bool> IsRequiredAsync(CancellationToken ct = default) => !await db.Users.AnyAsync(ct);
}

/// <summary>
/// First-run setup: the first visitor creates the Admin account, and only while no user
/// exists. The insert of the <see cref="SystemSetting.SetupCompletedKey"/> row is the
/// once-only guard: of two concurrent attempts exactly one can commit.
/// </summary>
public sealed class CompleteSetupHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<Result<UserSummary>> HandleAsync(SetupRequest request, CancellationToken ct = default)
    {
        var validation = new Validation()
            .Email(request.Email)
            .Require(!string.IsNullOrEmpty(request.Password), "password", "Choose a password.")
            .Require(request.Password == request.ConfirmPassword, "confirmPassword", "The passwords do not match.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var email = request.Email.Trim();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await db.Users.AnyAsync(ct))
            {
                return AlreadyDone;
            }

            db.SystemSettings.Add(new SystemSetting { Key = SystemSetting.SetupCompletedKey, Value = email, UpdatedUtc = now });
            await db.SaveChangesAsync(ct);

            var user = PortalUser.Create(email, request.DisplayName, now);
            var created = await users.CreateAsync(user, request.Password);
            if (!created.Succeeded)
            {
                return IdentityProblems.From(created);
            }

            var role = await users.AddToRoleAsync(user, PortalRoles.Admin);
            if (!role.Succeeded)
            {
                return IdentityProblems.From(role);
            }

            AuditLog.Record(db, new Actor(user.Id, email, new HashSet<string>()), now, "setup.completed", $"user:{email}", "first administrator created");
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new UserSummary(user.Id, email, user.DisplayName, [PortalRoles.Admin], false, now, null);
        }
        catch (DbUpdateException)
        {
            // Lost the race: another request completed setup between our check and our insert.
            return AlreadyDone;
        }
    }

    private static Problem AlreadyDone => Problem.Conflict("Setup has already been completed. Sign in instead.");
}
