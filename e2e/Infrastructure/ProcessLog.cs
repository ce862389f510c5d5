using System.Globalization;
using System.Text;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Everything a portal process (server and CLI runs) writes, kept twice: in a file under the test
/// output directory that outlives the run, and as the last lines in memory for assertion messages.
/// </summary>
public sealed class ProcessLog : IDisposable
{
    private const int KeptLines = 400;
    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private readonly StreamWriter _file;
    private bool _disposed;

    public ProcessLog(string name)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        FilePath = Path.Combine(RepoLayout.OutputDir("portal-logs"), $"{name}-{stamp}.log");
        _file = new StreamWriter(FilePath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }

    public string FilePath { get; }

    public void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _file.WriteLine(line);
            _recent.Enqueue(line);
            while (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines, with the file name for the rest.</summary>
    public string Tail(int lines = 40)
    {
        lock (_gate)
        {
            var tail = _recent.Skip(Math.Max(0, _recent.Count - lines));
            return $"--- last {lines} log lines (full log: {FilePath}) ---{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file.Dispose();
        }
    }
}
