using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Portal.Tests.Hostile;

/// <summary>
/// What a rejected request must not change: every row of every table of the SQLite database and
/// the set of files under the data directory. <c>PRAGMA data_version</c> on a connection of our own
/// changes exactly when another connection commits, so the full content hash is only computed when
/// something was written; rows the scheduler and token bookkeeping touch on their own are left out.
/// </summary>
public sealed class StateSnapshot : IDisposable
{
    // Written by the scheduler's own threads and by bearer authentication (at most once a minute).
    private static readonly Dictionary<string, string[]> VolatileColumns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["access_tokens"] = ["last_used_utc"],
        ["qrtz_triggers"] = ["next_fire_time", "prev_fire_time", "trigger_state"],
    };

    private static readonly string[] VolatileTables = ["qrtz_fired_triggers", "qrtz_scheduler_state", "qrtz_locks"];

    private readonly SqliteConnection _connection;
    private readonly string _dataDir;
    private long _dataVersion;
    private Dictionary<string, string> _tables;
    private HashSet<string> _files;

    public StateSnapshot(string dataDir)
    {
        _dataDir = dataDir;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "portal.db"), Pooling = false, DefaultTimeout = 30 }.ToString());
        _connection.Open();
        _dataVersion = DataVersion();
        _tables = HashTables();
        _files = Files();
    }

    /// <summary>How the database and the data directory differ from the last accepted state; empty when equal. Accepts the new state as the baseline.</summary>
    public string Changes()
    {
        var changes = new List<string>();
        var version = DataVersion();
        if (version != _dataVersion)
        {
            _dataVersion = version;
            var tables = HashTables();
            changes.AddRange(tables.Where(t => !_tables.TryGetValue(t.Key, out var before) || before != t.Value).Select(t => $"table {t.Key} changed"));
            changes.AddRange(_tables.Keys.Except(tables.Keys).Select(t => $"table {t} dropped"));
            _tables = tables;
        }

        var files = Files();
        changes.AddRange(files.Except(_files).Select(f => $"new file {f}"));
        changes.AddRange(_files.Except(files).Select(f => $"file removed {f}"));
        _files = files;
        return string.Join("; ", changes);
    }

    private long DataVersion()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA data_version";
        return (long)command.ExecuteScalar()!;
    }

    private Dictionary<string, string> HashTables()
    {
        var tables = new List<string>();
        using (var list = _connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables.Where(t => !VolatileTables.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            using var command = _connection.CreateCommand();
            // Rows are sorted below, so tables without a rowid hash the same way.
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            var skip = VolatileColumns.GetValueOrDefault(table) ?? [];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var rows = new List<string>();
            while (reader.Read())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!skip.Contains(reader.GetName(i), StringComparer.OrdinalIgnoreCase))
                    {
                        row.Append(reader.IsDBNull(i) ? "<null>" : Convert.ToString(reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
                    }
                }

                rows.Add(row.ToString());
            }

            rows.Sort(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(row + "\u001e"));
            }

            result[table] = $"{rows.Count}:{Convert.ToHexString(hash.GetHashAndReset())}";
        }

        return result;
    }

    // Data-protection keys appear on first use of antiforgery; the database's own journal files come and go.
    private HashSet<string> Files() =>
        Directory.EnumerateFiles(_dataDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_dataDir, f))
            .Where(f => !f.StartsWith("keys", StringComparison.Ordinal) && !f.StartsWith("portal.db", StringComparison.Ordinal) && !f.StartsWith("logs", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _connection.Dispose();
}
