using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Portal.Core;
using Portal.Core.Data;
using Portal.Core.Data.Migrations;
using Portal.Core.Engine;
using Portal.Core.Features.Demo;
using Portal.Core.Features.ModelReleases;
using Portal.Core.Features.Setup;

namespace Portal.Hosting;

public static class PortalStartup
{
    /// <summary>
    /// Before the server accepts requests (and before the scheduler starts): bring the schema up
    /// to date, seed demo accounts when asked, and arrange for a start-up banner with the URL.
    /// </summary>
    public static async Task PreparePortalAsync(this WebApplication app, StartupOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Startup");
        var database = app.Services.GetRequiredService<DatabaseSettings>();
        var paths = app.Services.GetRequiredService<PortalPaths>();

        var status = await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        logger.LogInformation("Database {Database} at schema version {Version}", database.Describe(), status.CurrentVersion);

        await using var scope = app.Services.CreateAsyncScope();
        await RegisterModelReleasesAsync(app, scope.ServiceProvider, logger);
        if (options.Demo)
        {
            var accounts = await scope.ServiceProvider.GetRequiredService<SeedDemoUsersHandler>().HandleAsync();
            PrintDemoAccounts(accounts);
            foreach (var release in await scope.ServiceProvider.GetRequiredService<SeedDemoDataReleasesHandler>().HandleAsync())
            {
                Console.WriteLine($"  Demo data release {release.Release.Release.Country}@{release.Release.Release.Version} generated in {release.Elapsed.TotalSeconds:F1} s.");
            }

            var demoBundles = await scope.ServiceProvider.GetRequiredService<SeedDemoBundlesHandler>().HandleAsync();
            foreach (var seeded in demoBundles)
            {
                var b = seeded.Bundle;
                Console.WriteLine($"  Demo bundle {b.DisplayId} ({b.Country} model {b.ModelVersion}, data {b.DataVersion}) {(seeded.Created ? "created" : "exists")}, " +
                                  $"certification {(b.Certified ? "passed" : "FAILED")}.");
            }

            // Only certified bundles can be promoted; a country whose latest already exists keeps it.
            var certified = demoBundles.Where(s => s.Bundle.Certified).Select(s => s.Bundle.BundleId);
            foreach (var alias in await scope.ServiceProvider.GetRequiredService<SeedDemoAliasesHandler>().HandleAsync(certified))
            {
                Console.WriteLine($"  Demo alias {alias.Country}/{alias.Name} → {alias.DisplayId}.");
            }
        }

        var setupRequired = await scope.ServiceProvider.GetRequiredService<SetupState>().IsRequiredAsync();
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app, paths, database, setupRequired));
    }

    /// <summary>
    /// Loads every country package (compile errors, lock mismatches) and pins version → sha256 in the
    /// database. Any problem stops start-up with one readable line instead of serving wrong rules.
    /// </summary>
    private static async Task RegisterModelReleasesAsync(WebApplication app, IServiceProvider services, ILogger logger)
    {
        ModelCatalog catalog;
        try
        {
            catalog = app.Services.GetRequiredService<ModelCatalog>();
        }
        catch (ModelLoadException e)
        {
            throw new PortalStartupException($"country model package: {e.Message}");
        }

        try
        {
            var added = await services.GetRequiredService<RegisterModelReleasesHandler>().HandleAsync(
                [.. catalog.Models.Select(m => new ModelReleaseFingerprint(m.Country, m.Version, m.Sha256, m.Name))]);
            logger.LogInformation("Loaded {Count} country model release(s) from {Directory} ({Added} new)", catalog.Models.Count, catalog.Directory, added);
        }
        catch (InvalidOperationException e)
        {
            throw new PortalStartupException(e.Message);
        }
    }

    // Written to the console directly, never to a logger: passwords must not reach log files.
    private static void PrintDemoAccounts(IReadOnlyList<DemoAccount> accounts)
    {
        if (accounts.Count == 0)
        {
            Console.WriteLine("--demo: users already exist, so no demo accounts were created (their passwords were shown when they were).");
            Console.WriteLine("        Reset one with: dotnet run --project Portal -- admin set-password --email <email> --password-stdin");
            return;
        }

        Console.WriteLine();
        Console.WriteLine("  Demo accounts (passwords are shown only this once):");
        foreach (var account in accounts)
        {
            Console.WriteLine($"    {account.Role,-11} {account.Email,-26} {account.Password}");
        }

        Console.WriteLine();
    }

    private static void PrintBanner(WebApplication app, PortalPaths paths, DatabaseSettings database, bool setupRequired)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses
            .Select(a => a.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                          .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                          .Replace("://+", "://localhost", StringComparison.Ordinal)
                          .Replace("://*", "://localhost", StringComparison.Ordinal))
            .FirstOrDefault() ?? "http://localhost:5000";
        Console.WriteLine();
        Console.WriteLine($"  Portal {typeof(PortalStartup).Assembly.GetName().Version?.ToString(3)} is running.");
        Console.WriteLine($"  Open {url} in your browser.");
        if (setupRequired)
        {
            Console.WriteLine($"  First run: create the administrator account at {url.TrimEnd('/')}/setup");
        }

        Console.WriteLine($"  Data: {paths.DataDir} ({database.Describe()})");
        Console.WriteLine();
    }
}

/// <summary>A start-up problem the operator must fix; Program prints the message as one line and exits 1.</summary>
public sealed class PortalStartupException(string message) : Exception(message);
