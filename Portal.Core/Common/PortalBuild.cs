using System.Reflection;

namespace Portal.Core.Common;

/// <summary>
/// The running build: the version and the git commit it was built from. The commit is embedded at
/// build time as the <c>+&lt;sha&gt;</c> suffix of the informational version (SourceRevisionId, see
/// Directory.Build.targets); a build made outside a git checkout reports <c>unknown</c>.
/// </summary>
public sealed record PortalBuild(string Version, string GitCommit)
{
    public const string Unknown = "unknown";

    public static PortalBuild Current { get; } = FromInformationalVersion(
        typeof(PortalBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    public static PortalBuild FromInformationalVersion(string? informational)
    {
        var text = string.IsNullOrWhiteSpace(informational) ? "0.0.0" : informational.Trim();
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return new PortalBuild(text, Unknown);
        }

        // SemVer build metadata may hold more than the sha (e.g. "abc123.dirty"); the commit is its first part.
        var commit = text[(plus + 1)..].Split('.')[0];
        return new PortalBuild(text[..plus], commit.Length >= 7 && commit.All(char.IsAsciiHexDigit) ? commit.ToLowerInvariant() : Unknown);
    }
}
