using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.Users;

public sealed record SetUserRolesRequest(string UserId, IReadOnlyList<string> Roles);

/// <summary>
/// Replaces a user's roles. Refuses to leave the system without an active administrator.
/// The security stamp changes, so the user's open sessions pick up the new roles on their
/// next validation and their API tokens at once.
/// </summary>
public sealed class SetUserRolesHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<Result<UserSummary>> HandleAsync(SetUserRolesRequest request, Actor actor, CancellationToken ct = default)
    {
        var roles = request.Roles.Select(PortalRoles.Normalize).ToList();
        var validation = new Validation()
            .Require(roles.All(r => r is not null), "roles", $"Unknown role. Roles are: {string.Join(", ", PortalRoles.All)}.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var user = await users.FindByIdAsync(request.UserId);
        if (user is null)
        {
            return Problem.NotFound($"User '{request.UserId}'");
        }

        var wanted = roles.Cast<string>().Distinct().ToHashSet(StringComparer.Ordinal);
        var current = (await users.GetRolesAsync(user)).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (current.Contains(PortalRoles.Admin) && !wanted.Contains(PortalRoles.Admin)
            && await UserQueries.CountOtherActiveAdminsAsync(db, user.Id, now, ct) == 0)
        {
            return Problem.Conflict("This is the last active administrator. Make someone else an administrator first.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var toRemove = current.Except(wanted).ToList();
        var toAdd = wanted.Except(current).ToList();
        if (toRemove.Count > 0)
        {
            var removed = await users.RemoveFromRolesAsync(user, toRemove);
            if (!removed.Succeeded)
            {
                return IdentityProblems.From(removed);
            }
        }

        if (toAdd.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, toAdd);
            if (!added.Succeeded)
            {
                return IdentityProblems.From(added);
            }
        }

        if (toAdd.Count + toRemove.Count > 0)
        {
            await users.UpdateSecurityStampAsync(user);
            AuditLog.Record(db, actor, now.UtcDateTime, "user.roles_changed", $"user:{user.Email}",
                $"added={string.Join(",", toAdd)}; removed={string.Join(",", toRemove)}");
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return new UserSummary(user.Id, user.Email!, user.DisplayName, wanted.OrderBy(UserQueries.RoleOrder).ToList(), user.IsLockedAt(now), user.CreatedUtc, user.LastSignInUtc);
    }
}
