using Portal.Core.Identity;

namespace Portal.Core.Features.AccessTokens;

/// <summary>
/// A personal access token. Only the SHA-256 of the secret is stored; the secret is shown
/// once at creation. A token acts with its owner's current roles, so removing a role or
/// locking the user takes effect on the next request.
/// </summary>
public sealed class AccessToken
{
    public long Id { get; set; }

    public string UserId { get; set; } = "";

    public PortalUser? User { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole token string.</summary>
    public string TokenHash { get; set; } = "";

    /// <summary>The first characters of the token, safe to show so people can tell tokens apart.</summary>
    public string DisplayPrefix { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime? ExpiresUtc { get; set; }

    public DateTime? LastUsedUtc { get; set; }

    public DateTime? RevokedUtc { get; set; }

    public string? RevokedBy { get; set; }

    public bool IsActiveAt(DateTime nowUtc) => RevokedUtc is null && (ExpiresUtc is null || ExpiresUtc > nowUtc);

    public string StatusAt(DateTime nowUtc) =>
        RevokedUtc is not null ? "revoked" : ExpiresUtc <= nowUtc ? "expired" : "active";
}
