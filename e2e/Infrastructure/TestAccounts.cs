namespace Portal.E2E.Infrastructure;

/// <summary>A user the tests create and sign in as.</summary>
public sealed record Account(string Email, string Password, string DisplayName, params string[] Roles);

public static class TestAccounts
{
    /// <summary>Seeded through the CLI before the server starts, in fixtures that skip first-run setup.</summary>
    public static Account Admin { get; } = new("admin@example.com", "admin passphrase for e2e", "Ada Admin", "Admin");

    public static Account Analyst { get; } = new("analyst@example.com", "analyst passphrase for e2e", "Alan Analyst", "Analyst");

    /// <summary>A unique address per call, so tests sharing one portal never collide.</summary>
    public static string UniqueEmail(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}@example.com";
}
