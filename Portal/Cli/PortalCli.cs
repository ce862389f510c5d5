using System.CommandLine;
using Portal.Core;
using Portal.Core.Common;
using Portal.Core.Data.Migrations;

namespace Portal.Cli;

/// <summary>
/// Verbs on the same executable as the server (<c>dotnet run --project Portal -- admin …</c>).
/// They build the same configuration and services as the server, so <c>PORTAL_DATA_DIR</c>,
/// <c>Database:Provider</c> and connection strings mean the same thing. Results go to stdout,
/// diagnostics to stderr; any failure exits non-zero.
/// </summary>
public static class PortalCli
{
    private static readonly string[] Verbs = ["admin", "db", "model", "data", "publish", "--help", "-h", "-?", "--version"];

    public static bool Handles(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "Portal. Without a verb, starts the web server (options: --demo to seed demo accounts on an empty database, " +
            "--urls to choose where to listen, and any --Section:Key=value setting). The verbs below use the same " +
            "configuration and data directory as the server.")
        {
            AdminCommands.Create(),
            DbCommands.Create(),
            ModelCommands.Create(),
            DataCommands.Create(),
            PublishCommands.Create(),
        };
        try
        {
            // Our own handlers below print one readable line; System.CommandLine's default handler
            // would print a stack trace for an operator mistake.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Portal.Core.Engine.ModelLoadException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (InvalidOperationException e)
        {
            // Configuration problems (bad provider, missing connection string, newer schema…).
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Runs <paramref name="action"/> with Portal's services, after bringing the schema up to date.</summary>
    internal static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);

        // Only problems reach the operator's terminal; this filter outranks Logging:LogLevel in appsettings.
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);

        // Same DI checks in every environment, so a verb can never fail on a service it cannot build.
        builder.Host.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = true;
            options.ValidateScopes = true;
        });
        builder.AddPortalCore();
        await using var app = builder.Build();
        await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Prints a use-case problem to stderr and returns the exit code for it.</summary>
    internal static int Fail(Problem problem)
    {
        Console.Error.WriteLine($"error: {problem.Describe()}");
        return problem.Kind == ProblemKind.NotFound ? 3 : 1;
    }

    /// <summary>
    /// Reads a password from standard input: the whole input when piped, or a hidden prompt on a
    /// terminal. Trailing newlines are not part of the password.
    /// </summary>
    internal static string ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            var text = Console.In.ReadToEnd().TrimEnd('\r', '\n');
            return text.Length > 0 ? text : throw new CliException("--password-stdin: standard input was empty.");
        }

        Console.Error.Write("Password: ");
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }

                continue;
            }

            password.Append(key.KeyChar);
        }

        Console.Error.WriteLine();
        return password.Length > 0 ? password.ToString() : throw new CliException("No password entered.");
    }
}

/// <summary>A usage error the CLI reports as one line on stderr.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
