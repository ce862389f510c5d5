using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Portal.Hosting;

/// <summary>Settings of the log files under <c>{DataDir}/logs</c> (section <c>Logging:File</c>).</summary>
public sealed class FileLoggerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Daily files kept; older ones are deleted when a new day starts.</summary>
    public int RetainedFiles { get; set; } = 14;
}

/// <summary>
/// Writes one JSON object per line to <c>portal-yyyyMMdd.log</c> in the data directory, off the
/// request path through a bounded channel (when full, the oldest pending lines are dropped
/// rather than blocking requests). Filtering uses the standard <c>Logging:File:LogLevel</c> keys.
/// </summary>
[ProviderAlias("File")]
public sealed class FileLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly string _directory;
    private readonly int _retainedFiles;
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _writer;
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new(StringComparer.Ordinal);
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public FileLoggerProvider(string directory, int retainedFiles)
    {
        _directory = directory;
        _retainedFiles = Math.Max(1, retainedFiles);
        Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteLoopAsync);
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(name, this));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
    }

    private void Enqueue(string line) => _lines.Writer.TryWrite(line);

    private async Task WriteLoopAsync()
    {
        string? currentDay = null;
        StreamWriter? writer = null;
        try
        {
            while (await _lines.Reader.WaitToReadAsync())
            {
                var day = DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                if (day != currentDay)
                {
                    if (writer is not null)
                    {
                        await writer.DisposeAsync();
                    }

                    currentDay = day;
                    writer = new StreamWriter(new FileStream(Path.Combine(_directory, $"portal-{day}.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
                    PruneOldFiles();
                }

                while (_lines.Reader.TryRead(out var line))
                {
                    await writer!.WriteLineAsync(line);
                }

                await writer!.FlushAsync();
            }
        }
        catch (IOException)
        {
            // A full or read-only disk must not take the application down; console logging continues.
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }

    private void PruneOldFiles()
    {
        foreach (var old in Directory.GetFiles(_directory, "portal-*.log").OrderDescending().Skip(_retainedFiles))
        {
            File.Delete(old);
        }
    }

    private sealed class FileLogger(string category, FileLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var entry = new Dictionary<string, object?>
            {
                ["timestamp"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                ["level"] = logLevel.ToString(),
                ["category"] = category,
                ["event_id"] = eventId.Id,
                ["message"] = formatter(state, exception),
            };
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                var values = properties.Where(p => p.Key != "{OriginalFormat}").ToDictionary(p => p.Key, p => p.Value?.ToString());
                if (values.Count > 0)
                {
                    entry["state"] = values;
                }
            }

            if (exception is not null)
            {
                entry["exception"] = exception.ToString();
            }

            provider.Enqueue(JsonSerializer.Serialize(entry));
        }
    }
}
