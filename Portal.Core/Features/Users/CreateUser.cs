using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.Users;

public sealed record CreateUserRequest(string Email, string? DisplayName, string Password, IReadOnlyList<string> Roles);

/// <summary>Creates a user with a password and at least one role, in one transaction with its audit row.</summary>
public sealed class CreateUserHandler(PortalDbContext db, UserManager<PortalUser> users, TimeProvider time)
{
    public async Task<Result<UserSummary>> HandleAsync(CreateUserRequest request, Actor actor, CancellationToken ct = default)
    {
        var roles = request.Roles.Select(PortalRoles.Normalize).ToList();
        var validation = new Validation()
            .Email(request.Email)
            .Require(request.DisplayName is null || request.DisplayName.Trim().Length <= 100, "displayName", "Name must be at most 100 characters.")
            .Require(!string.IsNullOrEmpty(request.Password), "password", "Password is required.")
            .Require(roles.Count > 0, "roles", "Choose at least one role.")
            .Require(roles.All(r => r is not null), "roles", $"Unknown role. Roles are: {string.Join(", ", PortalRoles.All)}.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var email = request.Email.Trim();
        var user = PortalUser.Create(email, request.DisplayName, now);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return IdentityProblems.From(created);
        }

        var distinctRoles = roles.Distinct().Cast<string>().ToList();
        var added = await users.AddToRolesAsync(user, distinctRoles);
        if (!added.Succeeded)
        {
            return IdentityProblems.From(added);
        }

        AuditLog.Record(db, actor, now, "user.created", $"user:{email}", $"roles={string.Join(",", distinctRoles)}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new UserSummary(user.Id, email, user.DisplayName, distinctRoles.OrderBy(UserQueries.RoleOrder).ToList(), false, now, null);
    }
}
