using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// A running Portal (real SQLite, real Quartz) with a small generated US data release and bundle
/// rows over it, written directly as the bundle service would: <see cref="Latest"/> (us 1.1.0 +
/// national, the <c>latest</c> alias), <see cref="Older"/> (us 1.0.0 + national),
/// <see cref="Calibration"/> (us 1.1.0 + calibration) and <see cref="Uncertified"/>.
/// </summary>
public class GatewayFixture : PortalFactory, IAsyncLifetime
{
    public const string DataVersion = "2024.1.0";

    public ExecutionBundle Latest { get; private set; } = null!;

    public ExecutionBundle Older { get; private set; } = null!;

    public ExecutionBundle Calibration { get; private set; } = null!;

    public ExecutionBundle Uncertified { get; private set; } = null!;

    public HttpClient Analyst { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Analyst = await ApiClientForNewUserAsync(PortalRoles.Analyst);
        var release = await GenerateReleaseAsync(DataVersion, 300, seed: 7, clones: 1);
        Latest = await AddBundleAsync(release, "1.1.0", "national");
        Older = await AddBundleAsync(release, "1.0.0", "national");
        Calibration = await AddBundleAsync(release, "1.1.0", "calibration");
        Uncertified = await AddBundleAsync(release, "1.1.0", "national", certified: false, engineVersion: "0.0.0-uncertified");
        await PointAliasAsync("us", "latest", Latest.BundleId);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public async Task<DataReleaseDetail> GenerateReleaseAsync(string version, int households, long seed, int clones = 0)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<GenerateDataReleaseHandler>()
            .HandleAsync(new GenerateDataReleaseRequest("us", version, households, seed, clones), Actor.Operator);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return result.Value!.Release;
    }

    /// <summary>A bundle row over <paramref name="release"/>'s <paramref name="dataset"/> and an installed model release.</summary>
    public async Task<ExecutionBundle> AddBundleAsync(DataReleaseDetail release, string modelVersion, string dataset, bool certified = true, string? engineVersion = null)
    {
        var model = Services.GetRequiredService<ModelCatalog>().Find("us", modelVersion)!;
        var artifact = release.Artifacts.Single(a => a.Name == dataset);
        var identity = new BundleIdentity("us", modelVersion, model.Sha256, release.Release.Version, release.Release.ManifestRevision,
            dataset, artifact.Sha256, engineVersion ?? BundleIdentity.CurrentEngineVersion);
        var bundle = identity.ToRow(certified, certified ? "{\"passed\":true}" : "{\"passed\":false}", DateTime.UtcNow, "test");
        await WithDbAsync(async db =>
        {
            db.ExecutionBundles.Add(bundle);
            return await db.SaveChangesAsync();
        });
        return bundle;
    }

    /// <summary>Creates or moves an alias with its event, as a promotion would.</summary>
    public Task PointAliasAsync(string country, string name, string bundleId) => WithDbAsync(async db =>
    {
        var alias = await db.BundleAliases.FirstOrDefaultAsync(a => a.Country == country && a.Name == name);
        var from = alias?.BundleId;
        if (alias is null)
        {
            alias = new BundleAlias { Country = country, Name = name };
            db.BundleAliases.Add(alias);
        }

        alias.BundleId = bundleId;
        alias.Revision++;
        alias.UpdatedUtc = DateTime.UtcNow;
        alias.UpdatedBy = "test";
        db.AliasEvents.Add(new AliasEvent
        {
            Country = country, Alias = name, FromBundle = from, ToBundle = bundleId, Revision = alias.Revision, Actor = "test", Reason = "test", AtUtc = DateTime.UtcNow,
        });
        return await db.SaveChangesAsync();
    });

    public static async Task<JsonObject> SubmitOkAsync(HttpClient client, object body, string path = "/simulate/economy/comparison")
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Polls until the job is complete or failed; returns the final body.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient client, string pollUrl, TimeSpan? timeout = null) =>
        await Poll.UntilAsync(async () =>
        {
            var response = await client.GetAsync(pollUrl);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
            var body = JsonNode.Parse(text)!.AsObject();
            var status = (string?)body["status"];
            Assert.Equal(status is "complete" or "failed" ? HttpStatusCode.OK : HttpStatusCode.Accepted, response.StatusCode);
            return status is "complete" or "failed" ? body : null;
        }, timeout ?? TimeSpan.FromSeconds(60), "the job to finish");
}
