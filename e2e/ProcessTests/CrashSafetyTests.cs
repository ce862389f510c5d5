using System.Text.Json;
using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests;

/// <summary>
/// Everything committed before a crash is there after it: users, tokens, the schedule and
/// the job history all live in the database, not in process memory.
/// </summary>
public sealed class CrashSafetyTests
{
    private const string JobGroup = "system";
    private const string JobName = "database-maintenance";

    [Fact]
    public async Task Users_tokens_schedule_and_job_history_survive_a_SIGKILL()
    {
        await using var portal = PortalProcess.Create("crash");
        await portal.CreateUserAsync(TestAccounts.Admin);
        var token = await portal.CreateTokenAsync(TestAccounts.Admin.Email, "crash test");
        await portal.StartAsync();

        using (var client = portal.CreateClient(token))
        {
            using var run = await client.PostAsync($"/api/admin/jobs/{JobGroup}/{JobName}/run", content: null);
            Assert.False(string.IsNullOrWhiteSpace((await ApiAssert.JsonAsync(run)).GetProperty("message").GetString()));
        }

        var firedUtc = await Eventually.ReturnsAsync(
            () => SucceededRunAsync(portal, token), TimeSpan.FromSeconds(30), $"a succeeded {JobName} run in /api/admin/jobs", () => portal.LogTail());

        var before = portal.BaseUrl;
        await portal.KillAsync();
        using (var dead = new HttpClient { BaseAddress = before, Timeout = TimeSpan.FromSeconds(5) })
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => dead.GetAsync("/healthz"));
        }

        await portal.StartAsync();
        using var after = portal.CreateClient(token);

        using (var me = await after.GetAsync("/api/me"))
        {
            Assert.Equal(TestAccounts.Admin.Email, (await ApiAssert.JsonAsync(me)).GetProperty("email").GetString());
        }

        using (var users = await after.GetAsync("/api/admin/users"))
        {
            var emails = (await ApiAssert.JsonAsync(users)).GetProperty("items").EnumerateArray().Select(u => u.GetProperty("email").GetString());
            Assert.Contains(TestAccounts.Admin.Email, emails);
        }

        using var jobs = await after.GetAsync("/api/admin/jobs");
        var overview = await ApiAssert.JsonAsync(jobs);
        Assert.Contains(overview.GetProperty("scheduled").EnumerateArray(), t => IsMaintenance(t));
        Assert.Contains(overview.GetProperty("recent").EnumerateArray(),
            r => IsMaintenance(r) && r.GetProperty("fired_utc").GetString() == firedUtc && r.GetProperty("result").GetString() == "Succeeded");
    }

    /// <summary>The fire time of the manual maintenance run once it has succeeded, else null.</summary>
    private static async Task<string?> SucceededRunAsync(PortalProcess portal, string token)
    {
        using var client = portal.CreateClient(token);
        using var response = await client.GetAsync("/api/admin/jobs");
        var overview = await ApiAssert.JsonAsync(response);
        var run = overview.GetProperty("recent").EnumerateArray()
            .FirstOrDefault(r => IsMaintenance(r) && r.GetProperty("manual").GetBoolean());
        if (run.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        // Anything but success or a still-open run is a failure worth reporting at once, not a timeout.
        var result = run.GetProperty("result").GetString() ?? "";
        Assert.DoesNotContain("fail", result, StringComparison.OrdinalIgnoreCase);
        return result == "Succeeded" ? run.GetProperty("fired_utc").GetString() : null;
    }

    private static bool IsMaintenance(JsonElement job) =>
        job.GetProperty("job_group").GetString() == JobGroup && job.GetProperty("job_name").GetString() == JobName;
}
