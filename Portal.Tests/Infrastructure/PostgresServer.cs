using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster for the test run: initdb into a temp directory, start it on a
/// free loopback port, hand out one fresh database per test, stop it at the end. Needs the
/// Debian <c>postgresql</c> package (installed by <c>./test.sh</c>), or an existing server in
/// <c>PORTAL_TEST_POSTGRES</c> (a connection string whose user may create databases).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDir;
    private string? _binDir;
    private string _adminConnectionString = "";

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
            return;
        }

        _binDir = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed, so the PostgreSQL tests cannot run. Run ./test.sh (it installs it as root), " +
            "install the 'postgresql' package, set PORTAL_TEST_POSTGRES to a connection string, " +
            "or set PORTAL_SKIP_POSTGRES_TESTS=1 to skip them.");
        _dataDir = Path.Combine(Path.GetTempPath(), $"portal-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root; the Debian package creates a 'postgres' user.
            await RunAsync("chown", $"postgres:postgres {_dataDir}");
        }

        var port = FreePort();
        await RunPgAsync(asRoot, "initdb", $"-D {_dataDir} -U portal --auth=trust -E UTF8 --no-sync --no-instructions");
        await RunPgAsync(asRoot, "pg_ctl",
            $"-D {_dataDir} -l {_dataDir}/server.log -w -t 60 " +
            $"-o \"-p {port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200\" start");
        _adminConnectionString = $"Host=127.0.0.1;Port={port};Username=portal;Database=postgres;Pooling=false";
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"portal_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDir is null)
        {
            return;
        }

        try
        {
            await RunPgAsync(Environment.UserName == "root", "pg_ctl", $"-D {_dataDir} -m immediate -w stop");
        }
        finally
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static string? FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("PORTAL_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private Task RunPgAsync(bool asRoot, string tool, string arguments) =>
        asRoot
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(_binDir!, tool)} {arguments}")
            : RunAsync(Path.Combine(_binDir!, tool), arguments);

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>A fact that needs PostgreSQL. Skipped only when PORTAL_SKIP_POSTGRES_TESTS=1 says so explicitly.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PORTAL_SKIP_POSTGRES_TESTS") == "1")
        {
            Skip = "PORTAL_SKIP_POSTGRES_TESTS=1";
        }
    }
}
