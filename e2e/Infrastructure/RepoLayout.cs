namespace Portal.E2E.Infrastructure;

/// <summary>
/// Where the portal under test lives. The tests run its build output (not a project reference), so
/// they find it from their own output directory: same repository, same build configuration.
/// </summary>
public static class RepoLayout
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The directory that holds Portal.sln.</summary>
    public static string RootDir => Root.Value;

    /// <summary>The portal project directory: its content root, so wwwroot resolves as in development.</summary>
    public static string PortalProjectDir => Path.Combine(RootDir, "Portal");

    /// <summary>Debug or Release: the path segment after <c>bin/</c> in this assembly's output path.</summary>
    public static string Configuration
    {
        get
        {
            var segments = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var bin = Array.LastIndexOf(segments, "bin");
            return bin >= 0 && bin + 1 < segments.Length
                ? segments[bin + 1]
                : throw new InvalidOperationException($"Cannot tell the build configuration from {AppContext.BaseDirectory}.");
        }
    }

    public static string PortalDll
    {
        get
        {
            var dll = Path.Combine(PortalProjectDir, "bin", Configuration, "net10.0", "Portal.dll");
            return File.Exists(dll)
                ? dll
                : throw new FileNotFoundException($"The portal is not built for {Configuration}; build Portal.sln first.", dll);
        }
    }

    /// <summary>Screenshots and portal logs are written next to the test assembly, so they survive the run.</summary>
    public static string OutputDir(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Portal.sln above {AppContext.BaseDirectory}.");
    }
}
