using Microsoft.Data.Sqlite;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>Quartz's job-store connections wait natively for a competing writer, as EF's do.</summary>
public sealed class QuartzSqliteBusyTimeoutTests
{
    [Fact]
    public void Connections_from_the_factory_set_busy_timeout_from_the_default_timeout()
    {
        using var dir = new TempDirectory();
        using (var connection = SqliteBusyTimeoutFactory.Instance.CreateConnection())
        {
            connection.ConnectionString = new SqliteConnectionStringBuilder { DataSource = dir.File("q.db"), DefaultTimeout = 7, Pooling = false }.ToString();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal(7_000L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
