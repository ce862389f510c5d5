namespace Portal.Tests.Infrastructure;

/// <summary>Finds files of the repository (not of the test output) for tests that check sources.</summary>
public static class RepositoryLayout
{
    /// <summary>The folder holding Portal.sln, found by walking up from the test output.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test output.");
    }
}
