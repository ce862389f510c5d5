using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Portal.Core;

/// <summary>
/// Every file Portal writes lives under one data directory (<c>Portal:DataDir</c>, or the
/// <c>PORTAL_DATA_DIR</c> environment variable), so tests, scripts and a second instance can
/// point elsewhere. Relative paths are resolved against the content root.
/// </summary>
public sealed class PortalPaths
{
    public const string DataDirKey = "Portal:DataDir";
    public const string DataDirEnvironmentVariable = "PORTAL_DATA_DIR";
    public const string DefaultDataDir = "App_Data";

    public PortalPaths(string dataDir)
    {
        DataDir = Path.GetFullPath(dataDir);
    }

    public string DataDir { get; }

    public string DefaultDatabaseFile => Path.Combine(DataDir, "portal.db");

    public string Artifacts => Path.Combine(DataDir, "artifacts");

    public string Keys => Path.Combine(DataDir, "keys");

    public string Logs => Path.Combine(DataDir, "logs");

    public static PortalPaths From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[DataDirKey];
        var dataDir = string.IsNullOrWhiteSpace(configured) ? DefaultDataDir : configured;
        return new PortalPaths(Path.IsPathRooted(dataDir) ? dataDir : Path.Combine(environment.ContentRootPath, dataDir));
    }

    /// <summary>Creates the directory tree; called once at start-up by the host and the CLI.</summary>
    public void EnsureCreated()
    {
        foreach (var dir in new[] { DataDir, Artifacts, Logs })
        {
            Directory.CreateDirectory(dir);
        }

        // Data-protection keys sign cookies and antiforgery tokens: owner-only on Unix.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Keys);
        }
        else
        {
            Directory.CreateDirectory(Keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
