using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Data;
using Portal.Core.Data.Migrations;

namespace Portal.Tests.Infrastructure;

public static class TestDatabases
{
    public static DatabaseSettings Sqlite(string file) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 30 }.ToString());

    public static DatabaseSettings Postgres(string connectionString) => new(DatabaseProvider.Postgres, connectionString);

    public static SchemaMigrator Migrator(DatabaseSettings settings) =>
        new(settings, NullLogger<SchemaMigrator>.Instance, TimeProvider.System);

    public static PortalDbContext Context(DatabaseSettings settings)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        settings.Configure(options);
        return new PortalDbContext(options.Options);
    }

    /// <summary>The schema EF Core itself would create from the model.</summary>
    public static async Task CreateFromModelAsync(DatabaseSettings settings)
    {
        await using var context = Context(settings);
        await context.Database.EnsureCreatedAsync();
    }
}
