using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Features.AccessTokens;

/// <summary>
/// Token format: <c>ptl_</c> + 43 base64url characters (256 random bits). The prefix makes
/// leaked tokens easy to find with secret scanners. 256 bits of entropy make a fast hash
/// (SHA-256) sufficient for storage: there is nothing to brute-force.
/// </summary>
public static class AccessTokenSecret
{
    public const string Prefix = "ptl_";
    private const int SecretBytes = 32;
    private const int DisplayLength = 12;

    public static string Generate() =>
        Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string DisplayPrefixOf(string token) => token[..Math.Min(DisplayLength, token.Length)];

    /// <summary>Cheap shape check before any database work, so junk headers cost nothing.</summary>
    public static bool HasValidShape(string? token)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length != Prefix.Length + 43)
        {
            return false;
        }

        foreach (var c in token.AsSpan(Prefix.Length))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
