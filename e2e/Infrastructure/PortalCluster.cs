using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Two portal processes as a load balancer would see them: one private PostgreSQL database, one
/// shared artifact directory (<c>Storage__Root</c>), a Quartz cluster with short check-in timings
/// (a dead node is noticed within about three seconds), and their own data directories. Seeded
/// through the CLI of node A (admin, token, a small generated US release) with a bundle promoted to
/// <c>latest</c>, so both nodes can run simulations.
/// </summary>
public sealed class PortalCluster : IAsyncLifetime
{
    public const string CheckinInterval = "00:00:01";
    public const string CheckinMisfireThreshold = "00:00:02";

    private readonly PostgresServer _postgres = new();

    public PortalProcess A { get; private set; } = null!;

    public PortalProcess B { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public string SharedStorage { get; } = Directory.CreateTempSubdirectory("portal-e2e-cluster-shared-").FullName;

    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        ConnectionString = await _postgres.CreateDatabaseAsync();
        A = Node("node-a");
        B = Node("node-b");

        await A.CreateUserAsync(TestAccounts.Admin);
        AdminToken = await A.CreateTokenAsync(TestAccounts.Admin.Email, "cluster test");
        var generated = await A.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "300", "--seed", "7"]);
        Assert.True(generated.ExitCode == 0, generated.ToString());

        // One after the other, as scripts/cluster.sh does: the first creates the data-protection key.
        await A.StartAsync();
        await B.StartAsync();

        using var api = A.CreateClient(AdminToken);
        using var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = "2024.1.0" });
        var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode == HttpStatusCode.Created, bundle.ToJsonString());
        using var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = (string)bundle["bundle_id"]!, reason = "cluster e2e" });
        Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { A, B })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await _postgres.DisposeAsync();
        try
        {
            Directory.Delete(SharedStorage, recursive: true);
        }
        catch (IOException)
        {
            // Best effort, like PortalProcess's own data directory.
        }
    }

    /// <summary>The node whose scheduler instance id is <paramref name="instanceId"/>.</summary>
    public PortalProcess ByInstanceId(string instanceId) => instanceId == "node-a" ? A : instanceId == "node-b" ? B
        : throw new InvalidOperationException($"No node is called {instanceId}.");

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public string Logs() => $"--- node-a ---{Environment.NewLine}{A.LogTail(30)}{Environment.NewLine}--- node-b ---{Environment.NewLine}{B.LogTail(30)}";

    private PortalProcess Node(string name)
    {
        var node = PortalProcess.Create("cluster-" + name);
        node.EnvironmentVariables["Database__Provider"] = "Postgres";
        node.EnvironmentVariables["ConnectionStrings__Portal"] = ConnectionString;
        node.EnvironmentVariables["Storage__Root"] = SharedStorage;
        node.EnvironmentVariables["Scheduler__InstanceId"] = name;
        node.EnvironmentVariables["Scheduler__ClusterCheckinInterval"] = CheckinInterval;
        node.EnvironmentVariables["Scheduler__ClusterCheckinMisfireThreshold"] = CheckinMisfireThreshold;
        node.EnvironmentVariables["Simulations__MaxConcurrentJobs"] = "1";

        // A computation takes a few hundred milliseconds; the pause makes each job last about a second,
        // so the kill lands while one is in flight.
        node.EnvironmentVariables["Simulations__JobDelayMs"] = "800";
        return node;
    }
}
