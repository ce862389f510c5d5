using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Bundles;

/// <summary>Undo the latest change of an alias; <see cref="Note"/> is appended to the generated reason.</summary>
public sealed record RollbackAliasRequest(string? Country, string? Name, string? Note, string? IfMatch);

/// <summary>
/// Rollback = promote the alias back to the <c>from_bundle</c> of its latest event, through
/// <see cref="PromoteAliasHandler"/> (same role, If-Match, certification and transaction rules).
/// Rolling back a rollback therefore re-applies the change it undid.
/// </summary>
public sealed class RollbackAliasHandler(PortalDbContext db, PromoteAliasHandler promote)
{
    public async Task<Result<AliasChange>> HandleAsync(RollbackAliasRequest request, Actor actor, CancellationToken ct = default)
    {
        var country = request.Country?.Trim() ?? "";
        var name = request.Name?.Trim() ?? "";
        var latest = await db.AliasEvents.AsNoTracking()
            .Where(e => e.Country == country && e.Alias == name)
            .OrderByDescending(e => e.Revision)
            .FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return Problem.NotFound($"Alias {country}/{name}");
        }

        if (latest.FromBundle is null)
        {
            return Problem.Conflict($"Alias {country}/{name} has never moved since it was created; there is no earlier bundle to roll back to.");
        }

        var note = request.Note?.Trim();
        var reason = $"Rollback to {BundleIdentity.DisplayIdOf(latest.FromBundle)} (undoing revision {latest.Revision})"
                     + (string.IsNullOrEmpty(note) ? "" : $": {note}");
        return await promote.ChangeAsync(new PromoteAliasRequest(country, name, latest.FromBundle, reason, request.IfMatch), actor, "alias.rolled_back", ct);
    }
}
