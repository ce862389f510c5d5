using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Portal.Core;

/// <summary>
/// Every file Portal writes lives under one data directory (<c>Portal:DataDir</c>, or the
/// <c>PORTAL_DATA_DIR</c> environment variable), so tests, scripts and a second instance can
/// point elsewhere. Relative paths are resolved against the content root. The artifact store
/// (data releases, run folders, published files, staging) may live elsewhere (<c>Storage:Root</c>):
/// instances of one cluster point it at one shared directory and keep their own data directory
/// (key files, logs) — see docs/architecture.md, "Running several instances".
/// </summary>
public sealed class PortalPaths
{
    public const string DataDirKey = "Portal:DataDir";
    public const string DataDirEnvironmentVariable = "PORTAL_DATA_DIR";
    public const string DefaultDataDir = "App_Data";
    public const string StorageRootKey = "Storage:Root";

    /// <param name="dataDir">The instance's own directory.</param>
    /// <param name="artifacts">The artifact store root; default <c>&lt;dataDir&gt;/artifacts</c>.</param>
    public PortalPaths(string dataDir, string? artifacts = null)
    {
        DataDir = Path.GetFullPath(dataDir);
        Artifacts = Path.GetFullPath(string.IsNullOrWhiteSpace(artifacts) ? Path.Combine(DataDir, "artifacts") : artifacts);
    }

    public string DataDir { get; }

    public string DefaultDatabaseFile => Path.Combine(DataDir, "portal.db");

    /// <summary>Every file a feature writes (<c>sha256/</c>, <c>staging/</c>, <c>runs/</c>, <c>published/</c>); shared by a cluster.</summary>
    public string Artifacts { get; }

    public string Keys => Path.Combine(DataDir, "keys");

    public string Logs => Path.Combine(DataDir, "logs");

    public static PortalPaths From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[DataDirKey];
        var dataDir = string.IsNullOrWhiteSpace(configured) ? DefaultDataDir : configured;
        var root = configuration[StorageRootKey];
        return new PortalPaths(
            Path.IsPathRooted(dataDir) ? dataDir : Path.Combine(environment.ContentRootPath, dataDir),
            string.IsNullOrWhiteSpace(root) ? null : Path.IsPathRooted(root) ? root : Path.Combine(environment.ContentRootPath, root));
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
