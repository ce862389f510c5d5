using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// SIGKILL during simulation jobs at seeded random points: each trial submits an economy comparison
/// and a three-year budget window (distinct reforms, so no cache hit), kills the portal after a delay
/// drawn uniformly over a measured submit-to-complete time, restarts it and checks that every job
/// reached a terminal state, budget windows have exactly one row per year, and every top-level job
/// has exactly one whole registry row.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class SimulationCrashTests(CrashPortal portal, ITestOutputHelper output)
{
    private int _reformValue = 20_000;

    [Fact]
    public async Task Simulation_jobs_killed_at_random_points_finish_once_after_restart()
    {
        var trials = new CrashTrials(output, "simulation");
        var clock = Stopwatch.StartNew();
        await portal.RestartAsync();

        var measured = Stopwatch.StartNew();
        await SubmitAndWaitAsync(portal, CancellationToken.None);
        var span = measured.Elapsed;
        trials.Log($"uncrashed submit → complete: {span.TotalMilliseconds:F0} ms");

        await trials.KillAndRecoverAsync(portal, span, ct => SubmitAndWaitAsync(portal, ct), () => Problem(portal), () => Summary(portal.Database));

        trials.Log($"done: {trials.Count} trials, 0 failures, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string? Problem(CrashPortal portal) =>
        CrashInvariants.JobsTerminal(portal.Database)
        ?? CrashInvariants.Rows("budget windows without exactly one row per year", portal.Database.Rows("""
            SELECT p.job_id, COUNT(c.id) AS years FROM simulation_jobs p LEFT JOIN simulation_jobs c ON c.parent_job_id = p.job_id
            WHERE p.kind = 'budget_window' GROUP BY p.job_id HAVING COUNT(c.id) <> 3
            """))
        ?? CrashInvariants.Rows("complete budget windows with a year not complete", portal.Database.Rows("""
            SELECT p.job_id, c.job_id AS year_job, c.status FROM simulation_jobs p JOIN simulation_jobs c ON c.parent_job_id = p.job_id
            WHERE p.status = 'complete' AND c.status <> 'complete'
            """))
        ?? CrashInvariants.Registry(portal.Database, portal.ArtifactsDir);

    private static string Summary(CrashDatabase db) => string.Join(", ", db.Rows(
        "SELECT status, COUNT(*) AS n FROM simulation_jobs GROUP BY status ORDER BY status").Select(r => $"{r["status"]}={r["n"]}"))
        + "; runs " + string.Join(", ", db.Rows("SELECT status, COUNT(*) AS n FROM runs GROUP BY status ORDER BY status").Select(r => $"{r["status"]}={r["n"]}"));

    /// <summary>Submits one comparison and one budget window with fresh reforms and polls both until they finish.</summary>
    private async Task SubmitAndWaitAsync(CrashPortal portal, CancellationToken ct)
    {
        using var client = portal.Client();
        var comparison = await SubmitAsync(client, "/simulate/economy/comparison", new JsonObject
        {
            ["country"] = "us", ["time_period"] = 2024, ["reform"] = Reform(), ["title"] = "crash trial",
        }, ct);
        var window = await SubmitAsync(client, "/simulate/economy/budget-window", new JsonObject
        {
            ["country"] = "us", ["region"] = "us", ["start_year"] = 2024, ["window_size"] = 3, ["reform"] = Reform(), ["title"] = "crash trial window",
        }, ct);
        foreach (var poll in new[] { comparison, window })
        {
            while (true)
            {
                using var response = await client.GetAsync(poll, ct);
                var status = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["status"];
                if (status is "complete" or "failed")
                {
                    Assert.True(status == "complete", $"{poll} failed without a crash");
                    break;
                }

                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task<string> SubmitAsync(HttpClient client, string path, JsonObject body, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(path, body, ct);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        Assert.True(response.IsSuccessStatusCode, json.ToJsonString());
        Assert.Equal("miss", (string?)json["cache"]);
        return (string)json["poll_url"]!;
    }

    private JsonObject Reform() => new()
    {
        ["gov.irs.deductions.standard.SINGLE"] = new JsonObject { ["2024-01-01.2100-12-31"] = Interlocked.Add(ref _reformValue, 37) },
    };
}
