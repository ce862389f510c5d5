using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Reports;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration;

namespace Portal.Tests.Features.Runs;

/// <summary>Reports in the run registry on real SQLite and Quartz: a row per completed computation, replay from the record, reruns, the source filter.</summary>
public sealed class ReportRunsTests(ReportsFixture portal) : IClassFixture<ReportsFixture>
{
    private HttpClient Analyst => portal.Owner.Client;

    private static Dictionary<string, object> Reform(double value) =>
        new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = value } };

    [Fact]
    public async Task An_economy_report_gets_a_report_run_with_provenance_and_replays_identical_without_touching_report_rows()
    {
        var baseline = await ReportsFixture.PolicyAsync(Analyst, new { });
        var reform = await ReportsFixture.PolicyAsync(Analyst, Reform(21_234));
        var s1 = await ReportsFixture.SimulationAsync(Analyst, "us", "geography", baseline);
        var s2 = await ReportsFixture.SimulationAsync(Analyst, "us", "geography", reform);
        var id = (long)(await ReportsFixture.ReportAsync(Analyst, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024" }))["id"]!;
        var done = await ReportsFixture.WaitReportAsync(Analyst, id);
        Assert.True((string?)done["status"] == ReportStatuses.Complete, done.ToJsonString());

        var run = await ReportRunAsync(id, 1);
        Assert.Equal("economy", (string?)run["provenance"]!["report_type"]);
        Assert.Equal(portal.Latest.BundleId, (string?)run["manifest"]!["bundle"]!["bundle_id"]);
        var request = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts/{(string)run["run_id"]!}/files/request.json"))!;
        Assert.Equal("2024", (string?)request["year"]);
        Assert.Equal(portal.Latest.BundleId, (string?)request["bundle_id"]);
        Assert.Equal(21_234, (double)request["simulations"]![1]!["policy"]!["gov.irs.deductions.standard.SINGLE"]!["2024-01-01.2100-12-31"]!);
        var result = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts/{(string)run["run_id"]!}/files/result.json"))!;
        Assert.Equal((double)done["output"]!["budget"]!["budgetary_impact"]!, (double)result["budget"]!["budgetary_impact"]!);

        // The report job is recorded as a report, never also as a plain gateway job.
        var jobId = (string)run["job_id"]!;
        Assert.Equal(0, (int)JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts?source=gateway&search={jobId}"))!["total"]!);

        var before = await ReportRowsAsync();
        var replay = await RunsFixture.ReplayIdenticalAsync(Analyst, (string)run["run_id"]!);
        Assert.Equal(ReportReplayExecutor.JobKind, await portal.DbAsync(db => db.SimulationJobs.Where(j => j.JobId == (string)replay["job_id"]!).Select(j => j.Kind).SingleAsync()));
        Assert.Equal(before, await ReportRowsAsync());
    }

    [Fact]
    public async Task A_household_report_run_replays_identical_and_a_rerun_gives_a_second_row()
    {
        var household = new JsonObject
        {
            ["people"] = new JsonObject { ["you"] = new JsonObject { ["age"] = new JsonObject { ["2024"] = 35 }, ["employment_income"] = new JsonObject { ["2024"] = 47_000 } } },
            ["tax_units"] = new JsonObject { ["tu"] = new JsonObject { ["members"] = new JsonArray("you") } },
            ["households"] = new JsonObject { ["hh"] = new JsonObject { ["members"] = new JsonArray("you"), ["state_code"] = new JsonObject { ["2024"] = "TX" }, ["household_net_income"] = new JsonObject { ["2024"] = null } } },
        };
        var householdId = (long)(await ReportsFixture.PostAsync(Analyst, "/us/household", new { data = household }))["result"]!["id"]!;
        var population = householdId.ToString(CultureInfo.InvariantCulture);
        var s1 = await ReportsFixture.SimulationAsync(Analyst, population, "household", await ReportsFixture.PolicyAsync(Analyst, new { }));
        var s2 = await ReportsFixture.SimulationAsync(Analyst, population, "household", await ReportsFixture.PolicyAsync(Analyst, Reform(27_777)));
        var id = (long)(await ReportsFixture.ReportAsync(Analyst, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024" }))["id"]!;
        var done = await ReportsFixture.WaitReportAsync(Analyst, id);
        Assert.True((string?)done["status"] == ReportStatuses.Complete, done.ToJsonString());

        var run = await ReportRunAsync(id, 1);
        Assert.Equal("household", (string?)run["provenance"]!["report_type"]);
        var result = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts/{(string)run["run_id"]!}/files/result.json"))!.AsObject();
        Assert.Equal([s1.ToString(CultureInfo.InvariantCulture), s2.ToString(CultureInfo.InvariantCulture)], result.Select(p => p.Key));
        var before = await ReportRowsAsync();
        await RunsFixture.ReplayIdenticalAsync(Analyst, (string)run["run_id"]!);
        Assert.Equal(before, await ReportRowsAsync());

        var rerun = await Analyst.PostAsync($"/us/report/{id}/rerun", null);
        Assert.True(rerun.IsSuccessStatusCode, await rerun.Content.ReadAsStringAsync());
        await ReportsFixture.WaitReportAsync(Analyst, id);
        var runs = await ReportRunsAsync(id, 2);
        Assert.Equal(2, runs.Select(r => (string?)r["job_id"]).Distinct().Count());
        Assert.Single(runs.Select(r => (string?)r["result_sha256"]).Distinct());
    }

    [Fact]
    public async Task The_source_and_kind_filters_return_only_report_runs()
    {
        var baseline = await ReportsFixture.PolicyAsync(Analyst, new { });
        var s1 = await ReportsFixture.SimulationAsync(Analyst, "state/TX", "geography", baseline);
        var id = (long)(await ReportsFixture.ReportAsync(Analyst, new { simulation_1_id = s1, year = "2024" }))["id"]!;
        await ReportsFixture.WaitReportAsync(Analyst, id);
        await ReportRunAsync(id, 1);
        foreach (var filter in new[] { "source=report", "kind=report" })
        {
            var runs = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts?{filter}&limit=1000"))!["runs"]!.AsArray();
            Assert.NotEmpty(runs);
            Assert.All(runs, r => Assert.Equal("report", (string?)r!["source"]));
            Assert.All(runs, r => Assert.Equal("report", (string?)r!["kind"]));
        }
    }

    /// <summary>The report's registry rows (found by its title), once <paramref name="count"/> exist and are complete.</summary>
    private Task<List<JsonObject>> ReportRunsAsync(long reportId, int count) =>
        Poll.UntilAsync(async () =>
        {
            var search = Uri.EscapeDataString($"report #{reportId} (");
            var runs = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts?source=report&search={search}"))!["runs"]!.AsArray()
                .Select(r => r!.AsObject()).Where(r => r["replay_of"] is null).ToList();
            return runs.Count == count && runs.All(r => (string?)r["status"] == "complete") ? runs : null;
        }, TimeSpan.FromSeconds(90), $"{count} complete registry rows of report #{reportId}");

    private async Task<JsonObject> ReportRunAsync(long reportId, int count)
    {
        var row = (await ReportRunsAsync(reportId, count))[0];
        var run = JsonNode.Parse(await Analyst.GetStringAsync($"/v1/artifacts/{(string)row["run_id"]!}"))!.AsObject();
        Assert.Equal("report", (string?)run["kind"]);
        Assert.Equal("report", (string?)run["source"]);
        Assert.Equal(reportId, (long)run["provenance"]!["report_id"]!);
        Assert.NotNull(run["result_sha256"]);
        Assert.Contains("request.json", run["files"]!.AsArray().Select(f => (string?)f));
        return run;
    }

    /// <summary>Reports, their simulations and the economy cache, serialized: equal means a replay touched none of them.</summary>
    private Task<string> ReportRowsAsync() => portal.DbAsync(async db => System.Text.Json.JsonSerializer.Serialize(new
    {
        reports = await db.ReportOutputs.AsNoTracking().OrderBy(r => r.Id).ToListAsync(),
        simulations = await db.ReportSimulations.AsNoTracking().OrderBy(s => s.Id).ToListAsync(),
        impacts = await db.ReformImpacts.AsNoTracking().OrderBy(r => r.ReformImpactId).ToListAsync(),
    }));
}
