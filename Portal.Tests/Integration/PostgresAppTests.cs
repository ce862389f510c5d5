using Portal.Core.Data;
using Portal.Core.Data.Migrations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The whole application with <c>Database:Provider=Postgres</c>: migrations, Identity, clustered Quartz.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAppTests(PostgresServer server)
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
    public async Task Portal_starts_cleanly_on_postgres_and_every_layer_works()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var factory = new PostgresPortalFactory(connectionString);

        var ready = await Poll.UntilAsync(async () =>
        {
            var response = await factory.ApiClient().GetAsync("/readyz");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }, TimeSpan.FromSeconds(30), "readiness on PostgreSQL");
        var database = JsonDocument.Parse(ready).RootElement.GetProperty("checks").GetProperty("database").GetProperty("data");
        Assert.Equal(MigrationScript.For(DatabaseProvider.Postgres).Count, database.GetProperty("schema_version").GetInt32());

        // First-run setup through the real form, on PostgreSQL.
        var browser = factory.BrowserClient();
        var setup = await HtmlForms.SubmitAsync(browser, "/setup", "setup", new()
        {
            ["Input.Email"] = "pg-admin@example.org",
            ["Input.Password"] = TestPasswords.Strong,
            ["Input.ConfirmPassword"] = TestPasswords.Strong,
        });
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/setup")).StatusCode);

        var admin = factory.ApiClient(await factory.CreateTokenAsync("pg-admin@example.org"));
        var analyst = await admin.PostAsJsonAsync("/api/admin/users", new { email = "pg-analyst@example.org", password = TestPasswords.Strong, roles = new[] { "Analyst" } });
        var analystId = (await analyst.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var locked = await admin.PostAsync($"/api/admin/users/{analystId}/lock", null);
        Assert.True((await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("is_locked").GetBoolean());

        // Quartz runs clustered on the same database and records its history there.
        var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
        Assert.NotEqual("NON_CLUSTERED", jobs.GetProperty("instance_id").GetString());
        Assert.Contains(jobs.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("is_current").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/admin/jobs/system/database-maintenance/run", null)).StatusCode);
        await Poll.UntilAsync(async () =>
        {
            var overview = await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
            return overview.GetProperty("recent").EnumerateArray().Any(e => e.GetProperty("result").GetString() == "Succeeded") ? "done" : null;
        }, TimeSpan.FromSeconds(30), "the maintenance job on PostgreSQL");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM information_schema.tables WHERE lower(table_name) LIKE 'qrtz\\_%'";
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 11);
    }
}
