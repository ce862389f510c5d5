using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Jobs;
using Portal.Core.Identity;

namespace Portal.Core.Features.Dashboard;

public sealed record DashboardSummary(
    int Users,
    int LockedUsers,
    IReadOnlyDictionary<string, int> UsersByRole,
    int ActiveTokens,
    int AuditEventsLast24Hours,
    int ScheduledJobs,
    int RunningJobs,
    int JobRunsShown,
    int FailedJobRunsShown,
    ScheduledTrigger? NextJob);

/// <summary>The counts on the dashboard, all read from the database.</summary>
public sealed class GetDashboardHandler(PortalDbContext db, JobsOverviewHandler jobs, TimeProvider time)
{
    public async Task<DashboardSummary> HandleAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var lockouts = await db.Users.AsNoTracking().Select(u => u.LockoutEnd).ToListAsync(ct);
        var byRole = await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            group ur by r.Name into g
            select new { Role = g.Key!, Count = g.Count() }).ToListAsync(ct);
        var activeTokens = await db.AccessTokens.CountAsync(t => t.RevokedUtc == null && (t.ExpiresUtc == null || t.ExpiresUtc > nowUtc), ct);
        var since = nowUtc.AddHours(-24);
        var audits = await db.AuditEvents.CountAsync(e => e.AtUtc >= since, ct);
        var overview = await jobs.HandleAsync(50, ct);

        return new DashboardSummary(
            lockouts.Count,
            lockouts.Count(end => end is { } e && e > now),
            PortalRoles.All.ToDictionary(r => r, r => byRole.FirstOrDefault(x => x.Role == r)?.Count ?? 0, StringComparer.Ordinal),
            activeTokens,
            audits,
            overview.Scheduled.Count,
            overview.Running.Count,
            overview.Recent.Count,
            overview.Recent.Count(e => e.Result == "Failed"),
            overview.Scheduled.Where(t => t.NextFireUtc is not null).OrderBy(t => t.NextFireUtc).FirstOrDefault());
    }
}
