using System.Security.Cryptography;
using System.Text;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Execution bundle rows as the bundles feature writes them (identity hashed exactly as
/// <see cref="BundleIdentity"/> does, model hashes of the shipped releases), inserted directly so
/// alias tests do not depend on certification running.
/// </summary>
public static class TestBundles
{
    /// <summary>The shipped model releases' hashes (Portal.Core/Countries/*/releases.lock.json).</summary>
    public static string ModelSha(string country, string version) => (country, version) switch
    {
        ("us", "1.0.0") => "ec659abf85fa008c36337bcc449691b00378201584c62dfc6340a631ec65f950",
        ("us", "1.1.0") => "07c397f7fb0fc39c2f15bfbeaf0ade3d7c5c2053474e7e3158aa5eee10fc3d8f",
        _ => Hex($"model:{country}:{version}"),
    };

    public static ExecutionBundle Build(string country, string modelVersion, string dataVersion, bool certified = true, DateTime? createdUtc = null)
    {
        var identity = new BundleIdentity(country, modelVersion, ModelSha(country, modelVersion), dataVersion,
            Hex($"manifest:{country}:{dataVersion}"), "national", Hex($"dataset:{country}:{dataVersion}"), BundleIdentity.CurrentEngineVersion);
        return identity.ToRow(certified,
            certified
                ? """{"passed":true,"details":["dataset loaded","smoke simulation ran"],"households":2000}"""
                : """{"passed":false,"details":["smoke simulation failed: household_net_income is NaN"]}""",
            createdUtc ?? DateTime.UtcNow, "maintainer@example.org");
    }

    public static async Task<ExecutionBundle> AddAsync(PortalDbContext db, string country, string modelVersion, string dataVersion, bool certified = true)
    {
        var bundle = Build(country, modelVersion, dataVersion, certified);
        db.ExecutionBundles.Add(bundle);
        await db.SaveChangesAsync();
        return bundle;
    }

    private static string Hex(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));
}
