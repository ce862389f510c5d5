using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;
using Portal.Core.Identity;

namespace Portal.Core.Features.Bundles;

/// <summary>
/// Point <c>country/name</c> at a bundle. <see cref="IfMatch"/> is the alias's current revision or
/// bundle id (required once the alias exists); <see cref="IfNoneMatch"/> <c>*</c> asks to create only.
/// </summary>
public sealed record PromoteAliasRequest(string? Country, string? Name, string? BundleId, string? Reason, string? IfMatch = null, string? IfNoneMatch = null);

/// <summary>The alias after the request; <see cref="Changed"/> is false for a promotion to the bundle it already pointed at.</summary>
public sealed record AliasChange(AliasView Alias, bool Created, bool Changed, AliasEventView? Event);

/// <summary>
/// Moves (or creates) an alias and appends its <see cref="AliasEvent"/> and audit entry in one
/// transaction. Lost updates are impossible: the row changes only <c>WHERE revision = expected</c>,
/// so of two promotions made against the same revision exactly one wins and the other gets 412.
/// Promoting to the bundle the alias already points at is a no-op (no event, same revision).
/// </summary>
public sealed class PromoteAliasHandler(PortalDbContext db, TimeProvider time)
{
    public Task<Result<AliasChange>> HandleAsync(PromoteAliasRequest request, Actor actor, CancellationToken ct = default) =>
        ChangeAsync(request, actor, "alias.promoted", ct);

    /// <summary>The one code path of promote and rollback; only the audit verb differs.</summary>
    internal async Task<Result<AliasChange>> ChangeAsync(PromoteAliasRequest request, Actor actor, string auditAction, CancellationToken ct)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPromote, actor.Roles))
        {
            return Problem.Forbidden("Moving aliases needs the Maintainer or Admin role.");
        }

        var country = request.Country?.Trim() ?? "";
        var name = request.Name?.Trim() ?? "";
        var reference = request.BundleId?.Trim() ?? "";
        var reason = request.Reason?.Trim() ?? "";
        var validation = new Validation()
            .Require(AliasRules.IsCountry(country), "country", "Country must be us or uk.")
            .Require(AliasRules.IsName(name), "name", "Alias names are 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.")
            .Require(reference.Length > 0, "bundle_id", "Choose the bundle to point the alias at.")
            .Require(reference.Length == 0 || BundleLookup.LooksLikeBundleId(reference), "bundle_id", "bundle_id must be a full bundle id (64 hex) or a display id (bnd_ + 16 hex).")
            .Require(reason.Length > 0, "reason", "Say why the alias moves; the reason is kept in its history.")
            .Require(reason.Length <= AliasRules.MaxReasonLength, "reason", $"The reason can be at most {AliasRules.MaxReasonLength} characters.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var bundle = await BundleLookup.FindByIdAsync(db, reference, ct);
        if (bundle is null || bundle.Country != country)
        {
            return Problem.Invalid("bundle_id", bundle is null
                ? $"Bundle {reference} does not exist."
                : $"Bundle {bundle.DisplayId} is a {bundle.Country} bundle; {country}/{name} can only point at {country} bundles.");
        }

        if (!bundle.Certified)
        {
            return Problem.Conflict($"Bundle {bundle.DisplayId} is not certified; only bundles that passed certification can be promoted.");
        }

        var current = await db.BundleAliases.AsNoTracking().FirstOrDefaultAsync(a => a.Country == country && a.Name == name, ct);
        var change = new Move(country, name, bundle, reason, actor, auditAction, time.GetUtcNow().UtcDateTime);
        return current is null
            ? await CreateAsync(change, request, ct)
            : await MoveAsync(change, current, request, ct);
    }

    private sealed record Move(string Country, string Name, ExecutionBundle Bundle, string Reason, Actor Actor, string AuditAction, DateTime Now)
    {
        public string Label => $"{Country}/{Name}";
    }

    private async Task<Result<AliasChange>> CreateAsync(Move move, PromoteAliasRequest request, CancellationToken ct)
    {
        if (AliasPrecondition.Parse(request.IfMatch) is { } expected)
        {
            return Problem.PreconditionFailed($"Alias {move.Label} does not exist, so If-Match {expected} cannot match. Send no If-Match (or If-None-Match: *) to create it.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.BundleAliases.Add(new BundleAlias
        {
            Country = move.Country, Name = move.Name, BundleId = move.Bundle.BundleId, Revision = 1, UpdatedUtc = move.Now, UpdatedBy = move.Actor.Name,
        });
        var appended = Append(move, null, 1);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique (country, name) index: someone created it between our read and our insert.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return await StaleAsync(move, "was created concurrently", ct);
        }

        return new AliasChange(View(move, 1), Created: true, Changed: true, AliasEventView.Of(appended));
    }

    private async Task<Result<AliasChange>> MoveAsync(Move move, BundleAlias current, PromoteAliasRequest request, CancellationToken ct)
    {
        if (request.IfNoneMatch?.Trim() == "*")
        {
            return Stale(move.Label, current, "already exists (If-None-Match: * asks to create only)");
        }

        var expected = AliasPrecondition.Parse(request.IfMatch);
        if (expected is null || expected.IsWildcard)
        {
            return Problem.PreconditionRequired(
                $"Alias {move.Label} exists: send If-Match with its current revision (\"{current.Revision}\") or bundle id ({BundleIdentity.DisplayIdOf(current.BundleId)}) so a concurrent change is not overwritten.")
                with { Extensions = Current(current) };
        }

        if (!expected.Matches(current))
        {
            return Stale(move.Label, current, $"has moved on (your If-Match was {expected})");
        }

        if (current.BundleId == move.Bundle.BundleId)
        {
            return new AliasChange(new AliasView(move.Country, move.Name, current.BundleId, current.Revision, current.UpdatedUtc, current.UpdatedBy, AliasTarget.Of(move.Bundle)), false, false, null);
        }

        // The conditional UPDATE is the first statement of the transaction, so on SQLite it takes the
        // write lock before reading anything (no stale snapshot), and on PostgreSQL a racing update
        // waits for the row lock and then finds the revision changed.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var revision = current.Revision + 1;
        var updated = await db.BundleAliases
            .Where(a => a.Id == current.Id && a.Revision == current.Revision)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.BundleId, move.Bundle.BundleId)
                .SetProperty(a => a.Revision, revision)
                .SetProperty(a => a.UpdatedUtc, move.Now)
                .SetProperty(a => a.UpdatedBy, move.Actor.Name), ct);
        if (updated == 0)
        {
            await transaction.RollbackAsync(ct);
            return await StaleAsync(move, "was changed by someone else a moment ago", ct);
        }

        var appended = Append(move, current.BundleId, revision);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new AliasChange(View(move, revision), Created: false, Changed: true, AliasEventView.Of(appended));
    }

    private AliasEvent Append(Move move, string? from, long revision)
    {
        var appended = new AliasEvent
        {
            Country = move.Country, Alias = move.Name, FromBundle = from, ToBundle = move.Bundle.BundleId,
            Revision = revision, Actor = move.Actor.Name, Reason = move.Reason, AtUtc = move.Now,
        };
        db.AliasEvents.Add(appended);
        var fromText = from is null ? "(new)" : BundleIdentity.DisplayIdOf(from);
        AuditLog.Record(db, move.Actor, move.Now, move.AuditAction, $"alias:{move.Label}",
            $"{fromText} → {move.Bundle.DisplayId} (revision {revision}): {move.Reason}");
        return appended;
    }

    private static AliasView View(Move move, long revision) =>
        new(move.Country, move.Name, move.Bundle.BundleId, revision, move.Now, move.Actor.Name, AliasTarget.Of(move.Bundle));

    private async Task<Problem> StaleAsync(Move move, string what, CancellationToken ct)
    {
        var now = await db.BundleAliases.AsNoTracking().FirstOrDefaultAsync(a => a.Country == move.Country && a.Name == move.Name, ct);
        return now is null
            ? Problem.PreconditionFailed($"Alias {move.Label} {what}; try again.")
            : Stale(move.Label, now, what);
    }

    /// <summary>412 that says what the alias is now, in words and as members a client can act on.</summary>
    private static Problem Stale(string label, BundleAlias now, string what) =>
        Problem.PreconditionFailed(
            $"Alias {label} {what}: it now points at {BundleIdentity.DisplayIdOf(now.BundleId)} (revision {now.Revision}, set by {now.UpdatedBy} at {now.UpdatedUtc:yyyy-MM-dd HH:mm:ss} UTC). Review the change again.")
            with { Extensions = Current(now) };

    private static Dictionary<string, object?> Current(BundleAlias now) => new(StringComparer.Ordinal)
    {
        ["current_bundle_id"] = now.BundleId,
        ["current_display_id"] = BundleIdentity.DisplayIdOf(now.BundleId),
        ["current_revision"] = now.Revision,
        ["current_etag"] = AliasRules.ETagOf(now.Revision),
        ["updated_by"] = now.UpdatedBy,
        ["updated_utc"] = now.UpdatedUtc,
    };
}
