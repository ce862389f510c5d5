using System.Diagnostics;
using Portal.E2E.Infrastructure;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests;

/// <summary>
/// Issue 9, load, in CI: the bench's <c>load</c> mode (the same driver as the 60 s benchmark in
/// bench/README.md) seeds 10,000 rows per list into a real portal and runs the mixed traffic —
/// list pages at random pages and sorts, detail pages, job polls, the bundles API and economy
/// submits — from 4 clients for 15 s. The assertion is correctness under concurrency: no errors
/// (no 5xx, no timeouts, every response the expected status) and every class exercised. Latency is
/// printed, not asserted: the p99 target is checked by the benchmark on a quiet machine, not here.
/// </summary>
public sealed class LoadSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Mixed_load_over_10000_rows_per_list_has_no_errors()
    {
        var bench = Path.Combine(RepoLayout.RootDir, "bench", "bin", RepoLayout.Configuration, "net10.0", "Portal.Bench.dll");
        Assert.True(File.Exists(bench), $"{bench} is missing: build Portal.sln first.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { bench, "load", "--seconds", "15", "--warmup", "5", "--clients", "4", "--rows", "10000" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bench load did not finish within {Limit}.");
        }

        var text = await stdout;
        output.WriteLine(text);
        var errors = await stderr;
        if (errors.Length > 0)
        {
            output.WriteLine("stderr:\n" + errors);
        }

        Assert.True(process.ExitCode == 0, $"bench load exited {process.ExitCode}:\n{text}\n{errors}");
        Assert.Contains("errors = 0 → PASS", text, StringComparison.Ordinal);
        foreach (var kind in new[] { "list page", "detail page", "job poll", "bundles api", "submit" })
        {
            var line = text.Split('\n').Single(l => l.StartsWith(kind + " ", StringComparison.Ordinal));
            var requests = int.Parse(line[kind.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(requests > 0, $"no {kind} requests: {line}");
        }

        Assert.Contains("seeded 10,000 jobs, 10,000 reports, 10,000 runs, 10,000 bundles and 10,000 publish runs", text, StringComparison.Ordinal);
    }
}
