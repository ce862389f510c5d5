using Microsoft.Extensions.Logging.Console;
using Portal.Core;

namespace Portal.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Console logs are structured JSON lines when the output goes to a pipe or file (containers,
    /// systemd, CI, log shippers) and readable single lines in a terminal, unless
    /// <c>Logging:Console:FormatterName</c> says otherwise. A copy always goes to daily JSON files
    /// in the data directory.
    /// </summary>
    public static void AddPortalLogging(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            var formatter = Console.IsOutputRedirected ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
            builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = formatter);
        }

        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.UseUtcTimestamp = true;
            options.IncludeScopes = true;
        });

        var options = builder.Configuration.GetSection("Logging:File").Get<FileLoggerOptions>() ?? new FileLoggerOptions();
        if (options.Enabled)
        {
            var paths = PortalPaths.From(builder.Configuration, builder.Environment);

            // Registered by factory so the container disposes it and pending lines are flushed at shutdown.
            builder.Services.AddSingleton<ILoggerProvider>(_ => new FileLoggerProvider(paths.Logs, options.RetainedFiles));
        }
    }
}
