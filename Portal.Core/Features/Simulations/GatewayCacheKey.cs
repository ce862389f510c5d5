using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// The identity of a gateway computation: sha256 (lower-case hex) of the canonical JSON
/// <c>{"baseline":[…],"bundle_id":…,"options":{…},"reform":[…],"region":…,"time_period":…}</c>
/// — keys in ordinal order, no whitespace. The bundle is the resolved full id (so a request that
/// resolves <c>latest</c> to another bundle is another key); a policy is its list of changes
/// <c>{path, start, stop, value}</c> with the path resolved against the bundle's model (canonical
/// case and spelling), ordered by path; changes to one path keep their request order, because
/// later changes win where periods overlap.
/// </summary>
public static class GatewayCacheKey
{
    public static string Compute(string bundleId, Reform reform, Reform baseline, string region, int timePeriod, JsonObject options, CountryModel model)
    {
        var canonical = new JsonObject
        {
            ["baseline"] = CanonicalPolicy(baseline, model),
            ["bundle_id"] = bundleId,
            ["options"] = Sorted(options),
            ["reform"] = CanonicalPolicy(reform, model),
            ["region"] = region,
            ["time_period"] = timePeriod,
        };
        return Hash(canonical.ToJsonString());
    }

    public static string Hash(string canonicalJson) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    /// <summary>The policy's changes in canonical form (throws <see cref="ReformException"/> for an unknown path).</summary>
    public static JsonArray CanonicalPolicy(Reform policy, CountryModel model)
    {
        var array = new JsonArray();
        foreach (var (path, changes) in policy.Resolve(model).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var change in changes)
            {
                array.Add(new JsonObject
                {
                    ["path"] = path,
                    ["start"] = change.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["stop"] = change.Stop?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["value"] = change.Value,
                });
            }
        }

        return array;
    }

    private static JsonObject Sorted(JsonObject options)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in options.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sorted[key] = value is JsonObject nested ? Sorted(nested) : value?.DeepClone();
        }

        return sorted;
    }
}
