using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Core.Features.Policies;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// The application with a real 300-household US bundle (model 1.1.0, data 2024.1.0) behind
/// <c>latest</c>, an uncertified bundle, and clients per role; plus the test's own, independent
/// way to compute a simulation (population loaded afresh, a new engine simulation).
/// </summary>
public sealed class V2Fixture : PortalFactory, IAsyncLifetime
{
    public const string DataVersion = "2024.1.0";
    public const int Period = 2025;

    public ExecutionBundle Bundle { get; private set; } = null!;

    public ExecutionBundle Uncertified { get; private set; } = null!;

    public HttpClient Analyst { get; private set; } = null!;

    public HttpClient Reviewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Bundle = await RealBundles.CreateAsync(Services, "us", "1.1.0", DataVersion, households: 300);
        Uncertified = await RealBundles.CreateAsync(Services, "us", "1.1.0", "2024.2.0", households: 100, certified: false, alias: null);
        Analyst = await ApiClientForNewUserAsync("Analyst");
        Reviewer = await ApiClientForNewUserAsync("Reviewer");
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public static async Task<JsonNode> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A problem's messages for one field, as plain text.</summary>
    public static string Text(JsonNode messages) => string.Join(" ", messages.AsArray().Select(m => (string)m!));

    public async Task<string> CreatePolicyAsync(object parameters, string name = "test policy")
    {
        var (status, body) = await PostAsync(Analyst, "/api/v2/policies", new { country = "us", name, parameters });
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, body.ToJsonString());
        return (string)body["id"]!;
    }

    /// <summary>Submits (or finds) a simulation and waits until the Quartz job has completed it.</summary>
    public async Task<JsonNode> CompletedSimulationAsync(string? policyId, int period = Period)
    {
        var (status, body) = await PostAsync(Analyst, "/api/v2/simulations", new { country = "us", policy_id = policyId, time_period = period });
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, body.ToJsonString());
        return await WaitAsync((string)body["id"]!);
    }

    public async Task<JsonNode> WaitAsync(string simulationId) =>
        await Poll.UntilAsync(async () =>
        {
            var simulation = await GetAsync(Analyst, $"/api/v2/simulations/{simulationId}");
            return (string)simulation["status"]! is "completed" or "failed" ? simulation : null;
        }, TimeSpan.FromSeconds(60), $"simulation {simulationId}");

    /// <summary>The same simulation computed by the test: population read again from the artifact, a fresh engine simulation.</summary>
    public async Task<Simulation> IndependentAsync(string? policyId, int period = Period)
    {
        await using var scope = Services.CreateAsyncScope();
        var model = scope.ServiceProvider.GetRequiredService<ModelCatalog>().Find("us", "1.1.0")!;
        var loaded = await scope.ServiceProvider.GetRequiredService<LoadDataReleasePopulationHandler>().HandleAsync("us", DataVersion, model);
        Assert.True(loaded.Succeeded, loaded.Problem?.Describe());
        var reform = Reform.Empty;
        if (policyId is not null)
        {
            var policy = (await scope.ServiceProvider.GetRequiredService<GetPolicyHandler>().HandleAsync(policyId)).Value!;
            reform = Reform.Parse(policy.Parameters);
        }

        return new Simulation(model, loaded.Value!.Data.Population, period, reform);
    }
}
