using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Audit;

/// <summary>Adds audit rows to the caller's unit of work; the caller's SaveChanges commits them with the change.</summary>
public static class AuditLog
{
    public static void Record(PortalDbContext db, Actor actor, DateTime atUtc, string action, string target, string details = "")
    {
        db.AuditEvents.Add(new AuditEvent
        {
            AtUtc = atUtc,
            ActorId = actor.UserId,
            ActorName = actor.Name,
            Action = action,
            Target = Truncate(target, 300),
            Details = Truncate(details, 2000),
        });
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

public sealed record AuditEntry(long Id, DateTime AtUtc, string ActorName, string Action, string Target, string Details);

/// <summary>Newest first, with an optional filter on action or target text.</summary>
public sealed class ListAuditEventsHandler(PortalDbContext db)
{
    public async Task<Page<AuditEntry>> HandleAsync(string? search, int? page, int? pageSize, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(e => e.Action.ToLower().Contains(term) || e.Target.ToLower().Contains(term) || e.ActorName.ToLower().Contains(term));
        }

        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(e => e.Id)
            .Skip((number - 1) * size)
            .Take(size)
            .Select(e => new AuditEntry(e.Id, e.AtUtc, e.ActorName, e.Action, e.Target, e.Details))
            .ToListAsync(ct);
        return new Page<AuditEntry>(items, number, size, total);
    }
}
