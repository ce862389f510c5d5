using Microsoft.AspNetCore.Identity;

namespace Portal.Core.Identity;

/// <summary>A person who signs in to Portal. The user name is always the email address.</summary>
public sealed class PortalUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime? LastSignInUtc { get; set; }

    /// <summary>A new user whose user name is their (trimmed) email; the name defaults to the part before @.</summary>
    public static PortalUser Create(string email, string? displayName, DateTime createdUtc)
    {
        var address = email.Trim();
        return new PortalUser
        {
            UserName = address,
            Email = address,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? address.Split('@')[0] : displayName.Trim(),
            CreatedUtc = createdUtc,
        };
    }

    /// <summary>
    /// Locked by an administrator, as opposed to Identity's temporary lockout after failed
    /// sign-ins; both block sign-in and API tokens.
    /// </summary>
    public bool IsLockedAt(DateTimeOffset now) => LockoutEnd is { } end && end > now;
}
