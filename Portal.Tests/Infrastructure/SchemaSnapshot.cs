using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A database's schema as sorted text lines (tables, columns with type/nullability/default,
/// indexes with uniqueness and columns, foreign keys with delete rules), so two schemas can
/// be compared with a readable diff. Portal's migration history and Quartz's tables are left out.
/// </summary>
public static class SchemaSnapshot
{
    public static async Task<List<string>> OfSqliteAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var tables = await QueryAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__portal%' AND name NOT LIKE 'QRTZ_%'",
            r => r.GetString(0));
        var lines = new List<string>();
        foreach (var table in tables)
        {
            lines.Add($"table {table}");
            lines.AddRange(await QueryAsync(connection, $"PRAGMA table_info(\"{table}\")",
                r => $"column {table}.{r.GetString(1)} {r.GetString(2)} notnull={r.GetInt64(3)} default={(r.IsDBNull(4) ? "" : r.GetString(4))} pk={r.GetInt64(5)}"));
            foreach (var (index, unique, partial) in await QueryAsync(connection, $"PRAGMA index_list(\"{table}\")", r => (r.GetString(1), r.GetInt64(2), r.GetInt64(4))))
            {
                if (index.StartsWith("sqlite_autoindex", StringComparison.Ordinal))
                {
                    continue;
                }

                var columns = await QueryAsync(connection, $"PRAGMA index_info(\"{index}\")", r => r.GetString(2));
                // A partial index's WHERE clause: the text EF and the script wrote, whitespace aside.
                var filter = partial == 0 ? "" : " where " + System.Text.RegularExpressions.Regex.Replace(
                    (await QueryAsync(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{index}'", r => r.GetString(0))).Single().Split(" WHERE ", 2)[1], @"\s+", " ").TrimEnd(';', ' ');
                lines.Add($"index {table}.{index} unique={unique} ({string.Join(",", columns)}){filter}");
            }

            lines.AddRange(await QueryAsync(connection, $"PRAGMA foreign_key_list(\"{table}\")",
                r => $"fk {table}.{r.GetString(3)} -> {r.GetString(2)}.{r.GetString(4)} on_delete={r.GetString(6)}"));
            lines.Add($"autoincrement {table}={await ScalarAsync(connection, $"SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_master WHERE name = '{table}'")}");
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    public static async Task<List<string>> OfPostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        const string ours = "table_schema = 'public' AND table_name NOT LIKE '\\_\\_portal%' AND lower(table_name) NOT LIKE 'qrtz\\_%'";
        var lines = new List<string>();
        lines.AddRange(await QueryAsync(connection,
            $"SELECT table_name FROM information_schema.tables WHERE {ours}", r => $"table {r.GetString(0)}"));
        lines.AddRange(await QueryAsync(connection,
            $"SELECT table_name, column_name, data_type, coalesce(character_maximum_length, -1), is_nullable, is_identity, coalesce(identity_generation, ''), coalesce(column_default, '') " +
            $"FROM information_schema.columns WHERE {ours}",
            r => $"column {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}({r.GetInt32(3)}) nullable={r.GetString(4)} identity={r.GetString(5)}:{r.GetString(6)} default={r.GetString(7)}"));
        lines.AddRange(await QueryAsync(connection,
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\\_\\_portal%' AND lower(tablename) NOT LIKE 'qrtz\\_%'",
            r => $"index {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}"));
        lines.AddRange(await QueryAsync(connection,
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint " +
            "WHERE connamespace = 'public'::regnamespace AND contype IN ('f', 'p', 'u') AND conrelid::regclass::text NOT LIKE '\\_\\_portal%' AND lower(conrelid::regclass::text) NOT LIKE '%qrtz\\_%'",
            r => $"constraint {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)}"));
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<T>> QueryAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> map)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync())
        {
            list.Add(map(reader));
        }

        return list;
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
