namespace Portal.Core.Identity;

/// <summary>
/// Authorization policies by capability, so pages and endpoints ask "can this user promote?"
/// instead of listing roles. Admins can do everything.
/// </summary>
public static class PortalPolicies
{
    public const string CanAdmin = "CanAdmin";
    public const string CanPromote = "CanPromote";
    public const string CanPublish = "CanPublish";
    public const string CanRun = "CanRun";
    public const string CanReview = "CanReview";

    /// <summary>Policy name → roles that satisfy it. The single source of the role matrix.</summary>
    public static IReadOnlyDictionary<string, string[]> Matrix { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [CanAdmin] = [PortalRoles.Admin],
        [CanPromote] = [PortalRoles.Admin, PortalRoles.Maintainer],
        [CanPublish] = [PortalRoles.Admin, PortalRoles.Maintainer],
        [CanRun] = [PortalRoles.Admin, PortalRoles.Maintainer, PortalRoles.Analyst],
        [CanReview] = [PortalRoles.Admin, PortalRoles.Maintainer, PortalRoles.Reviewer],
    };

    public static bool Allows(string policy, IEnumerable<string> roles) =>
        Matrix.TryGetValue(policy, out var allowed) && roles.Any(allowed.Contains);
}
