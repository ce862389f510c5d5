using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Users;

public sealed record UserSummary(
    string Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    bool IsLocked,
    DateTime CreatedUtc,
    DateTime? LastSignInUtc);

public sealed record ListUsersRequest(string? Search = null, string? Role = null, int? Page = null, int? PageSize = null);

/// <summary>Users ordered by email, filtered by a search term over email and name, and by role.</summary>
public sealed class ListUsersHandler(PortalDbContext db, TimeProvider time)
{
    public async Task<Page<UserSummary>> HandleAsync(ListUsersRequest request, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(request.Page, request.PageSize);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Search))
        {
            var term = request.Search.Trim().ToUpperInvariant();
            query = query.Where(u => u.NormalizedEmail!.Contains(term) || u.DisplayName.ToUpper().Contains(term));
        }

        if (Identity.PortalRoles.Normalize(request.Role) is { } role)
        {
            query = query.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)));
        }

        var total = await query.CountAsync(ct);
        var users = await query.OrderBy(u => u.NormalizedEmail).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var roles = await UserQueries.RolesByUserAsync(db, users.Select(u => u.Id).ToList(), ct);
        var now = time.GetUtcNow();
        var items = users
            .Select(u => new UserSummary(u.Id, u.Email!, u.DisplayName, roles.GetValueOrDefault(u.Id) ?? [], u.IsLockedAt(now), u.CreatedUtc, u.LastSignInUtc))
            .ToList();
        return new Page<UserSummary>(items, number, size, total);
    }
}

/// <summary>One user by id, or by email (case-insensitive).</summary>
public sealed class GetUserHandler(PortalDbContext db, TimeProvider time)
{
    public async Task<Result<UserSummary>> HandleAsync(string idOrEmail, CancellationToken ct = default)
    {
        var normalized = idOrEmail.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking()
            .FirstOrDefaultAsync(u => u.Id == idOrEmail || u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            return Problem.NotFound($"User '{idOrEmail}'");
        }

        var roles = await UserQueries.RolesByUserAsync(db, [user.Id], ct);
        return new UserSummary(user.Id, user.Email!, user.DisplayName, roles.GetValueOrDefault(user.Id) ?? [], user.IsLockedAt(time.GetUtcNow()), user.CreatedUtc, user.LastSignInUtc);
    }
}
