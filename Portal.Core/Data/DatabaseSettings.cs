using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Portal.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Which database Portal uses, read from configuration:
/// <c>Database:Provider</c> = <c>Sqlite</c> (default; file <c>Database:Path</c>, default
/// <c>portal.db</c> in the data directory) or <c>Postgres</c> (connection string
/// <c>ConnectionStrings:Portal</c>). EF Core, Identity and Quartz all use the same database.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string PathKey = "Database:Path";
    public const string ConnectionStringName = "Portal";

    public bool IsSqlite => Provider == DatabaseProvider.Sqlite;

    public static DatabaseSettings From(IConfiguration configuration, PortalPaths paths)
    {
        var providerText = configuration[ProviderKey];
        var provider = ParseProvider(providerText);
        var connectionString = configuration.GetConnectionString(ConnectionStringName);

        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Database:Provider is Postgres but no connection string is set. " +
                    "Set ConnectionStrings:Portal (environment variable ConnectionStrings__Portal), " +
                    "e.g. \"Host=127.0.0.1;Port=5432;Database=portal;Username=portal;Password=…\".");
            }

            return new(provider, connectionString);
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new(provider, connectionString);
        }

        var path = configuration[PathKey];
        var file = string.IsNullOrWhiteSpace(path)
            ? paths.DefaultDatabaseFile
            : Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(paths.DataDir, path));
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Pooling = true,
            // Wait for a competing writer (e.g. the scheduler) instead of failing at once.
            DefaultTimeout = 30,
        };
        return new(provider, builder.ToString());
    }

    public static DatabaseProvider ParseProvider(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException(
            $"Database:Provider '{text}' is not supported. Use 'Sqlite' (default) or 'Postgres'."),
    };

    public void Configure(DbContextOptionsBuilder options)
    {
        if (IsSqlite)
        {
            options.UseSqlite(ConnectionString);
            options.AddInterceptors(SqliteBusyTimeout.For(ConnectionString));
        }
        else
        {
            options.UseNpgsql(ConnectionString);
        }

        // Saves that change tokens, users or roles drop the validated-token cache.
        options.AddInterceptors(Features.AccessTokens.AccessTokenCache.ChangeInterceptor.Instance);
    }

    /// <summary>Where the data lives, without credentials, for logs and the admin UI.</summary>
    public string Describe()
    {
        if (IsSqlite)
        {
            return $"SQLite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }

        var pg = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}";
    }
}
