namespace Portal.Core.Common;

/// <summary>
/// Who is asking for a change. The web layer builds it from the signed-in user, the CLI
/// uses <see cref="Operator"/> (someone with shell access to the data directory).
/// Use cases take it explicitly so they never need an HTTP context.
/// </summary>
public sealed record Actor(string? UserId, string Name, IReadOnlySet<string> Roles)
{
    public static Actor Operator { get; } = new(null, "cli", new HashSet<string>(StringComparer.Ordinal) { Identity.PortalRoles.Admin });

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsAdmin => IsInRole(Identity.PortalRoles.Admin);
}
