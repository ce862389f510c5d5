using Microsoft.AspNetCore.Identity;
using Portal.Core.Features.Users;
using Portal.Core.Identity;

namespace Portal.Auth;

public sealed record SignInOutcome(bool Succeeded, string? Error);

/// <summary>Password sign-in with lockout, plus the bookkeeping every successful sign-in needs.</summary>
public sealed class PortalSignIn(SignInManager<PortalUser> signIn, UserManager<PortalUser> users, RecordSignInHandler record)
{
    public async Task<SignInOutcome> PasswordAsync(string? email, string? password, bool remember)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return new(false, "Enter your email and password.");
        }

        var result = await signIn.PasswordSignInAsync(email.Trim(), password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            var user = await users.FindByNameAsync(email.Trim());
            if (user is not null)
            {
                await record.HandleAsync(user.Id);
            }

            return new(true, null);
        }

        return new(false, result.IsLockedOut
            ? "This account is locked. If you mistyped your password several times, wait 15 minutes; otherwise ask an administrator to unlock it."
            : result.IsNotAllowed ? "This account is not allowed to sign in." : "The email or password is not correct.");
    }

    public async Task SignInAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"User {userId} vanished during sign-in.");
        await signIn.SignInAsync(user, isPersistent: false);
        await record.HandleAsync(user.Id);
    }

    public Task SignOutAsync() => signIn.SignOutAsync();
}
