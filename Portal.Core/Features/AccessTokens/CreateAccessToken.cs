using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Audit;

namespace Portal.Core.Features.AccessTokens;

/// <param name="User">The owner, by id or email.</param>
/// <param name="ExpiresInDays">1–3650, or null for a token that does not expire.</param>
public sealed record CreateAccessTokenRequest(string User, string Name, int? ExpiresInDays);

/// <summary>The one moment the secret exists outside the caller's hands: show it, then forget it.</summary>
public sealed record CreatedAccessToken(long Id, string Token, string DisplayPrefix, string Name, string UserEmail, DateTime CreatedUtc, DateTime? ExpiresUtc);

/// <summary>Creates a personal access token. People create their own; administrators may create one for anybody.</summary>
public sealed class CreateAccessTokenHandler(PortalDbContext db, TimeProvider time)
{
    public const int MaxExpiresInDays = 3650;

    public async Task<Result<CreatedAccessToken>> HandleAsync(CreateAccessTokenRequest request, Actor actor, CancellationToken ct = default)
    {
        var name = request.Name?.Trim() ?? "";
        var validation = new Validation()
            .Require(name.Length is > 0 and <= 100, "name", "Give the token a name of 1–100 characters, e.g. \"CI pipeline\".")
            .Require(request.ExpiresInDays is null or (>= 1 and <= MaxExpiresInDays), "expiresInDays", $"Expiry must be between 1 and {MaxExpiresInDays} days, or empty for no expiry.")
            .Require(!string.IsNullOrWhiteSpace(request.User), "user", "Choose the user the token belongs to.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var key = request.User.Trim();
        var normalized = key.ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == key || u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            return Problem.NotFound($"User '{key}'");
        }

        if (user.Id != actor.UserId && !actor.IsAdmin)
        {
            return Problem.Forbidden("Only administrators can create tokens for other users.");
        }

        var now = time.GetUtcNow();
        if (user.IsLockedAt(now))
        {
            return Problem.Conflict($"{user.Email} is locked; unlock the account before creating tokens for it.");
        }

        var nowUtc = now.UtcDateTime;
        var duplicate = await db.AccessTokens.AnyAsync(
            t => t.UserId == user.Id && t.Name == name && t.RevokedUtc == null && (t.ExpiresUtc == null || t.ExpiresUtc > nowUtc), ct);
        if (duplicate)
        {
            return Problem.Invalid("name", $"{user.Email} already has an active token named \"{name}\".");
        }

        var secret = AccessTokenSecret.Generate();
        var token = new AccessToken
        {
            UserId = user.Id,
            Name = name,
            TokenHash = AccessTokenSecret.Hash(secret),
            DisplayPrefix = AccessTokenSecret.DisplayPrefixOf(secret),
            CreatedUtc = nowUtc,
            CreatedBy = actor.Name,
            ExpiresUtc = request.ExpiresInDays is { } days ? nowUtc.AddDays(days) : null,
        };
        db.AccessTokens.Add(token);
        AuditLog.Record(db, actor, nowUtc, "token.created", $"user:{user.Email}", $"name={name}; prefix={token.DisplayPrefix}; expires={token.ExpiresUtc:O}");
        await db.SaveChangesAsync(ct);
        return new CreatedAccessToken(token.Id, secret, token.DisplayPrefix, name, user.Email!, nowUtc, token.ExpiresUtc);
    }
}
