using System.Diagnostics;
using System.Globalization;
using Portal.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// The knobs and the log of a SIGKILL trial sequence. <c>PORTAL_CRASH_TRIALS</c> sets the trials per
/// scenario (default 3, CI); <c>PORTAL_CRASH_SEED</c> replays a failing sequence: every kill delay is
/// drawn from one seeded generator, and the seed and each delay are printed, so a failure names the
/// exact kill points that produced it.
/// </summary>
public sealed class CrashTrials
{
    private readonly ITestOutputHelper _output;
    private readonly string _scenario;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private static readonly Lock FileGate = new();

    public CrashTrials(ITestOutputHelper output, string scenario)
    {
        _output = output;
        _scenario = scenario;
        Count = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_CRASH_TRIALS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 3;
        Seed = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();
        Random = new Random(Seed);
        Log($"scenario {scenario}: {Count} trials, seed {Seed} (replay with PORTAL_CRASH_SEED={Seed} PORTAL_CRASH_TRIALS={Count})");
    }

    /// <summary>Trials to run (<c>PORTAL_CRASH_TRIALS</c>, default 3).</summary>
    public int Count { get; }

    public int Seed { get; }

    /// <summary>The only source of randomness of a sequence, so the seed reproduces it.</summary>
    public Random Random { get; }

    /// <summary>The file every sequence appends its lines to (printed by bench/crash.sh).</summary>
    public static string LogFile => Path.Combine(RepoLayout.OutputDir("crash-trials"), "crash-trials.log");

    /// <summary>A kill delay uniform over [0, <paramref name="span"/>], logged with the trial number.</summary>
    public TimeSpan KillDelay(int trial, TimeSpan span)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Round(Random.NextDouble() * span.TotalMilliseconds));
        Log($"trial {trial}: kill after {delay.TotalMilliseconds:F0} ms of a measured {span.TotalMilliseconds:F0} ms");
        return delay;
    }

    public void Log(string line)
    {
        var text = $"[{DateTime.UtcNow:HH:mm:ss.fff}] [{_scenario} +{_clock.Elapsed.TotalSeconds:F1}s] {line}";
        _output.WriteLine(text);
        lock (FileGate)
        {
            File.AppendAllText(LogFile, text + Environment.NewLine);
        }
    }

    /// <summary>Runs <paramref name="operation"/>, SIGKILLs the portal after <paramref name="delay"/>, and waits for the operation's own end (its requests may fail: the server died).</summary>
    public static async Task KillDuringAsync(PortalProcess portal, Func<CancellationToken, Task> operation, TimeSpan delay)
    {
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => operation(stop.Token));
        await Task.Delay(delay);
        await portal.KillAsync();
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException or System.Text.Json.JsonException)
        {
            // The server died under the request: whether it was applied is what the invariants check.
        }
    }

    /// <summary>
    /// The trial loop of a timed scenario: run <paramref name="operation"/>, SIGKILL the portal after a
    /// random share of its uncrashed duration <paramref name="span"/>, restart, and wait (bounded) until
    /// <paramref name="problem"/> finds nothing wrong; <paramref name="summary"/> logs the state around each restart.
    /// </summary>
    public async Task KillAndRecoverAsync(CrashPortal portal, TimeSpan span, Func<CancellationToken, Task> operation, Func<string?> problem, Func<string> summary)
    {
        for (var trial = 1; trial <= Count; trial++)
        {
            // The previous trial's restart left a cold process, as the measured run had.
            var delay = KillDelay(trial, span);
            await KillDuringAsync(portal.Process, operation, delay);
            Log($"trial {trial}: after the kill: {summary()}");
            await portal.StartAsync();
            var settled = await portal.SettleAsync($"{_scenario} trial {trial} (seed {Seed})", () => Task.FromResult(problem()));
            Log($"trial {trial}: settled {settled.TotalMilliseconds:F0} ms after the restart: {summary()}");
        }
    }
}
