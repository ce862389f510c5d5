using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// The portal as an operator runs it: <c>dotnet Portal.dll</c> in its own process, on a free
/// loopback port, with a private data directory. Killing it is a real SIGKILL, so restarts test
/// what survives a crash, not what a graceful shutdown happens to flush.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(90);

    private readonly ProcessLog _log;
    private Process? _server;
    private Uri? _baseUrl;
    private int _starts;

    private PortalProcess(string name)
    {
        DataDir = Directory.CreateTempSubdirectory($"portal-e2e-{name}-").FullName;
        _log = new ProcessLog(name);
    }

    /// <summary>A fresh, empty data directory; nothing is running yet (CLI verbs already work).</summary>
    public static PortalProcess Create(string name) => new(name);

    /// <summary>
    /// The server runs as in production. PORTAL_E2E_ENVIRONMENT overrides that, to tell an
    /// environment-specific failure from a general one; the suite's contract is Production.
    /// CLI verbs always run as Production, the way operators run them.
    /// </summary>
    public static string ServerEnvironment =>
        Environment.GetEnvironmentVariable("PORTAL_E2E_ENVIRONMENT") is { Length: > 0 } name ? name : "Production";

    public string DataDir { get; }

    /// <summary>Extra environment for the server (e.g. <c>Publishing__AreaDelayMs</c>), applied at each start.</summary>
    public IDictionary<string, string> ServerEnvironmentVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Environment for the server and the CLI verbs alike (e.g. a PostgreSQL database and a shared <c>Storage__Root</c>).</summary>
    public IDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public Uri BaseUrl => _baseUrl ?? throw new InvalidOperationException("The portal is not running.");

    public bool IsRunning => _server is { HasExited: false };

    public string LogTail(int lines = 40) => _log.Tail(lines);

    /// <summary>Starts the server and returns once it is healthy and its scheduler runs (/readyz).</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The portal is already running.");
        }

        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = Command(ServerEnvironment, "--urls", url.ToString().TrimEnd('/'));
        foreach (var (key, value) in ServerEnvironmentVariables)
        {
            start.Environment[key] = value;
        }

        _log.Write($"=== start #{++_starts}: {url} (data: {DataDir}) ===");

        var server = new Process { StartInfo = start, EnableRaisingEvents = true };
        server.OutputDataReceived += (_, e) => _log.Write(e.Data);
        server.ErrorDataReceived += (_, e) => _log.Write(e.Data);
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        server.StandardInput.Close();
        _server = server;
        _baseUrl = url;

        try
        {
            await WaitUntilOkAsync("/healthz");
            await WaitUntilOkAsync("/readyz");
        }
        catch
        {
            // A half-started server must not outlive the failed test run.
            await KillAsync();
            throw;
        }
    }

    /// <summary>SIGKILL the server and everything it started; no shutdown hooks run.</summary>
    public async Task KillAsync()
    {
        if (_server is null)
        {
            return;
        }

        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _server.WaitForExitAsync(timeout.Token);
        _log.Write($"=== killed (exit code {_server.ExitCode}) ===");
        _server.Dispose();
        _server = null;
        _baseUrl = null;
    }

    /// <summary>Kill, then start again on the same data directory (on a new port).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    /// <summary>
    /// Runs a CLI verb (<c>admin …</c>, <c>db …</c>) on the same executable and data directory.
    /// Standard input is always redirected and closed after <paramref name="stdin"/>, so a verb
    /// that reads it can never wait for a terminal.
    /// </summary>
    public async Task<CliResult> RunCliAsync(IReadOnlyList<string> args, string? stdin = null)
    {
        using var cli = new Process { StartInfo = Command("Production", [.. args]) };
        _log.Write($"=== cli: {string.Join(' ', args)} ===");
        cli.Start();
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await cli.StandardInput.WriteAsync(stdin);
        }

        cli.StandardInput.Close();

        using var timeout = new CancellationTokenSource(CliTimeout);
        try
        {
            await cli.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            cli.Kill(entireProcessTree: true);
            throw new TimeoutException($"CLI '{string.Join(' ', args)}' did not finish within {CliTimeout}.");
        }

        var result = new CliResult(cli.ExitCode, await stdout, await stderr);
        _log.Write($"=== cli exit {result.ExitCode}; stderr: {result.StdErr.Trim()} ===");
        return result;
    }

    /// <summary>An HttpClient for the running server that does not follow redirects (tests assert them).</summary>
    public HttpClient CreateClient(string? bearerToken = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _log.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test that used it.
        }
    }

    private ProcessStartInfo Command(string environment, params string[] args)
    {
        var start = new ProcessStartInfo
        {
            // The SDK tells test hosts which dotnet runs them; use the same one for the portal.
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            WorkingDirectory = RepoLayout.PortalProjectDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoLayout.PortalDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PORTAL_DATA_DIR"] = DataDir;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Inherited settings from the developer's shell must not point the portal elsewhere.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("Portal__DataDir");
        foreach (var (key, value) in EnvironmentVariables)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task WaitUntilOkAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_server is null || _server.HasExited)
            {
                throw new InvalidOperationException($"The portal exited during start-up.{Environment.NewLine}{LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"GET {path} did not answer 200 within {StartTimeout} (last status: {last?.ToString() ?? "none"}).{Environment.NewLine}{LogTail()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
