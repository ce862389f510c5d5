using System.Net.Http.Json;
using System.Text.Json;
using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests;

/// <summary>
/// Resume with a real kill: a publish run is SIGKILLed after some areas finished; on restart Quartz
/// recovers the run's job and it completes without rebuilding the finished areas (same sha256, same
/// completion time, file untouched), with no temporary file left behind.
/// </summary>
public sealed class PublishResumeTests
{
    private static readonly string[] Areas =
        ["state:DC", "district:DC-01", "state:VT", "state:WY", "state:AK", "state:DE", "state:ND", "state:SD", "state:MT", "state:RI", "state:NH", "state:ME"];

    [Fact]
    public async Task A_publish_killed_mid_run_completes_after_restart_without_rebuilding_finished_areas()
    {
        await using var portal = PortalProcess.Create("publish-kill");
        await portal.CreateUserAsync(TestAccounts.Admin);
        var token = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "publish kill test");
        var generated = await portal.RunCliAsync(["data", "generate", "--country", "us", "--version", "2024.1.0", "--households", "400", "--seed", "7", "--clones", "2"]);
        Assert.True(generated.ExitCode == 0, generated.StdErr);

        // One worker and a pause after each area, so the kill lands mid-run.
        portal.ServerEnvironmentVariables["Publishing__AreaDelayMs"] = "700";
        await portal.StartAsync();
        string runId;
        using (var client = portal.CreateClient(token))
        {
            using var created = await client.PostAsJsonAsync("/api/publish", new { data_release = "us/2024.1.0", scope = "regional", areas = Areas, workers = 1 });
            var body = await ApiAssert.JsonAsync(created, System.Net.HttpStatusCode.Created);
            runId = body.GetProperty("run").GetProperty("run_id").GetString()!;
        }

        var beforeKill = await Eventually.ReturnsAsync(async () =>
        {
            var run = await GetRunAsync(portal, token, runId);
            return run.GetProperty("run").GetProperty("areas_completed").GetInt32() >= 3 ? new RunState(run) : null;
        }, TimeSpan.FromSeconds(90), "three areas completed", () => portal.LogTail());
        await portal.KillAsync();

        var finished = beforeKill.Json.GetProperty("areas").EnumerateArray().Where(a => a.GetProperty("status").GetString() == "completed").ToList();
        Assert.InRange(finished.Count, 3, Areas.Length - 1);
        var outputDir = Directory.EnumerateDirectories(Path.Combine(portal.DataDir, "artifacts", "published", "us", "2024.1.0")).Single();
        var mtimes = finished.ToDictionary(a => a.GetProperty("output_path").GetString()!, a => File.GetLastWriteTimeUtc(Path.Combine(outputDir, a.GetProperty("output_path").GetString()!)));

        portal.ServerEnvironmentVariables.Remove("Publishing__AreaDelayMs");
        await portal.StartAsync();
        var final = await Eventually.ReturnsAsync(async () =>
        {
            var run = await GetRunAsync(portal, token, runId);
            return run.GetProperty("run").GetProperty("status").GetString() is "completed" or "failed" ? new RunState(run) : null;
        }, TimeSpan.FromSeconds(120), "the recovered run finished", () => portal.LogTail());

        var summary = final.Json.GetProperty("run");
        Assert.True(summary.GetProperty("status").GetString() == "completed", final.Json.ToString());
        Assert.Equal(Areas.Length, summary.GetProperty("areas_completed").GetInt32() + summary.GetProperty("areas_skipped").GetInt32());
        Assert.Equal(0, summary.GetProperty("areas_failed").GetInt32());
        Assert.True(summary.GetProperty("attempts").GetInt32() >= 2, "the run was recovered, not restarted from scratch");
        var after = final.Json.GetProperty("areas").EnumerateArray().ToDictionary(a => a.GetProperty("output_path").GetString()!);
        foreach (var area in finished)
        {
            var path = area.GetProperty("output_path").GetString()!;
            Assert.Equal(area.GetProperty("sha256").GetString(), after[path].GetProperty("sha256").GetString());
            Assert.Equal(area.GetProperty("completed_utc").GetString(), after[path].GetProperty("completed_utc").GetString());
            Assert.Equal(mtimes[path], File.GetLastWriteTimeUtc(Path.Combine(outputDir, path)));
        }

        Assert.All(after.Values, a => Assert.True(File.Exists(Path.Combine(outputDir, a.GetProperty("output_path").GetString()!))));
        Assert.Empty(Directory.EnumerateFiles(outputDir, "*.tmp*", SearchOption.AllDirectories));
        using var client2 = portal.CreateClient(token);
        using var manifest = await client2.GetAsync($"/api/publish/{runId}/manifest");
        Assert.Equal(Areas.Length, (await ApiAssert.JsonAsync(manifest)).GetProperty("files").GetArrayLength());
    }

    private sealed record RunState(JsonElement Json);

    private static async Task<JsonElement> GetRunAsync(PortalProcess portal, string token, string runId)
    {
        using var client = portal.CreateClient(token);
        using var response = await client.GetAsync($"/api/publish/{runId}");
        return await ApiAssert.JsonAsync(response);
    }
}
