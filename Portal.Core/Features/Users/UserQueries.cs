using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Identity;

namespace Portal.Core.Features.Users;

/// <summary>Role lookups shared by the user use cases, done in one query rather than per user.</summary>
internal static class UserQueries
{
    public static async Task<Dictionary<string, List<string>>> RolesByUserAsync(PortalDbContext db, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var pairs = await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            where userIds.Contains(ur.UserId)
            select new { ur.UserId, r.Name })
            .ToListAsync(ct);
        return pairs
            .GroupBy(p => p.UserId)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Name!).OrderBy(RoleOrder).ToList(), StringComparer.Ordinal);
    }

    /// <summary>Active administrators other than <paramref name="exceptUserId"/>; used to refuse locking out the last one.</summary>
    public static async Task<int> CountOtherActiveAdminsAsync(PortalDbContext db, string exceptUserId, DateTimeOffset now, CancellationToken ct)
    {
        var admins = await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            join u in db.Users on ur.UserId equals u.Id
            where r.Name == PortalRoles.Admin && u.Id != exceptUserId
            select u.LockoutEnd)
            .ToListAsync(ct);

        // LockoutEnd is compared in memory: SQLite cannot compare DateTimeOffset in SQL.
        return admins.Count(end => end is null || end <= now);
    }

    public static int RoleOrder(string role)
    {
        var index = PortalRoles.All.ToList().IndexOf(role);
        return index < 0 ? int.MaxValue : index;
    }
}
