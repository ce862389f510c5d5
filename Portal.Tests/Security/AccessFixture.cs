using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// The application with one single-role user per role, each with a bearer client (for the API)
/// and a browser client signed in through the login form (for the pages).
/// </summary>
public sealed class AccessFixture : PortalFactory, IAsyncLifetime
{
    public Dictionary<string, HttpClient> Tokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, HttpClient> Browsers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Emails { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        foreach (var role in PortalRoles.All)
        {
            var email = $"{role.ToLowerInvariant()}@access.example.org";
            await CreateUserAsync(email, TestPasswords.Strong, role);
            Emails[role] = email;
            Tokens[role] = ApiClient(await CreateTokenAsync(email, "matrix"));
            Browsers[role] = await SignedInClientAsync(email);
        }
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Row counts of every table of the EF model: a cheap fingerprint that shows whether a refused
    /// request wrote anything.
    /// </summary>
    public Task<string> FingerprintAsync() => WithDbAsync(async db =>
    {
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var counts = new List<string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
                counts.Add($"{table}={await command.ExecuteScalarAsync()}");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return string.Join(", ", counts);
    });

    /// <summary>Where a response sends the browser, or null when it does not redirect.</summary>
    public static string? RedirectPath(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect
            ? HtmlForms.RedirectTarget(response)
            : null;
}
