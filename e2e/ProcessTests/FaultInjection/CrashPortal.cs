using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// One real portal process (SQLite) shared by every crash scenario (an xunit collection fixture, so
/// the seeding is paid once): an admin with a token, two generated US data releases (2024.1.0 with
/// a calibration package for publishing, 2024.2.0 small), a certified bundle over each and
/// <c>us/latest</c> → the first. Each trial kills it and starts it again on the same data directory.
/// </summary>
public sealed class CrashPortal : IAsyncLifetime
{
    /// <summary>How long a restarted portal may take to bring everything to a terminal state.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    private PortalProcess? _process;

    public PortalProcess Process => _process ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string Token { get; private set; } = "";

    /// <summary>The bundle over 2024.1.0 (<c>latest</c>) and the one over 2024.2.0.</summary>
    public string[] Bundles { get; private set; } = [];

    public CrashDatabase Database => new(Process.DataDir);

    public string ArtifactsDir => Path.Combine(Process.DataDir, "artifacts");

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _process = PortalProcess.Create("crash");
        await _process.CreateUserAsync(TestAccounts.Admin);
        Token = await _process.CreateTokenAsync(TestAccounts.Admin.Email, "crash trials");
        foreach (var (version, households, clones) in new[] { ("2024.1.0", "2000", "2"), ("2024.2.0", "200", "0") })
        {
            var generated = await _process.RunCliAsync(["data", "generate", "--country", "us", "--version", version, "--households", households, "--seed", "7", "--clones", clones]);
            Assert.True(generated.ExitCode == 0, generated.ToString());
        }

        // A pause after each published area spreads a publish run over seconds, so kill points land in every phase.
        _process.ServerEnvironmentVariables["Publishing__AreaDelayMs"] = "250";
        await _process.StartAsync();
        Bundles = [await CreateBundleAsync("2024.1.0"), await CreateBundleAsync("2024.2.0")];
        using (var api = Client())
        {
            using var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = Bundles[0], reason = "crash trials" });
            Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());
        }

        File.AppendAllText(CrashTrials.LogFile, $"[{DateTime.UtcNow:HH:mm:ss.fff}] shared portal seeded in {clock.Elapsed.TotalSeconds:F1} s{Environment.NewLine}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <summary>
    /// Kill (if running) and start again, then one cheap authenticated request, so every timed
    /// operation — the measured one and each trial's — starts on an equally cold process.
    /// </summary>
    public async Task RestartAsync()
    {
        await Process.KillAsync();
        await StartAsync();
    }

    /// <summary>Start (after a kill) and warm up, as <see cref="RestartAsync"/>.</summary>
    public async Task StartAsync()
    {
        await Process.StartAsync();
        using var client = Client();
        using var me = await client.GetAsync("/api/me");
        Assert.True(me.IsSuccessStatusCode, $"GET /api/me after the start: {(int)me.StatusCode}");
    }

    public HttpClient Client() => Process.CreateClient(Token);

    /// <summary>Creates the certified bundle of US model 1.1.0 over <paramref name="dataVersion"/>; returns its full id.</summary>
    private async Task<string> CreateBundleAsync(string dataVersion)
    {
        using var api = Client();
        using var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = dataVersion });
        var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, bundle.ToJsonString());
        Assert.True((bool)bundle["certified"]!, bundle.ToJsonString());
        return (string)bundle["bundle_id"]!;
    }

    /// <summary>
    /// Polls <paramref name="problem"/> (null = every invariant holds) until it holds or
    /// <see cref="SettleTimeout"/> passes; a timeout fails with the last problem and the server log.
    /// Returns how long settling took.
    /// </summary>
    public async Task<TimeSpan> SettleAsync(string what, Func<Task<string?>> problem)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < SettleTimeout)
        {
            last = await problem();
            if (last is null)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{what}: not settled within {SettleTimeout.TotalSeconds:F0} s after the restart:{Environment.NewLine}{last}{Environment.NewLine}--- server log ---{Environment.NewLine}{Process.LogTail(60)}");
        return clock.Elapsed;
    }
}

/// <summary>The crash scenarios share one portal and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection : ICollectionFixture<CrashPortal>
{
    public const string Name = "crash trials";
}
