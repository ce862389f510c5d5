using Microsoft.AspNetCore.Identity;

namespace Portal.Core.Identity;

/// <summary>A person who signs in to Portal. The user name is always the email address.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime? LastSignInUtc { get; set; }

    /// <summary>
    /// Locked by an administrator, as opposed to Identity's temporary lockout after failed
    /// sign-ins; both block sign-in and API tokens.
    /// </summary>
    public bool IsLockedAt(DateTimeOffset now) => LockoutEnd is { } end && end > now;
}
