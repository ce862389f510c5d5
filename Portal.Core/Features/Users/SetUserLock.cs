using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.Users;

public sealed record SetUserLockRequest(string UserId, bool Locked);

/// <summary>
/// Locks a user (no sign-in, no API access, open sessions end) or unlocks them (which also
/// clears a lockout caused by failed sign-ins). Nobody can lock themselves or the last
/// active administrator.
/// </summary>
public sealed class SetUserLockHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    /// <summary>Far enough to mean "until unlocked" and representable on every provider.</summary>
    public static readonly DateTimeOffset LockedUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public async Task<Result<UserSummary>> HandleAsync(SetUserLockRequest request, Actor actor, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(request.UserId);
        if (user is null)
        {
            return Problem.NotFound($"User '{request.UserId}'");
        }

        var now = time.GetUtcNow();
        if (request.Locked)
        {
            if (user.Id == actor.UserId)
            {
                return Problem.Conflict("You cannot lock your own account.");
            }

            if (await users.IsInRoleAsync(user, PortalRoles.Admin) && await UserQueries.CountOtherActiveAdminsAsync(db, user.Id, now, ct) == 0)
            {
                return Problem.Conflict("This is the last active administrator and cannot be locked.");
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        user.LockoutEnabled = true;
        user.LockoutEnd = request.Locked ? LockedUntil : null;
        user.AccessFailedCount = 0;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return IdentityProblems.From(updated);
        }

        if (request.Locked)
        {
            // Invalidates existing cookies at their next security-stamp check.
            await users.UpdateSecurityStampAsync(user);
        }

        AuditLog.Record(db, actor, now.UtcDateTime, request.Locked ? "user.locked" : "user.unlocked", $"user:{user.Email}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        var roles = await users.GetRolesAsync(user);
        return new UserSummary(user.Id, user.Email!, user.DisplayName, roles.OrderBy(UserQueries.RoleOrder).ToList(), request.Locked, user.CreatedUtc, user.LastSignInUtc);
    }
}
