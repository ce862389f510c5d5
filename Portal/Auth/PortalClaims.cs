using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Identity;

namespace Portal.Auth;

public static class PortalClaimTypes
{
    public const string DisplayName = "portal:display_name";
    public const string TokenId = "portal:token_id";
}

/// <summary>Adds the display name to the cookie principal, so the top bar needs no query.</summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PortalClaimTypes.DisplayName, user.DisplayName));
        return identity;
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(PortalClaimTypes.DisplayName) ?? user.Identity?.Name ?? "";

    public static IReadOnlyList<string> PortalRolesOf(this ClaimsPrincipal user) =>
        PortalRoles.All.Where(user.IsInRole).ToList();

    public static bool Can(this ClaimsPrincipal user, string policy) =>
        PortalPolicies.Allows(policy, user.PortalRolesOf());

    /// <summary>The signed-in user as the actor of a use case.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) =>
        new(user.UserId(), user.Identity?.Name ?? "anonymous", user.PortalRolesOf().ToHashSet(StringComparer.Ordinal));

    public static bool IsTokenAuthenticated(this ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == AccessTokenAuthenticationHandler.SchemeName;
}
