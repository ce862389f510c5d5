using System.Text.RegularExpressions;

namespace Portal.E2E.Infrastructure;

/// <summary>The operator's way in: the <c>admin</c> CLI verbs, asserted to succeed.</summary>
public static partial class PortalCliExtensions
{
    [GeneratedRegex("^ptl_[A-Za-z0-9_-]{43}$")]
    public static partial Regex TokenFormat();

    public static async Task CreateUserAsync(this PortalProcess portal, Account account)
    {
        string[] args = ["admin", "create-user", "--email", account.Email, "--name", account.DisplayName, "--password-stdin"];
        var result = await portal.RunCliAsync([.. args, .. account.Roles.SelectMany(r => new[] { "--role", r })], account.Password);
        Assert.True(result.ExitCode == 0, $"create-user {account.Email} failed: {result}");
    }

    /// <summary>Creates a token and returns the secret, which the CLI prints once on stdout.</summary>
    public static async Task<string> CreateTokenAsync(this PortalProcess portal, string email, string name)
    {
        var result = await portal.RunCliAsync(["admin", "create-token", "--email", email, "--name", name]);
        Assert.True(result.ExitCode == 0, $"create-token for {email} failed: {result}");
        var token = result.StdOut.Trim();
        Assert.Matches(TokenFormat(), token);
        return token;
    }
}
