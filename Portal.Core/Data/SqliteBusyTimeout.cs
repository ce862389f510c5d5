using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Core.Data;

/// <summary>
/// Lets SQLite itself wait for a competing writer (the scheduler's job store, another request)
/// with its native busy handler, which retries within a millisecond or two. Without it
/// Microsoft.Data.Sqlite sees SQLITE_BUSY at once and retries in 150 ms steps, which put a
/// ~150 ms stall on one write in a hundred whenever Quartz was writing too.
/// </summary>
internal sealed class SqliteBusyTimeout(int milliseconds) : DbConnectionInterceptor
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, SqliteBusyTimeout> Instances = new();

    /// <summary>One shared instance per timeout (the connection string's <c>Default Timeout</c>), so EF's per-options caches stay warm.</summary>
    public static SqliteBusyTimeout For(string connectionString)
    {
        var ms = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DefaultTimeout * 1000;
        return Instances.GetOrAdd(ms, t => new SqliteBusyTimeout(t));
    }

    /// <summary>
    /// Run once per native connection: the busy wait, and reads through a memory map (256 MiB) —
    /// without it every page a list query touched beyond the 2 MiB page cache was a pread() and a
    /// copy, a tenth of a busy server's CPU at 10,000 rows per list.
    /// </summary>
    internal static string PragmasOnOpen(int busyTimeoutMs) => $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA mmap_size = 268435456;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    // Pooled connections reuse their native handle; the pragma sticks to it, so it runs once per handle.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> applied = [];

    private void Apply(DbConnection connection)
    {
        if (connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || applied.TryGetValue(handle, out _))
        {
            return;
        }

        applied.AddOrUpdate(handle, handle);
        using var command = connection.CreateCommand();
        command.CommandText = PragmasOnOpen(milliseconds);
        command.ExecuteNonQuery();
    }
}
