using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>Data releases on PostgreSQL: the 0004 migration, the queries and the conflict rule.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDataReleaseTests(PostgresServer server)
{
    private sealed class PostgresPortalFactory(string connectionString) : PortalFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Database:Provider", "Postgres"),
            new("ConnectionStrings:Portal", connectionString),
        ];
    }

    [PostgresFact]
    public async Task Releases_are_generated_listed_and_immutable_on_postgres()
    {
        await using var factory = new PostgresPortalFactory(await server.CreateDatabaseAsync());
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var created = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "us", version = "2024.1.0", households = 200, clones = 1 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var releases = await maintainer.GetFromJsonAsync<JsonElement>("/api/v2/data-releases");
        Assert.Equal(2, releases.EnumerateArray().Single().GetProperty("artifact_count").GetInt32());
        var datasets = await maintainer.GetFromJsonAsync<JsonElement>("/api/v2/datasets?country=us");
        Assert.Equal(["calibration", "national"], datasets.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.True((await maintainer.GetFromJsonAsync<JsonElement>("/api/v2/data-releases/us/2024.1.0/verify")).GetProperty("ok").GetBoolean());

        var again = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "us", version = "2024.1.0", households = 200, seed = 9 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
