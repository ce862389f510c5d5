using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests;

/// <summary>
/// The CLI verbs as scripts use them: results on stdout and nothing else, one readable
/// "error:" line on stderr and a non-zero exit code otherwise. No server runs; each test
/// gets its own empty data directory.
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly PortalProcess _portal = PortalProcess.Create("cli");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _portal.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_token_prints_only_the_token()
    {
        await _portal.CreateUserAsync(TestAccounts.Analyst);

        var result = await _portal.RunCliAsync(["admin", "create-token", "--email", TestAccounts.Analyst.Email, "--name", "CI pipeline", "--expires-days", "30"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        // One line, the token: scripts capture it with $(…) and use it as is.
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Matches(PortalCliExtensions.TokenFormat(), lines[0].TrimEnd('\r'));
    }

    [Fact]
    public async Task Create_token_for_an_unknown_email_fails_on_stderr_only()
    {
        // An installation that is in use: its schema exists, so nothing but the error is reported.
        await _portal.CreateUserAsync(TestAccounts.Analyst);

        var result = await _portal.RunCliAsync(["admin", "create-token", "--email", "nobody@example.com", "--name", "CI pipeline"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("nobody@example.com", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Create_user_with_a_short_password_fails_with_a_readable_message()
    {
        var result = await _portal.RunCliAsync(
            ["admin", "create-user", "--email", "short@example.com", "--role", "Analyst", "--password-stdin"], "abcde\n");

        // On a new installation this is the operator's first command, so schema migration may log
        // before it; the failure itself is one "error:" line that says what is wrong.
        Assert.NotEqual(0, result.ExitCode);
        var errors = result.StdErr.Split('\n').Where(line => line.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("12 characters", Assert.Single(errors), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);

        var users = await _portal.RunCliAsync(["admin", "list-users"]);
        Assert.Equal(0, users.ExitCode);
        Assert.DoesNotContain("short@example.com", users.StdOut, StringComparison.Ordinal);
    }
}
