using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Portal.Core.Data;

/// <summary>
/// Microsoft.Data.Sqlite's factory, except that every connection sets SQLite's native
/// <c>busy_timeout</c> when it opens — for Quartz's ADO job store, whose connections EF's
/// <see cref="SqliteBusyTimeout"/> interceptor never sees. Without it a scheduler write that
/// meets a request's write (or the reverse) sleeps in Microsoft.Data.Sqlite's 150 ms retry steps:
/// with four clients submitting at once that was the submit p99 (124 ms).
/// </summary>
public sealed class SqliteBusyTimeoutFactory : DbProviderFactory
{
    public static readonly SqliteBusyTimeoutFactory Instance = new();

    public override DbConnection CreateConnection() => new BusyTimeoutConnection();

    public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

    public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();

    private sealed class BusyTimeoutConnection : SqliteConnection
    {
        public override void Open()
        {
            base.Open();

            // The wait matches the connection's Default Timeout, as for EF's connections.
            using var command = CreateCommand();
            command.CommandText = SqliteBusyTimeout.PragmasOnOpen(DefaultTimeout * 1000);
            command.ExecuteNonQuery();
        }
    }
}
