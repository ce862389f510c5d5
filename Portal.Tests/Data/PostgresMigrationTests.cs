using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Core.Data.Migrations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Migrated_schema_equals_the_schema_EF_creates_from_the_model()
    {
        var migrated = TestDatabases.Postgres(await server.CreateDatabaseAsync());
        Assert.True((await TestDatabases.Migrator(migrated).MigrateAsync()).IsCurrent);

        var fromModel = TestDatabases.Postgres(await server.CreateDatabaseAsync());
        await TestDatabases.CreateFromModelAsync(fromModel);

        var expected = await SchemaSnapshot.OfPostgresAsync(fromModel.ConnectionString);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SchemaSnapshot.OfPostgresAsync(migrated.ConnectionString));
    }

    [PostgresFact]
    public async Task An_existing_database_upgrades_in_place_without_losing_data()
    {
        var settings = TestDatabases.Postgres(await server.CreateDatabaseAsync());
        var migrator = TestDatabases.Migrator(settings);
        Assert.Equal(1, (await migrator.MigrateAsync(targetVersion: 1)).CurrentVersion);

        await using (var connection = new NpgsqlConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO \"AspNetUsers\" (\"Id\", \"DisplayName\", \"CreatedUtc\", \"UserName\", \"NormalizedUserName\", \"Email\", \"NormalizedEmail\", \"EmailConfirmed\", \"PhoneNumberConfirmed\", \"TwoFactorEnabled\", \"LockoutEnabled\", \"AccessFailedCount\") " +
                "VALUES ('u1', 'Ada', '2026-01-01T00:00:00Z', 'ada@example.org', 'ADA@EXAMPLE.ORG', 'ada@example.org', 'ADA@EXAMPLE.ORG', true, false, false, true, 0);";
            await insert.ExecuteNonQueryAsync();
        }

        Assert.True((await migrator.MigrateAsync()).IsCurrent);
        await using var context = TestDatabases.Context(settings);
        var user = await context.Users.SingleAsync();
        Assert.Equal("Ada", user.DisplayName);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), user.CreatedUtc);
    }

    [PostgresFact]
    public async Task Concurrent_migrators_apply_each_script_exactly_once()
    {
        var settings = TestDatabases.Postgres(await server.CreateDatabaseAsync());
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => TestDatabases.Migrator(settings).MigrateAsync())));
        Assert.All(results, r => Assert.True(r.IsCurrent));

        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{SchemaMigrator.HistoryTable}\"";
        Assert.Equal((long)results[0].LatestVersion, (long)(await command.ExecuteScalarAsync())!);
    }
}
