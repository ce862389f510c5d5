using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Bundles;

/// <summary>A country's (or every country's) current aliases with their bundles, by country and name.</summary>
public sealed class ListAliasesHandler(PortalDbContext db)
{
    public async Task<IReadOnlyList<AliasView>> HandleAllAsync(CancellationToken ct = default) =>
        await AliasRules.LoadAsync(db, null, null, ct);

    public async Task<Result<IReadOnlyList<AliasView>>> HandleAsync(string country, CancellationToken ct = default)
    {
        if (!AliasRules.IsCountry(country))
        {
            return Problem.NotFound($"Country '{country}'");
        }

        return await AliasRules.LoadAsync(db, country, null, ct);
    }
}

/// <summary>One alias now (its revision is the ETag clients send back as If-Match).</summary>
public sealed class GetAliasHandler(PortalDbContext db)
{
    public async Task<Result<AliasView>> HandleAsync(string country, string name, CancellationToken ct = default)
    {
        var alias = AliasRules.IsCountry(country) && AliasRules.IsName(name)
            ? (await AliasRules.LoadAsync(db, country, name, ct)).FirstOrDefault()
            : null;
        return alias is null ? Problem.NotFound($"Alias {country}/{name}") : alias;
    }
}

/// <summary>Every change of an alias, newest first, paged.</summary>
public sealed class AliasHistoryHandler(PortalDbContext db)
{
    public async Task<Result<Page<AliasEventView>>> HandleAsync(string country, string name, int? page = null, int? pageSize = null, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var events = db.AliasEvents.AsNoTracking().Where(e => e.Country == country && e.Alias == name);
        var total = await events.CountAsync(ct);
        if (total == 0)
        {
            return Problem.NotFound($"Alias {country}/{name}");
        }

        var rows = await events.OrderByDescending(e => e.Revision).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        return new Page<AliasEventView>(rows.Select(AliasEventView.Of).ToList(), number, size, total);
    }
}

/// <summary>What an alias resolved to at an instant, and the event that put it there.</summary>
public sealed record AliasResolution(string Country, string Name, DateTime AtUtc, string BundleId, long Revision, AliasEventView SetBy, AliasTarget? Bundle)
{
    public string DisplayId => BundleIdentity.DisplayIdOf(BundleId);
}

/// <summary>
/// "What did <c>latest</c> point at at time T": replays the alias's events in revision order up to
/// T. The events are the whole truth (the alias row is only their latest state), so this works for
/// any past instant even after later promotions or rollbacks.
/// </summary>
public sealed class ResolveAliasAtHandler(PortalDbContext db)
{
    public async Task<Result<AliasResolution>> HandleAsync(string country, string name, DateTime at, CancellationToken ct = default)
    {
        var instant = at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at.ToUniversalTime();
        var events = await db.AliasEvents.AsNoTracking()
            .Where(e => e.Country == country && e.Alias == name)
            .OrderBy(e => e.Revision)
            .ToListAsync(ct);
        if (events.Count == 0)
        {
            return Problem.NotFound($"Alias {country}/{name}");
        }

        AliasEvent? state = null;
        foreach (var e in events.TakeWhile(e => e.AtUtc <= instant))
        {
            state = e;
        }

        if (state is null)
        {
            return new Problem(ProblemKind.NotFound, "Not found", $"Alias {country}/{name} did not exist at {instant:O}; it was created at {events[0].AtUtc:O}.");
        }

        var bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == state.ToBundle, ct);
        return new AliasResolution(country, name, instant, state.ToBundle, state.Revision, AliasEventView.Of(state), bundle is null ? null : AliasTarget.Of(bundle));
    }
}
