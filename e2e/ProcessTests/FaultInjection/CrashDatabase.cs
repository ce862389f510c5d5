using Microsoft.Data.Sqlite;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// Read-only queries on the portal's SQLite file, for the invariants no API exposes (one row per job,
/// nothing stuck). Opened per query without pooling, so it never holds the file between queries.
/// </summary>
public sealed class CrashDatabase(string dataDir)
{
    private string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDir, "portal.db"),
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Rows as column → value (DBNull as null).</summary>
    public List<Dictionary<string, object?>> Rows(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout = 10000;";
            busy.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public long Count(string sql) => Convert.ToInt64(Rows(sql).Single().Values.Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One line per row, for assertion messages.</summary>
    public static string Describe(IEnumerable<Dictionary<string, object?>> rows) =>
        string.Join(Environment.NewLine, rows.Select(r => string.Join(", ", r.Select(c => $"{c.Key}={Short(c.Value)}"))));

    private static string Short(object? value) => value switch
    {
        null => "null",
        string s when s.Length > 160 => s[..160] + "…",
        _ => value.ToString() ?? "",
    };
}
