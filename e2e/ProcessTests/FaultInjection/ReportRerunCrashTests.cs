using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// SIGKILL during report reruns at seeded random points: an economy and a household report are
/// rerun (with an Idempotency-Key) and polled to completion; the kill lands anywhere from the rerun
/// request itself to the end of the recomputation. After the restart both reports, their
/// simulations and jobs are terminal, the economy cache holds one finished row per key, and every
/// report job has exactly one whole registry row.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class ReportRerunCrashTests(CrashPortal portal, ITestOutputHelper output)
{
    [Fact]
    public async Task Report_reruns_killed_at_random_points_finish_once_after_restart()
    {
        var trials = new CrashTrials(output, "report-rerun");
        var clock = Stopwatch.StartNew();
        await portal.RestartAsync();
        var reports = await CreateReportsAsync(portal);
        using (var client = portal.Client())
        {
            foreach (var id in reports)
            {
                await WaitCompleteAsync(client, id, CancellationToken.None);
            }
        }

        // Measured on a freshly started process, as every trial runs on one: a warm process reran in
        // about 200 ms, less than a cold one needs to take the request, so most kills drawn from that
        // span landed before the rerun began.
        await portal.RestartAsync();
        var measured = Stopwatch.StartNew();
        await RerunAndWaitAsync(portal, reports, CancellationToken.None);
        var span = measured.Elapsed;
        trials.Log($"uncrashed rerun → complete (reports {string.Join(", ", reports)}): {span.TotalMilliseconds:F0} ms");

        await trials.KillAndRecoverAsync(portal, span, ct => RerunAndWaitAsync(portal, reports, ct), () => Problem(portal), () => Summary(portal.Database));

        // A report can still be rerun after the crashes: nothing holds it.
        await RerunAndWaitAsync(portal, reports, CancellationToken.None);
        trials.Log($"done: {trials.Count} trials, 0 failures, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string? Problem(CrashPortal portal) =>
        CrashInvariants.JobsTerminal(portal.Database)
        ?? CrashInvariants.Rows("reports not terminal (or error without a message, or complete without output)", portal.Database.Rows("""
            SELECT id, report_type, status, job_id, error_message FROM report_outputs
            WHERE status NOT IN ('complete', 'error')
               OR (status = 'error' AND COALESCE(error_message, '') = '')
               OR (status = 'complete' AND output IS NULL)
            """))
        ?? CrashInvariants.Rows("report simulations not terminal", portal.Database.Rows(
            "SELECT id, population_type, status FROM simulations WHERE status NOT IN ('complete', 'error')"))
        ?? CrashInvariants.Rows("economy cache rows not finished, or duplicated per key", portal.Database.Rows("""
            SELECT country_id, reform_policy_id, baseline_policy_id, region, time_period, options_hash, api_version, dataset,
                   COUNT(*) AS n, GROUP_CONCAT(status) AS statuses
            FROM reform_impact GROUP BY country_id, reform_policy_id, baseline_policy_id, region, time_period, options_hash, api_version, dataset
            HAVING COUNT(*) <> 1 OR SUM(status <> 'ok') > 0
            """))
        ?? CrashInvariants.Registry(portal.Database, portal.ArtifactsDir);

    private static string Summary(CrashDatabase db) =>
        "reports " + string.Join(", ", db.Rows("SELECT id, status FROM report_outputs ORDER BY id").Select(r => $"#{r["id"]}={r["status"]}"))
        + "; jobs " + string.Join(", ", db.Rows("SELECT status, COUNT(*) AS n FROM simulation_jobs GROUP BY status ORDER BY status").Select(r => $"{r["status"]}={r["n"]}"))
        + "; runs " + string.Join(", ", db.Rows("SELECT status, COUNT(*) AS n FROM runs GROUP BY status ORDER BY status").Select(r => $"{r["status"]}={r["n"]}"));

    /// <summary>An economy report (national, a higher standard deduction) and a household report over the same policies.</summary>
    private static async Task<long[]> CreateReportsAsync(CrashPortal portal)
    {
        using var client = portal.Client();
        var baseline = (long)(await PostAsync(client, "/us/policy", new JsonObject { ["data"] = new JsonObject() }))["policy_id"]!;
        var reform = (long)(await PostAsync(client, "/us/policy", new JsonObject
        {
            ["data"] = new JsonObject { ["gov.irs.deductions.standard.SINGLE"] = new JsonObject { ["2024-01-01.2100-12-31"] = 25_000 } },
        }))["policy_id"]!;
        var household = (long)(await PostAsync(client, "/us/household", new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["people"] = new JsonObject { ["you"] = new JsonObject { ["age"] = new JsonObject { ["2024"] = 40 }, ["employment_income"] = new JsonObject { ["2024"] = 40_000 } } },
                ["tax_units"] = new JsonObject { ["tu"] = new JsonObject { ["members"] = new JsonArray("you") } },
                ["households"] = new JsonObject { ["hh"] = new JsonObject { ["members"] = new JsonArray("you"), ["state_code"] = new JsonObject { ["2024"] = "TX" } } },
            },
        }))["id"]!;

        async Task<long> SimulationAsync(string population, string type, long policy) =>
            (long)(await PostAsync(client, "/us/simulation", new JsonObject { ["population_id"] = population, ["population_type"] = type, ["policy_id"] = policy }))["id"]!;

        var economy = (long)(await PostAsync(client, "/us/report", new JsonObject
        {
            ["simulation_1_id"] = await SimulationAsync("us", "geography", baseline),
            ["simulation_2_id"] = await SimulationAsync("us", "geography", reform),
            ["year"] = "2024",
        }))["id"]!;
        var householdReport = (long)(await PostAsync(client, "/us/report", new JsonObject
        {
            ["simulation_1_id"] = await SimulationAsync(household.ToString(System.Globalization.CultureInfo.InvariantCulture), "household", baseline),
            ["simulation_2_id"] = await SimulationAsync(household.ToString(System.Globalization.CultureInfo.InvariantCulture), "household", reform),
            ["year"] = "2024",
        }))["id"]!;
        return [economy, householdReport];
    }

    /// <summary>Reruns every report (a fresh Idempotency-Key each) and polls them until they finish.</summary>
    private static async Task RerunAndWaitAsync(CrashPortal portal, long[] reports, CancellationToken ct)
    {
        using var client = portal.Client();
        foreach (var id in reports)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/us/report/{id}/rerun");
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request, ct);
            Assert.True(response.IsSuccessStatusCode, $"rerun of report #{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        foreach (var id in reports)
        {
            await WaitCompleteAsync(client, id, ct);
        }
    }

    private static async Task WaitCompleteAsync(HttpClient client, long id, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + CrashPortal.SettleTimeout;
        while (true)
        {
            using var response = await client.GetAsync($"/us/report/{id}", ct);
            var status = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["result"]?["status"];
            if (status is "complete" or "error")
            {
                Assert.True(status == "complete", $"report #{id} ended in error without a crash");
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"report #{id} still {status}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {json.ToJsonString()}");
        return json["result"]!;
    }
}
