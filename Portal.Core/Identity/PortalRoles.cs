namespace Portal.Core.Identity;

/// <summary>The four roles. A user may hold several; policies below say what each may do.</summary>
public static class PortalRoles
{
    public const string Admin = "Admin";
    public const string Maintainer = "Maintainer";
    public const string Analyst = "Analyst";
    public const string Reviewer = "Reviewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Maintainer, Analyst, Reviewer];

    public static string Describe(string role) => role switch
    {
        Admin => "Manages users, tokens and the system.",
        Maintainer => "Publishes and promotes releases and bundles.",
        Analyst => "Runs simulations and reports.",
        Reviewer => "Compares and reviews run provenance.",
        _ => role,
    };

    /// <summary>Matches a role name case-insensitively; null when it is not one of ours.</summary>
    public static string? Normalize(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
