using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.Users;

public sealed record SetPasswordRequest(string Email, string Password);

/// <summary>An operator (CLI) or administrator sets a new password for a user, e.g. after a lost password.</summary>
public sealed class SetPasswordHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<Result<string>> HandleAsync(SetPasswordRequest request, Actor actor, CancellationToken ct = default)
    {
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            return Problem.NotFound($"User '{request.Email}'");
        }

        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, request.Password);
            if (!check.Succeeded)
            {
                return IdentityProblems.From(check);
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = users.PasswordHasher.HashPassword(user, request.Password);
        user.AccessFailedCount = 0;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return IdentityProblems.From(updated);
        }

        await users.UpdateSecurityStampAsync(user);
        AuditLog.Record(db, actor, time.GetUtcNow().UtcDateTime, "user.password_set", $"user:{user.Email}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user.Id;
    }
}

public sealed record ChangePasswordRequest(string UserId, string CurrentPassword, string NewPassword, string ConfirmPassword);

/// <summary>A signed-in user changes their own password, proving they know the current one.</summary>
public sealed class ChangePasswordHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<Result<string>> HandleAsync(ChangePasswordRequest request, Actor actor, CancellationToken ct = default)
    {
        var validation = new Validation()
            .Require(!string.IsNullOrEmpty(request.CurrentPassword), "currentPassword", "Enter your current password.")
            .Require(request.NewPassword == request.ConfirmPassword, "confirmPassword", "The new passwords do not match.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var user = await users.FindByIdAsync(request.UserId);
        if (user is null)
        {
            return Problem.NotFound("Your account");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (!changed.Succeeded)
        {
            return changed.Errors.Any(e => e.Code == "PasswordMismatch")
                ? Problem.Invalid("currentPassword", "The current password is not correct.")
                : IdentityProblems.From(changed);
        }

        AuditLog.Record(db, actor, time.GetUtcNow().UtcDateTime, "user.password_changed", $"user:{user.Email}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user.Id;
    }
}
