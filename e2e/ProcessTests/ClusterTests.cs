using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.E2E.Infrastructure;
using Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests;

/// <summary>
/// Scale-out on PostgreSQL with two real processes (see <see cref="PortalCluster"/>): a browser
/// session and its antiforgery tokens move between instances, a token revoked on one fails at once on
/// the other, and when the instance executing simulations is SIGKILLed the other one recovers its
/// jobs, and every job completes exactly once (one result, one registry row, one run folder).
/// </summary>
public sealed partial class ClusterTests(PortalCluster cluster, ITestOutputHelper output) : IClassFixture<PortalCluster>
{
    private const int JobCount = 20;

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("ptl_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenSecret();

    [PostgresFact]
    public async Task A_cookie_session_and_antiforgery_token_from_one_instance_work_on_the_other_and_revocation_applies_at_once()
    {
        // One cookie jar for both, as a browser behind a load balancer has (cookies ignore the port).
        var jar = new CookieContainer();
        using var a = Browser(cluster.A, jar);
        using var b = Browser(cluster.B, jar);

        var loginPage = await a.GetStringAsync("/account/login");
        using (var login = await a.PostAsync("/account/login", Form(loginPage, "login", new()
        {
            ["Input.Email"] = TestAccounts.Admin.Email,
            ["Input.Password"] = TestAccounts.Admin.Password,
        })))
        {
            Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"sign-in on A: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        }

        // The form comes from A (its antiforgery token), the page and the post go to B.
        var tokensOnA = await a.GetStringAsync("/account/tokens");
        using (var page = await b.GetAsync("/account/tokens"))
        {
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"B did not accept A's session cookie: {(int)page.StatusCode} {page.Headers.Location}");
        }

        string secret;
        using (var posted = await b.PostAsync("/account/tokens", Form(tokensOnA, "create-token", new() { ["Input.Name"] = "made on B", ["Input.ExpiresInDays"] = "30" })))
        {
            var html = await posted.Content.ReadAsStringAsync();
            Assert.True(posted.StatusCode == HttpStatusCode.OK, $"B rejected A's form: {(int)posted.StatusCode} {html[..Math.Min(html.Length, 400)]}");
            secret = TokenSecret().Match(html).Value;
            Assert.False(string.IsNullOrEmpty(secret), "the page shows the new token's secret once");
        }

        // The token made on B works on A; revoked on A, it fails on B's very next request.
        using var onA = cluster.A.CreateClient(secret);
        using var onB = cluster.B.CreateClient(secret);
        Assert.Equal("cookie", (await ApiAssert.JsonAsync(await a.GetAsync("/api/me"))).GetProperty("authenticated_by").GetString());
        Assert.Equal("token", (await ApiAssert.JsonAsync(await onA.GetAsync("/api/me"))).GetProperty("authenticated_by").GetString());
        await ApiAssert.JsonAsync(await onB.GetAsync("/api/me"));
        var tokens = await ApiAssert.JsonAsync(await onA.GetAsync("/api/tokens"));
        var id = tokens.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "made on B").GetProperty("id").GetInt64();
        await ApiAssert.JsonAsync(await onA.DeleteAsync($"/api/tokens/{id}"));
        using var afterRevoke = await onB.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);

        // The key ring that signed all this is in the database, not in either node's key directory.
        Assert.True(await ScalarAsync("SELECT count(*) FROM \"DataProtectionKeys\"") >= 1);
        Assert.All(new[] { cluster.A, cluster.B }, node => Assert.Empty(Directory.EnumerateFiles(Path.Combine(node.DataDir, "keys"))));
    }

    [PostgresFact]
    public async Task Jobs_of_a_killed_instance_are_recovered_by_the_other_and_complete_exactly_once()
    {
        // Submit alternately through both instances; each runs one job at a time.
        var jobIds = new List<string>();
        for (var i = 0; i < JobCount; i++)
        {
            var node = i % 2 == 0 ? cluster.A : cluster.B;
            using var client = node.CreateClient(cluster.AdminToken);
            var reform = new Dictionary<string, object>
            {
                ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 15_000 + (i * 100) },
            };
            using var submitted = await client.PostAsJsonAsync("/simulate/economy/comparison", new { country = "us", reform, time_period = 2024, title = $"cluster {i}" });
            jobIds.Add((await ApiAssert.JsonAsync(submitted)).GetProperty("job_id").GetString()!);
        }

        // Kill the instance running a job that has just started, so it is certainly still in flight.
        var victim = await JustStartedAsync(jobIds, TimeSpan.FromSeconds(120));
        var victimNode = cluster.ByInstanceId(victim.Node);
        var survivor = victimNode == cluster.A ? cluster.B : cluster.A;
        await victimNode.KillAsync();
        var killedUtc = DateTime.UtcNow;
        var inFlight = (await ReadJobsAsync(jobIds)).Where(j => j.Status == "running" && victim.JobIds.Contains(j.JobId)).Select(j => j.JobId).ToList();
        Assert.True(inFlight.Count > 0, $"{victim.Node} ran [{string.Join(", ", victim.JobIds)}] but none was still running when it was killed; job times (ms): "
            + string.Join(", ", (await ReadJobsAsync(jobIds)).Where(j => j.CompletedUtc is not null).Select(j => (j.CompletedUtc - j.StartedUtc)!.Value.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));

        var final = await Eventually.ReturnsAsync(async () =>
        {
            var rows = await ReadJobsAsync(jobIds);
            return rows.Count == JobCount && rows.All(r => r.Status is "complete" or "failed") ? rows : null;
        }, TimeSpan.FromSeconds(120), $"all {JobCount} jobs to finish on the survivor", cluster.Logs);

        var durations = final.Where(j => !inFlight.Contains(j.JobId) && j.StartedUtc is not null && j.CompletedUtc is not null)
            .Select(j => (j.CompletedUtc!.Value - j.StartedUtc!.Value).TotalMilliseconds).ToList();
        var restarted = final.Where(j => inFlight.Contains(j.JobId)).Select(j => (j.StartedUtc!.Value - killedUtc).TotalSeconds).ToList();
        output.WriteLine($"killed {victim.Node} with [{string.Join(", ", inFlight)}] in flight; a job took {durations.DefaultIfEmpty().Average():F0} ms on average; "
            + $"the in-flight jobs restarted {string.Join(", ", restarted.Select(s => s.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} s after the kill");

        // Every job: one row, complete with a result; the killed node's jobs ran again (attempts ≥ 2).
        Assert.All(final, j => Assert.True(j.Status == "complete" && j.HasResult, $"{j.JobId}: {j.Status} {j.Error}"));
        Assert.All(inFlight, id => Assert.True(final.Single(j => j.JobId == id).Attempts >= 2, $"{id} was in flight on {victim.Node} and was not re-run"));
        Assert.Equal(JobCount, await ScalarAsync("SELECT count(*) FROM simulation_jobs WHERE kind = 'economy_comparison'"));

        // Exactly one registry row and one complete run folder (with its manifest) per job, no temporary folder.
        var runs = await ReadRunsAsync(jobIds);
        Assert.Equal(JobCount, runs.Count);
        Assert.Equal(jobIds.Order(), runs.Select(r => r.JobId).Order());
        Assert.All(runs, r => Assert.True(r.Status == "complete", $"{r.RunId} of {r.JobId}: {r.Status}"));
        var runsDir = Path.Combine(cluster.SharedStorage, "runs");
        Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(runsDir, r.RunId, "manifest.json")), $"{r.RunId} has no manifest"));
        Assert.Equal(runs.Select(r => r.RunId).Order(), Directory.EnumerateDirectories(runsDir).Select(Path.GetFileName).Order()!);

        // The survivor shows the dead node's in-flight jobs ran on it after the kill.
        using (var client = survivor.CreateClient(cluster.AdminToken))
        {
            var overview = await ApiAssert.JsonAsync(await client.GetAsync("/api/admin/jobs?recent=200"));
            var survivorId = overview.GetProperty("instance_id").GetString();
            Assert.NotEqual(victim.Node, survivorId);
            Assert.DoesNotContain(overview.GetProperty("running").EnumerateArray(), r => r.GetProperty("node").GetString() == victim.Node);
        }

        Assert.All(inFlight, id => Assert.True(final.Single(j => j.JobId == id).CompletedUtc > killedUtc.AddSeconds(-1)));

        // The killed node rejoins the cluster.
        await victimNode.StartAsync();
        using var rejoined = victimNode.CreateClient(cluster.AdminToken);
        var nodes = (await ApiAssert.JsonAsync(await rejoined.GetAsync("/api/admin/jobs"))).GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("instance_id").GetString()).ToList();
        Assert.Contains("node-a", nodes);
        Assert.Contains("node-b", nodes);
    }

    private sealed record RunningOn(string Node, HashSet<string> JobIds);

    private sealed record JobRow(string JobId, string Status, int Attempts, bool HasResult, string? Error, DateTime? StartedUtc, DateTime? CompletedUtc);

    private sealed record RunRow(string RunId, string JobId, string Status);

    /// <summary>
    /// Polls until a node runs one of <paramref name="jobIds"/> whose row was claimed under 400 ms ago
    /// (jobs take about a second), and returns that node with every job it runs.
    /// </summary>
    private async Task<RunningOn> JustStartedAsync(List<string> jobIds, TimeSpan timeout)
    {
        using var client = cluster.A.CreateClient(cluster.AdminToken);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/api/admin/jobs");
            var running = (await ApiAssert.JsonAsync(response)).GetProperty("running").EnumerateArray()
                .Where(r => r.GetProperty("job_group").GetString() == "simulations" && jobIds.Contains(r.GetProperty("job_name").GetString()!))
                .Select(r => (Node: r.GetProperty("node").GetString()!, JobId: r.GetProperty("job_name").GetString()!))
                .ToList();
            if (running.Count > 0)
            {
                var rows = await ReadJobsAsync([.. running.Select(r => r.JobId)]);
                var fresh = rows.FirstOrDefault(r => r.Status == "running" && DateTime.UtcNow - r.StartedUtc < TimeSpan.FromMilliseconds(400));
                if (fresh is not null)
                {
                    var node = running.First(r => r.JobId == fresh.JobId).Node;
                    return new RunningOn(node, [.. running.Where(r => r.Node == node).Select(r => r.JobId)]);
                }
            }

            if ((await ReadJobsAsync(jobIds)).All(j => j.Status is "complete" or "failed"))
            {
                throw new Xunit.Sdk.XunitException($"Every job finished before one was seen just started; the jobs are too quick for this test.{Environment.NewLine}{cluster.Logs()}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No simulation was seen just started within {timeout}.{Environment.NewLine}{cluster.Logs()}");
    }

    private async Task<List<JobRow>> ReadJobsAsync(List<string> jobIds)
    {
        await using var db = await cluster.OpenDatabaseAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT job_id, status, attempts, result_json IS NOT NULL, error, started_utc, completed_utc FROM simulation_jobs WHERE job_id = ANY(@ids)";
        command.Parameters.AddWithValue("ids", jobIds.ToArray());
        var rows = new List<JobRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new JobRow(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDateTime(5), reader.IsDBNull(6) ? null : reader.GetDateTime(6)));
        }

        return rows;
    }

    private async Task<List<RunRow>> ReadRunsAsync(List<string> jobIds)
    {
        await using var db = await cluster.OpenDatabaseAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT run_id, job_id, status FROM runs WHERE job_id = ANY(@ids)";
        command.Parameters.AddWithValue("ids", jobIds.ToArray());
        var rows = new List<RunRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new RunRow(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var db = await cluster.OpenDatabaseAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HttpClient Browser(PortalProcess node, CookieContainer jar) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = jar })
        {
            BaseAddress = node.BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The hidden fields of the page's form named <paramref name="formName"/> (its antiforgery token) plus <paramref name="values"/>.</summary>
    private static FormUrlEncodedContent Form(string html, string formName, Dictionary<string, string> values)
    {
        var forms = html.Split("<form", StringSplitOptions.None).Skip(1);
        var form = forms.FirstOrDefault(f => f.Contains($"name=\"_handler\" value=\"{formName}\"", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No form '{formName}' on the page.");
        var fields = HiddenInput().Matches(form[..form.IndexOf("</form>", StringComparison.Ordinal)])
            .Select(m => new KeyValuePair<string, string>(m.Groups["name"].Value, WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Where(f => !values.ContainsKey(f.Key))
            .Concat(values);
        return new FormUrlEncodedContent(fields);
    }
}
