using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Identity;

namespace Portal.Core.Features.Demo;

/// <summary>
/// <c>--demo</c>: points each country's <c>latest</c> at its demo bundle through the normal promote
/// use case (so the demo start is an ordinary alias event by actor <c>demo</c>). Idempotent: a
/// country whose <c>latest</c> already exists is left alone, even if someone has moved it since.
/// </summary>
public sealed class SeedDemoAliasesHandler(PortalDbContext db, PromoteAliasHandler promote)
{
    public const string Alias = "latest";
    public const string Reason = "Demo start";

    public static Actor DemoActor { get; } = new(null, "demo", new HashSet<string>(StringComparer.Ordinal) { PortalRoles.Admin });

    /// <summary>The aliases created now (empty when every country already had one).</summary>
    public async Task<IReadOnlyList<AliasView>> HandleAsync(IEnumerable<string> bundleIds, CancellationToken ct = default)
    {
        var created = new List<AliasView>();
        foreach (var bundleId in bundleIds)
        {
            var bundle = await BundleLookup.FindByIdAsync(db, bundleId, ct)
                ?? throw new InvalidOperationException($"Demo bundle {bundleId} does not exist.");
            if (await db.BundleAliases.AnyAsync(a => a.Country == bundle.Country && a.Name == Alias, ct))
            {
                continue;
            }

            var result = await promote.HandleAsync(new PromoteAliasRequest(bundle.Country, Alias, bundle.BundleId, Reason), DemoActor, ct);
            created.Add(result.Succeeded ? result.Value!.Alias : throw new InvalidOperationException($"Demo alias {bundle.Country}/{Alias}: {result.Problem!.Describe()}"));
        }

        return created;
    }
}
