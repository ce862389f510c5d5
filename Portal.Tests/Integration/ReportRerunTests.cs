using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Reports;
using Quartz;

namespace Portal.Tests.Integration;

/// <summary>
/// <c>POST /{country}/report/{id}/rerun</c> on real SQLite and Quartz: household and economy reruns,
/// the cache rows it deletes (by the cache's own key) and keeps, malformed links that change nothing,
/// idempotency keys, truly concurrent reruns, a rerun while computing, and roles.
/// </summary>
public sealed class ReportRerunTests(ReportsFixture portal) : IClassFixture<ReportsFixture>
{
    private static Dictionary<string, object> Reform(double value) =>
        new() { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = value } };

    private HttpClient Owner => portal.Owner.Client;

    private static Task<HttpResponseMessage> RerunAsync(HttpClient client, long id, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/us/report/{id}/rerun");
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request);
    }

    private static async Task<JsonObject> RerunOkAsync(HttpClient client, long id, string? key = null)
    {
        var response = await RerunAsync(client, id, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("ok", (string?)body["status"]);
        return body["result"]!.AsObject();
    }

    /// <summary>Baseline and reform simulations of a region of its own (simulations are shared by population and policy).</summary>
    private async Task<(long Baseline, long Reform, long BaselinePolicy, long ReformPolicy)> SimulationsAsync(string region, double reform)
    {
        var baselinePolicy = await ReportsFixture.PolicyAsync(Owner, new { });
        var reformPolicy = await ReportsFixture.PolicyAsync(Owner, Reform(reform));
        return (await ReportsFixture.SimulationAsync(Owner, region, "geography", baselinePolicy),
            await ReportsFixture.SimulationAsync(Owner, region, "geography", reformPolicy), baselinePolicy, reformPolicy);
    }

    private Task<int> JobCountAsync() => portal.DbAsync(db => db.SimulationJobs.CountAsync());

    [Fact]
    public async Task An_economy_rerun_deletes_exactly_the_cache_rows_the_cache_wrote_whatever_their_status()
    {
        // Non-default region and options (the cliff target): the job writes an ok row with the cache's key.
        var (s1, s2, baseline, reform) = await SimulationsAsync("state/CA", 22_000);
        var id = (long)(await ReportsFixture.ReportAsync(Owner, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024", target = "cliff" }))["id"]!;
        var done = await ReportsFixture.WaitReportAsync(Owner, id);
        Assert.True((string?)done["status"] == ReportStatuses.Complete, done.ToJsonString());
        var key = ReformImpactKey.Build("us", reform, baseline, "state/CA", "2024", portal.Latest, EconomyTargets.Cliff);
        var written = await portal.DbAsync(db => key.Match(db.ReformImpacts.AsNoTracking()).SingleAsync());
        Assert.Equal(ReformImpactStatuses.Ok, written.Status);
        Assert.Contains("target=cliff", written.OptionsHash, StringComparison.Ordinal);
        // The economy endpoint, asked with the same (differently spelled) parameters, reads that row.
        var economy = JsonNode.Parse(await Owner.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/ca&time_period=2024&target=cliff"))!;
        Assert.Equal("ok", (string?)economy["status"]);

        // Rows of other keys: another year, region, dataset and target.
        var others = new[]
        {
            ReformImpactKey.Build("us", reform, baseline, "state/CA", "2025", portal.Latest, EconomyTargets.Cliff),
            ReformImpactKey.Build("us", reform, baseline, "state/NY", "2024", portal.Latest, EconomyTargets.Cliff),
            ReformImpactKey.Build("us", reform, baseline, "state/CA", "2024", portal.Calibration, EconomyTargets.Cliff),
            ReformImpactKey.Build("us", reform, baseline, "state/CA", "2024", portal.Latest, EconomyTargets.General),
        };
        var otherIds = await portal.DbAsync(async db =>
        {
            var rows = others.Select((k, i) =>
            {
                var row = k.NewRow("job_other_" + i, DateTime.UtcNow);
                row.Status = i % 2 == 0 ? ReformImpactStatuses.Ok : ReformImpactStatuses.Error;
                return row;
            }).ToList();
            db.ReformImpacts.AddRange(rows);
            await db.SaveChangesAsync();
            return rows.Select(r => r.ReformImpactId).ToList();
        });

        var plan = JsonNode.Parse(await Owner.GetStringAsync($"/us/report/{id}/rerun"))!["result"]!;
        Assert.Equal(written.ReformImpactId, (long)plan["cache_rows"]![0]!["reform_impact_id"]!);
        Assert.Single(plan["cache_rows"]!.AsArray());

        var result = await RerunOkAsync(Owner, id);
        Assert.Equal(1, (int)result["economy_cache_rows_deleted"]!);
        Assert.Equal("economy", (string?)result["report_type"]);
        Assert.Equal([s1, s2], result["simulation_ids"]!.AsArray().Select(n => (long)n!));
        await portal.DbAsync(async db =>
        {
            Assert.False(await db.ReformImpacts.AnyAsync(r => r.ReformImpactId == written.ReformImpactId));
            Assert.Equal(otherIds.Count, await db.ReformImpacts.CountAsync(r => otherIds.Contains(r.ReformImpactId)));
            return 0;
        });

        // Recomputed: a new ok row by the new job.
        var again = await ReportsFixture.WaitReportAsync(Owner, id);
        Assert.Equal(ReportStatuses.Complete, (string?)again["status"]);
        var recomputed = await portal.DbAsync(db => key.Match(db.ReformImpacts.AsNoTracking()).SingleAsync());
        Assert.Equal((string?)result["job_id"], recomputed.ExecutionId);
        Assert.Equal(otherIds.Count, await portal.DbAsync(db => db.ReformImpacts.CountAsync(r => otherIds.Contains(r.ReformImpactId))));
    }

    [Fact]
    public async Task An_error_row_the_cache_wrote_for_a_non_default_dataset_is_deleted_by_the_rerun()
    {
        // The calibration artifact is not a population: the job fails and writes an error row with the cache's key.
        var (s1, s2, baseline, reform) = await SimulationsAsync("state/AZ", 23_000);
        var id = (long)(await ReportsFixture.ReportAsync(Owner, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024", dataset = "calibration", target = "cliff" }))["id"]!;
        var done = await ReportsFixture.WaitReportAsync(Owner, id);
        Assert.Equal(ReportStatuses.Error, (string?)done["status"]);
        var key = ReformImpactKey.Build("us", reform, baseline, "state/AZ", "2024", portal.Calibration, EconomyTargets.Cliff);
        var written = await portal.DbAsync(db => key.Match(db.ReformImpacts.AsNoTracking()).SingleAsync());
        Assert.Equal(ReformImpactStatuses.Error, written.Status);
        Assert.Equal("calibration", written.Dataset);
        // Served as an error, not as a cached success.
        var economy = JsonNode.Parse(await Owner.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/az&time_period=2024&dataset=calibration&target=cliff"))!;
        Assert.Equal("error", (string?)economy["status"]);
        var kept = await portal.DbAsync(async db =>
        {
            var row = ReformImpactKey.Build("us", reform, baseline, "state/AZ", "2024", portal.Latest, EconomyTargets.Cliff).NewRow("job_kept", DateTime.UtcNow);
            row.Status = ReformImpactStatuses.Ok;
            db.ReformImpacts.Add(row);
            await db.SaveChangesAsync();
            return row.ReformImpactId;
        });

        var result = await RerunOkAsync(Owner, id);
        Assert.Equal(1, (int)result["economy_cache_rows_deleted"]!);
        await portal.DbAsync(async db =>
        {
            Assert.False(await db.ReformImpacts.AnyAsync(r => r.ReformImpactId == written.ReformImpactId));
            Assert.True(await db.ReformImpacts.AnyAsync(r => r.ReformImpactId == kept));
            return 0;
        });
        await ReportsFixture.WaitReportAsync(Owner, id);
    }

    [Fact]
    public async Task A_household_rerun_resets_and_recomputes_and_names_the_reports_sharing_its_simulations()
    {
        var household = new JsonObject
        {
            ["people"] = new JsonObject { ["you"] = new JsonObject { ["age"] = new JsonObject { ["2024"] = 30 }, ["employment_income"] = new JsonObject { ["2024"] = 52_000 } } },
            ["tax_units"] = new JsonObject { ["tu"] = new JsonObject { ["members"] = new JsonArray("you") } },
            ["households"] = new JsonObject { ["hh"] = new JsonObject { ["members"] = new JsonArray("you"), ["state_code"] = new JsonObject { ["2024"] = "FL" } } },
        };
        var householdId = (long)(await ReportsFixture.PostAsync(Owner, "/us/household", new { data = household }))["result"]!["id"]!;
        var population = householdId.ToString(CultureInfo.InvariantCulture);
        var s1 = await ReportsFixture.SimulationAsync(Owner, population, "household", await ReportsFixture.PolicyAsync(Owner, new { }));
        var s2 = await ReportsFixture.SimulationAsync(Owner, population, "household", await ReportsFixture.PolicyAsync(Owner, Reform(26_000)));
        var id = (long)(await ReportsFixture.ReportAsync(Owner, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024" }))["id"]!;
        var sharing = (long)(await ReportsFixture.ReportAsync(Owner, new { simulation_1_id = s1, year = "2024" }))["id"]!;
        var before = await ReportsFixture.WaitReportAsync(Owner, id);
        await ReportsFixture.WaitReportAsync(Owner, sharing);

        var result = await RerunOkAsync(Owner, id);
        Assert.Equal("household", (string?)result["report_type"]);
        Assert.Equal(0, (int)result["economy_cache_rows_deleted"]!);
        Assert.Equal([sharing], result["also_affected_report_ids"]!.AsArray().Select(n => (long)n!));
        var after = await ReportsFixture.WaitReportAsync(Owner, id);
        Assert.Equal(ReportStatuses.Complete, (string?)after["status"]);
        Assert.Equal(before["output"]!.ToJsonString(), after["output"]!.ToJsonString());
        Assert.NotEqual((string?)before["job_id"], (string?)after["job_id"]);
    }

    [Fact]
    public async Task Malformed_links_are_rejected_before_any_row_changes()
    {
        var (s1, s2, _, _) = await SimulationsAsync("state/WA", 15_000);
        var missing = await portal.InsertReportAsync(portal.Owner.UserId, s1, 999_999, ReportStatuses.Complete);
        var householdId = (long)(await ReportsFixture.PostAsync(Owner, "/us/household", new
        {
            data = new { people = new { me = new { age = new Dictionary<string, int> { ["2024"] = 50 } } }, households = new { h = new { members = new[] { "me" } } } },
        }))["result"]!["id"]!;
        var householdSimulation = await ReportsFixture.SimulationAsync(Owner, householdId.ToString(CultureInfo.InvariantCulture), "household", await ReportsFixture.PolicyAsync(Owner, new { }));
        var mismatched = await portal.InsertReportAsync(portal.Owner.UserId, s1, householdSimulation, ReportStatuses.Complete);
        var missingFirst = await portal.InsertReportAsync(portal.Owner.UserId, 888_888, s2, ReportStatuses.Error);
        var snapshot = await portal.SnapshotAsync();

        var response = await RerunAsync(Owner, missing.Id, "k-missing");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("simulation #999999", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        response = await RerunAsync(Owner, missingFirst.Id);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("simulation #888888", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        response = await RerunAsync(Owner, mismatched.Id, "k-mismatch");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("mismatched population types", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Owner.PostAsync($"/uk/report/{missing.Id}/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RerunAsync(Owner, 123_456_789)).StatusCode);
        Assert.Equal(snapshot, await portal.SnapshotAsync());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_response_without_a_second_reset()
    {
        var (s1, s2, _, _) = await SimulationsAsync("state/OR", 16_000);
        var report = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Complete);
        var jobs = await JobCountAsync();
        var first = await RerunOkAsync(Owner, report.Id, "key-1");
        var repeat = await RerunAsync(Owner, report.Id, "key-1");
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.ToJsonString(), JsonNode.Parse(await repeat.Content.ReadAsStringAsync())!["result"]!.ToJsonString());
        Assert.Equal(jobs + 1, await JobCountAsync());

        // After the recomputation the same key still replays, and the finished report is not reset.
        var done = await ReportsFixture.WaitReportAsync(Owner, report.Id);
        Assert.Equal(ReportStatuses.Complete, (string?)done["status"]);
        var later = await RerunOkAsync(Owner, report.Id, "key-1");
        Assert.Equal((string?)first["job_id"], (string?)later["job_id"]);
        var row = await portal.DbAsync(db => db.ReportOutputs.AsNoTracking().SingleAsync(r => r.Id == report.Id));
        Assert.Equal(ReportStatuses.Complete, row.Status);
        Assert.Equal((string?)first["job_id"], row.JobId);
        Assert.Equal(jobs + 1, await JobCountAsync());
    }

    [Fact]
    public async Task Concurrent_reruns_of_one_report_reset_it_once()
    {
        var (s1, s2, _, _) = await SimulationsAsync("state/NV", 17_000);
        var report = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Complete);
        var jobs = await JobCountAsync();

        // The scheduler waits during the burst: on a tiny population the recomputation could
        // otherwise finish between two requests, and a rerun of a complete report is legitimate.
        var scheduler = await portal.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        HttpResponseMessage[] responses;
        try
        {
            responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => RerunAsync(Owner, report.Id, $"distinct-{i}")));
        }
        finally
        {
            await scheduler.Start();
        }

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(jobs + 1, await JobCountAsync());
        Assert.Equal(1, await portal.DbAsync(db => db.ReportRerunKeys.CountAsync(k => k.ReportId == report.Id)));

        // The same key sent concurrently: every caller gets the one reset's response.
        var second = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Error, year: "2025");
        jobs = await JobCountAsync();
        var same = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RerunAsync(Owner, second.Id, "same-key")));
        Assert.All(same, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var jobIds = await Task.WhenAll(same.Select(async r => (string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["result"]!["job_id"]));
        Assert.Single(jobIds.Distinct());
        Assert.Equal(jobs + 1, await JobCountAsync());
        await ReportsFixture.WaitReportAsync(Owner, report.Id);
        await ReportsFixture.WaitReportAsync(Owner, second.Id);
    }

    [Fact]
    public async Task A_rerun_while_the_report_is_computing_is_a_409_naming_the_job_and_changes_nothing()
    {
        var (s1, s2, _, _) = await SimulationsAsync("state/UT", 18_000);
        var running = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Running, jobId: "job_still_running");
        var pending = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Pending, year: "2025", jobId: "job_queued");
        var snapshot = await portal.SnapshotAsync();
        foreach (var (report, job) in new[] { (running, "job_still_running"), (pending, "job_queued") })
        {
            var response = await RerunAsync(Owner, report.Id, "while-computing");
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(job, (string?)problem["job_id"]);
        }

        var plan = JsonNode.Parse(await Owner.GetStringAsync($"/us/report/{running.Id}/rerun"))!["result"]!;
        Assert.True((bool)plan["computing"]!);
        Assert.Equal(snapshot, await portal.SnapshotAsync());
    }

    [Fact]
    public async Task Analysts_rerun_their_own_reports_and_maintainers_any()
    {
        var (s1, s2, _, _) = await SimulationsAsync("state/ID", 19_000);
        var report = await portal.InsertReportAsync(portal.Owner.UserId, s1, s2, ReportStatuses.Complete);
        var snapshot = await portal.SnapshotAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await RerunAsync(portal.OtherAnalyst.Client, report.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RerunAsync(portal.Reviewer, report.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RerunAsync(portal.ApiClient(), report.Id)).StatusCode);
        Assert.Equal(snapshot, await portal.SnapshotAsync());
        await RerunOkAsync(portal.Maintainer, report.Id);
        await ReportsFixture.WaitReportAsync(Owner, report.Id);
    }
}
