using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.DataReleases;

namespace Portal.Core.Features.Bundles;

/// <summary>What an alias points at, with the identity fields a reviewer compares.</summary>
public sealed record AliasTarget(
    string BundleId,
    string DisplayId,
    string ModelVersion,
    string ModelSha256,
    string DataVersion,
    string DataManifestRevision,
    string Dataset,
    string DatasetSha256,
    string EngineVersion,
    bool Certified)
{
    public static AliasTarget Of(ExecutionBundle b) =>
        new(b.BundleId, b.DisplayId, b.ModelVersion, b.ModelSha256, b.DataVersion, b.DataManifestRevision, b.Dataset, b.DatasetSha256, b.EngineVersion, b.Certified);
}

/// <summary>An alias now; <see cref="ETag"/> is its revision in ETag form, accepted back as <c>If-Match</c>.</summary>
public sealed record AliasView(string Country, string Name, string BundleId, long Revision, DateTime UpdatedUtc, string UpdatedBy, AliasTarget? Bundle)
{
    public string DisplayId => BundleIdentity.DisplayIdOf(BundleId);

    public string ETag => AliasRules.ETagOf(Revision);

    public string HistoryUrl => $"/aliases/{Country}/{Name}/history";
}

/// <summary>One recorded change: the alias moved from one bundle (null when it was created) to another.</summary>
public sealed record AliasEventView(long Revision, string Country, string Alias, string? FromBundle, string ToBundle, string Actor, string Reason, DateTime AtUtc)
{
    public string? FromDisplayId => FromBundle is null ? null : BundleIdentity.DisplayIdOf(FromBundle);

    public string ToDisplayId => BundleIdentity.DisplayIdOf(ToBundle);

    public static AliasEventView Of(AliasEvent e) => new(e.Revision, e.Country, e.Alias, e.FromBundle, e.ToBundle, e.Actor, e.Reason, e.AtUtc);
}

/// <summary>Name and reason rules shared by promote, rollback, the API and the page.</summary>
public static partial class AliasRules
{
    public const int MaxReasonLength = 1000;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    public static bool IsName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static bool IsCountry(string? country) => DataReleaseRules.IsCountry(country);

    public static string ETagOf(long revision) => $"\"{revision}\"";

    /// <summary>Current aliases of a country with their bundles, by name (for the API, the page and /deployment).</summary>
    internal static async Task<List<AliasView>> LoadAsync(PortalDbContext db, string? country, string? name, CancellationToken ct)
    {
        var aliases = db.BundleAliases.AsNoTracking();
        if (country is not null)
        {
            aliases = aliases.Where(a => a.Country == country);
        }

        if (name is not null)
        {
            aliases = aliases.Where(a => a.Name == name);
        }

        var rows = await aliases
            .GroupJoin(db.ExecutionBundles.AsNoTracking(), a => a.BundleId, b => b.BundleId, (a, bs) => new { a, bs })
            .SelectMany(x => x.bs.DefaultIfEmpty(), (x, b) => new { x.a, b })
            .ToListAsync(ct);
        return rows
            .OrderBy(r => r.a.Country, StringComparer.Ordinal).ThenBy(r => r.a.Name, StringComparer.Ordinal)
            .Select(r => new AliasView(r.a.Country, r.a.Name, r.a.BundleId, r.a.Revision, r.a.UpdatedUtc, r.a.UpdatedBy, r.b is null ? null : AliasTarget.Of(r.b)))
            .ToList();
    }
}
