using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Portal.Core.Identity;

/// <summary>
/// Length over complexity (NIST SP 800-63B): at least 12 characters, no composition rules.
/// Generated passwords are 20 characters from an alphabet without look-alikes.
/// </summary>
public static class PasswordRules
{
    public const int MinimumLength = 12;

    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static void Apply(PasswordOptions options)
    {
        options.RequiredLength = MinimumLength;
        options.RequiredUniqueChars = 4;
        options.RequireDigit = false;
        options.RequireLowercase = false;
        options.RequireUppercase = false;
        options.RequireNonAlphanumeric = false;
    }

    public static string Generate(int length = 20) =>
        RandomNumberGenerator.GetString(Alphabet, length);
}
