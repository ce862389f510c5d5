using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data.Migrations;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDirectory _dir = new("portal-migrations");

    [Fact]
    public async Task Migrated_schema_equals_the_schema_EF_creates_from_the_model()
    {
        var migrated = TestDatabases.Sqlite(_dir.File("migrated.db"));
        var status = await TestDatabases.Migrator(migrated).MigrateAsync();
        Assert.True(status.IsCurrent);

        var fromModel = TestDatabases.Sqlite(_dir.File("model.db"));
        await TestDatabases.CreateFromModelAsync(fromModel);

        var expected = await SchemaSnapshot.OfSqliteAsync(fromModel.ConnectionString);
        var actual = await SchemaSnapshot.OfSqliteAsync(migrated.ConnectionString);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task An_existing_database_upgrades_in_place_without_losing_data()
    {
        var settings = TestDatabases.Sqlite(_dir.File("upgrade.db"));
        var migrator = TestDatabases.Migrator(settings);
        var v1 = await migrator.MigrateAsync(targetVersion: 1);
        Assert.Equal(1, v1.CurrentVersion);
        Assert.False(v1.IsCurrent);

        // Data written by a version 1 build.
        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO AspNetUsers (Id, DisplayName, CreatedUtc, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) " +
                "VALUES ('u1', 'Ada', '2026-01-01 00:00:00', 'ada@example.org', 'ADA@EXAMPLE.ORG', 'ada@example.org', 'ADA@EXAMPLE.ORG', 1, 0, 0, 1, 0);" +
                "INSERT INTO AspNetUserRoles (UserId, RoleId) VALUES ('u1', 'role-admin');";
            await insert.ExecuteNonQueryAsync();
        }

        var latest = await migrator.MigrateAsync();
        Assert.True(latest.IsCurrent);

        await using var context = TestDatabases.Context(settings);
        var user = await context.Users.SingleAsync();
        Assert.Equal("ada@example.org", user.Email);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), user.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, user.CreatedUtc.Kind);
        var roles = await context.UserRoles.Join(context.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToListAsync();
        Assert.Equal([PortalRoles.Admin], roles);
        Assert.Empty(await context.AccessTokens.ToListAsync());

        var fromModel = TestDatabases.Sqlite(_dir.File("model.db"));
        await TestDatabases.CreateFromModelAsync(fromModel);
        Assert.Equal(await SchemaSnapshot.OfSqliteAsync(fromModel.ConnectionString), await SchemaSnapshot.OfSqliteAsync(settings.ConnectionString));
    }

    [Fact]
    public async Task Version_13_keeps_one_registry_row_per_gateway_job_and_then_enforces_it()
    {
        var settings = TestDatabases.Sqlite(_dir.File("runs-unique.db"));
        var migrator = TestDatabases.Migrator(settings);
        await migrator.MigrateAsync(targetVersion: 12);

        // What a cluster start-up race could leave: two gateway rows for job_a (the older one stays),
        // and two spec runs sharing cached job_b (legitimate, kept).
        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = string.Concat(new[] { ("run_1", "gateway", "job_a"), ("run_2", "gateway", "job_a"), ("run_3", "template", "job_b"), ("run_4", "template", "job_b") }
                .Select(r => "INSERT INTO runs (run_id, kind, source, title, country, bundle_id, spec_sha256, status, job_id, provenance_json, warnings_json, spec_text, search_text, submitted_by, created_at) " +
                             $"VALUES ('{r.Item1}', '{r.Item2}', 'api', 't', 'us', 'b', 's', 'complete', '{r.Item3}', '{{}}', '[]', '', '', 'x', '2026-01-01 00:00:00');"));
            await insert.ExecuteNonQueryAsync();
        }

        Assert.True((await migrator.MigrateAsync()).IsCurrent);

        await using var context = TestDatabases.Context(settings);
        Assert.Equal(["run_1", "run_3", "run_4"], await context.Runs.OrderBy(r => r.RunId).Select(r => r.RunId).ToListAsync());
        context.Runs.Add(Copy(await context.Runs.AsNoTracking().SingleAsync(r => r.RunId == "run_1"), "run_5"));
        await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        context.ChangeTracker.Clear();
        context.Runs.Add(Copy(await context.Runs.AsNoTracking().SingleAsync(r => r.RunId == "run_3"), "run_6"));
        await context.SaveChangesAsync();

        static Portal.Core.Features.Runs.RunRecord Copy(Portal.Core.Features.Runs.RunRecord row, string runId)
        {
            row.Id = 0;
            row.RunId = runId;
            return row;
        }
    }

    [Fact]
    public async Task Migrating_twice_is_a_no_op()
    {
        var settings = TestDatabases.Sqlite(_dir.File("twice.db"));
        await TestDatabases.Migrator(settings).MigrateAsync();
        var again = await TestDatabases.Migrator(settings).MigrateAsync();
        Assert.True(again.IsCurrent);
        Assert.Equal(again.LatestVersion, await CountHistoryRowsAsync(settings.ConnectionString));
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_script_exactly_once()
    {
        var settings = TestDatabases.Sqlite(_dir.File("concurrent.db"));
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => TestDatabases.Migrator(settings).MigrateAsync())));
        Assert.All(results, r => Assert.True(r.IsCurrent));
        Assert.Equal(results[0].LatestVersion, await CountHistoryRowsAsync(settings.ConnectionString));
    }

    [Fact]
    public async Task A_changed_released_script_is_refused_at_start_up()
    {
        var settings = TestDatabases.Sqlite(_dir.File("tampered.db"));
        await TestDatabases.Migrator(settings).MigrateAsync();
        await ExecuteAsync(settings.ConnectionString, $"UPDATE \"{SchemaMigrator.HistoryTable}\" SET checksum = 'deadbeefdeadbeefdeadbeef' WHERE version = 1");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestDatabases.Migrator(settings).MigrateAsync());
        Assert.Contains("was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_from_a_newer_build_is_refused()
    {
        var settings = TestDatabases.Sqlite(_dir.File("newer.db"));
        await TestDatabases.Migrator(settings).MigrateAsync();
        await ExecuteAsync(settings.ConnectionString, $"INSERT INTO \"{SchemaMigrator.HistoryTable}\" VALUES (99, 'future', 'x', '2030-01-01')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestDatabases.Migrator(settings).MigrateAsync());
        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_new_database_is_version_zero_and_reading_it_changes_nothing()
    {
        var settings = TestDatabases.Sqlite(_dir.File("status.db"));
        var status = await TestDatabases.Migrator(settings).GetStatusAsync();
        Assert.Equal(0, status.CurrentVersion);
        Assert.False(status.IsCurrent);
        Assert.Empty(await SchemaSnapshot.OfSqliteAsync(settings.ConnectionString));
    }

    [Fact]
    public void Scripts_exist_for_both_providers_with_the_same_versions_and_names()
    {
        var sqlite = MigrationScript.For(Portal.Core.Data.DatabaseProvider.Sqlite);
        var postgres = MigrationScript.For(Portal.Core.Data.DatabaseProvider.Postgres);
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(s => (s.Version, s.Name)), postgres.Select(s => (s.Version, s.Name)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static async Task<long> CountHistoryRowsAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{SchemaMigrator.HistoryTable}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
