using Portal.Core;

namespace Portal.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Console logging follows <c>Logging:Console</c> (JSON lines in production, readable text in
    /// development); a copy goes to daily JSON files in the data directory.
    /// </summary>
    public static void AddPortalLogging(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Logging:File").Get<FileLoggerOptions>() ?? new FileLoggerOptions();
        if (options.Enabled)
        {
            var paths = PortalPaths.From(builder.Configuration, builder.Environment);
            // Registered by factory so the container disposes it and pending lines are flushed at shutdown.
            builder.Services.AddSingleton<ILoggerProvider>(_ => new FileLoggerProvider(paths.Logs, options.RetainedFiles));
        }
    }
}
