using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The gateway's race guarantees on PostgreSQL (row locks and a real unique-violation path, unlike SQLite's single writer).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGatewayTests(PostgresServer server)
{
    private sealed class PostgresGateway(string connectionString) : GatewayFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Database:Provider", "Postgres"),
            new("ConnectionStrings:Portal", connectionString),
        ];
    }

    [PostgresFact]
    public async Task Fifty_concurrent_identical_submits_create_one_job_on_postgres_and_a_failed_job_is_replaced_once()
    {
        await using var portal = new PostgresGateway(await server.CreateDatabaseAsync());
        await ((IAsyncLifetime)portal).InitializeAsync();
        var body = new { country = "us", time_period = 2024, title = "pg" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => GatewayFixture.SubmitOkAsync(portal.Analyst, body)));
        var jobId = Assert.Single(responses.Select(r => (string)r["job_id"]!).Distinct());
        Assert.Equal(1, responses.Count(r => (string?)r["cache"] == "miss"));
        Assert.Equal("complete", (string?)(await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{jobId}"))["status"]);
        var row = await portal.WithDbAsync(db => db.SimulationJobs.SingleAsync(j => j.JobId == jobId));
        Assert.Equal(1, row.Attempts);

        // Fail it, then resubmit concurrently: exactly one replacement job takes the key.
        await portal.WithDbAsync(db => db.SimulationJobs.Where(j => j.JobId == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, "failed")));
        var retries = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GatewayFixture.SubmitOkAsync(portal.Analyst, body)));
        var retryId = Assert.Single(retries.Select(r => (string)r["job_id"]!).Distinct());
        Assert.NotEqual(jobId, retryId);
        Assert.Equal(2, await portal.WithDbAsync(db => db.SimulationJobs.CountAsync(j => j.RequestJson.Contains("\"title\":\"pg\""))));
        Assert.Null((await portal.WithDbAsync(db => db.SimulationJobs.SingleAsync(j => j.JobId == jobId))).CacheKey);
        Assert.Equal("complete", (string?)(await GatewayFixture.WaitAsync(portal.Analyst, $"/jobs/{retryId}"))["status"]);
    }
}
