using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Core.Data.Migrations;

/// <summary>Where a database's schema stands relative to this build.</summary>
public sealed record SchemaStatus(int CurrentVersion, int LatestVersion)
{
    public bool IsCurrent => CurrentVersion == LatestVersion;
}

/// <summary>
/// Applies the versioned SQL scripts of <see cref="MigrationScript"/> in order, each in its own
/// transaction together with its row in <c>__portal_schema_history</c>, so a crash mid-upgrade
/// leaves the database at the previous version, never in between.
/// <para>
/// Why scripts rather than EF migrations: <c>Microsoft.EntityFrameworkCore.Design</c> cannot be
/// restored here, so <c>dotnet ef migrations add</c> is unavailable. Each script starts life as
/// the output of <c>portal db script</c> (EF's <c>GenerateCreateScript</c>) or a diff of it, and a
/// test proves that the migrated schema equals the one EF would create from the model.
/// </para>
/// </summary>
public sealed class SchemaMigrator(DatabaseSettings settings, ILogger<SchemaMigrator> logger, TimeProvider time)
{
    public const string HistoryTable = "__portal_schema_history";

    // Any constant works; it only has to be the same for every Portal instance.
    private const long PostgresLockKey = 0x5057_5254_4C00;

    public IReadOnlyList<MigrationScript> Scripts { get; } = MigrationScript.For(settings.Provider);

    public async Task<SchemaStatus> MigrateAsync(int? targetVersion = null, CancellationToken ct = default)
    {
        var target = targetVersion ?? Scripts.Count;
        await using var connection = await OpenAsync(ct);
        if (settings.IsSqlite)
        {
            // WAL lets readers (pages) proceed while a writer (a job) commits; it is persistent.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
        }
        else
        {
            // Two instances starting together must not both run the same script.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey});", ct);
        }

        try
        {
            await ExecuteAsync(connection, null, CreateHistoryTableSql(), ct);
            var applied = await ReadAppliedAsync(connection, null, ct);
            Verify(applied);

            foreach (var script in Scripts.Where(s => s.Version <= target && !applied.ContainsKey(s.Version)))
            {
                await ApplyAsync(connection, script, ct);
            }

            var final = await ReadAppliedAsync(connection, null, ct);
            return new SchemaStatus(final.Count == 0 ? 0 : final.Keys.Max(), Scripts.Count);
        }
        finally
        {
            if (!settings.IsSqlite)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey});", CancellationToken.None);
            }
        }
    }

    /// <summary>Reads the schema version without changing anything; a database never migrated is at version 0.</summary>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var applied = await HistoryTableExistsAsync(connection, ct)
            ? await ReadAppliedAsync(connection, null, ct)
            : [];

        return new SchemaStatus(applied.Count == 0 ? 0 : applied.Keys.Max(), Scripts.Count);
    }

    private async Task<bool> HistoryTableExistsAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = settings.IsSqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{HistoryTable}';"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{HistoryTable}';";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private async Task ApplyAsync(DbConnection connection, MigrationScript script, CancellationToken ct)
    {
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) takes the write lock up front,
        // so a second process waits here and then sees the script as applied.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var applied = await ReadAppliedAsync(connection, transaction, ct);
        if (applied.ContainsKey(script.Version))
        {
            return;
        }

        logger.LogInformation("Applying schema migration {Version:D4}_{Name}", script.Version, script.Name);
        await ExecuteAsync(connection, transaction, script.Sql, ct);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO \"{HistoryTable}\" (\"version\", \"name\", \"checksum\", \"applied_utc\") VALUES (@v, @n, @c, @t);";
            AddParameter(insert, "@v", script.Version);
            AddParameter(insert, "@n", script.Name);
            AddParameter(insert, "@c", script.Checksum);
            AddParameter(insert, "@t", time.GetUtcNow().UtcDateTime);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    private void Verify(IReadOnlyDictionary<int, string> applied)
    {
        foreach (var (version, checksum) in applied)
        {
            var script = Scripts.FirstOrDefault(s => s.Version == version);
            if (script is null)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {applied.Keys.Max()}, newer than this build of Portal knows ({Scripts.Count}). " +
                    "Upgrade Portal, or restore a backup made by this version.");
            }

            if (!string.Equals(script.Checksum, checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Schema migration {version:D4}_{script.Name} was changed after it was applied (checksum {checksum[..12]}… in the database, " +
                    $"{script.Checksum[..12]}… in this build). Released migrations are append-only: add a new script instead.");
            }
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection connection;
        if (settings.IsSqlite)
        {
            var file = new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
            var dir = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            connection = new SqliteConnection(settings.ConnectionString);
        }
        else
        {
            connection = new NpgsqlConnection(settings.ConnectionString);
        }

        await connection.OpenAsync(ct);
        return connection;
    }

    private string CreateHistoryTableSql() => settings.IsSqlite
        ? $"CREATE TABLE IF NOT EXISTS \"{HistoryTable}\" (\"version\" INTEGER NOT NULL PRIMARY KEY, \"name\" TEXT NOT NULL, \"checksum\" TEXT NOT NULL, \"applied_utc\" TEXT NOT NULL);"
        : $"CREATE TABLE IF NOT EXISTS \"{HistoryTable}\" (\"version\" integer NOT NULL PRIMARY KEY, \"name\" text NOT NULL, \"checksum\" text NOT NULL, \"applied_utc\" timestamp with time zone NOT NULL);";

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT \"version\", \"checksum\" FROM \"{HistoryTable}\";";
        var applied = new Dictionary<int, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
