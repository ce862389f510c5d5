using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The legacy report API over HTTP: reuse of every create, roles, computation through the real report job, the economy cache endpoint.</summary>
public sealed class ReportsApiTests(ReportsFixture portal) : IClassFixture<ReportsFixture>
{
    private static Dictionary<string, object> Reform(double value) =>
        new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = value } };

    private static JsonObject Household(double wages) => new()
    {
        ["people"] = new JsonObject { ["you"] = new JsonObject { ["age"] = new JsonObject { ["2024"] = 40 }, ["employment_income"] = new JsonObject { ["2024"] = wages } } },
        ["tax_units"] = new JsonObject { ["tu"] = new JsonObject { ["members"] = new JsonArray("you") } },
        ["households"] = new JsonObject { ["hh"] = new JsonObject { ["members"] = new JsonArray("you"), ["state_code"] = new JsonObject { ["2024"] = "TX" }, ["household_net_income"] = new JsonObject { ["2024"] = null } } },
    };

    private HttpClient Analyst => portal.Owner.Client;

    [Fact]
    public async Task Every_create_reuses_the_existing_row()
    {
        var first = await Analyst.PostAsJsonAsync("/us/policy", new { data = Reform(14_000), label = "reuse" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var policy = (long)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["result"]!["policy_id"]!;
        var again = await Analyst.PostAsJsonAsync("/us/policy", new { data = Reform(14_000) });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var againBody = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal("Policy already exists", (string?)againBody["message"]);
        Assert.Equal(policy, (long)againBody["result"]!["policy_id"]!);
        // Another analyst with the same changes gets the same row.
        Assert.Equal(policy, await ReportsFixture.PolicyAsync(portal.OtherAnalyst.Client, Reform(14_000)));

        var household = await ReportsFixture.PostAsync(Analyst, "/us/household", new { data = Household(31_000) }, HttpStatusCode.Created);
        var householdAgain = await ReportsFixture.PostAsync(Analyst, "/us/household", new { data = Household(31_000) }, HttpStatusCode.OK);
        Assert.Equal((long)household["result"]!["household_id"]!, (long)householdAgain["result"]!["household_id"]!);

        var simulation = await ReportsFixture.PostAsync(Analyst, "/us/simulation", new { population_id = "state/ca", population_type = "geography", policy_id = policy }, HttpStatusCode.Created);
        Assert.Equal("state/CA", (string?)simulation["result"]!["population_id"]);
        var simulationAgain = await ReportsFixture.PostAsync(Analyst, "/us/simulation", new { population_id = "STATE/CA", population_type = "geography", policy_id = policy }, HttpStatusCode.OK);
        Assert.Equal((long)simulation["result"]!["id"]!, (long)simulationAgain["result"]!["id"]!);

        var baseline = await ReportsFixture.SimulationAsync(Analyst, "state/CA", "geography", await ReportsFixture.PolicyAsync(Analyst, new { }));
        var report = await ReportsFixture.PostAsync(Analyst, "/us/report", new { simulation_1_id = baseline, simulation_2_id = (long)simulation["result"]!["id"]!, year = "2024" }, HttpStatusCode.Created);
        var reportAgain = await ReportsFixture.PostAsync(Analyst, "/us/report", new { simulation_1_id = baseline, simulation_2_id = (long)simulation["result"]!["id"]!, year = 2024 }, HttpStatusCode.OK);
        Assert.Equal((long)report["result"]!["id"]!, (long)reportAgain["result"]!["id"]!);
        Assert.Equal(portal.Latest.BundleId, (string?)report["result"]!["bundle_id"]);
        Assert.Equal(ReportCacheVersion.For(portal.Latest.BundleId), (string?)report["result"]!["api_version"]);

        // Another dataset is another bundle, so another cache version and another report.
        var calibration = await ReportsFixture.PostAsync(Analyst, "/us/report", new { simulation_1_id = baseline, simulation_2_id = (long)simulation["result"]!["id"]!, year = "2024", dataset = "calibration" }, HttpStatusCode.Created);
        Assert.Equal(portal.Calibration.BundleId, (string?)calibration["result"]!["bundle_id"]);
        await ReportsFixture.WaitReportAsync(Analyst, (long)report["result"]!["id"]!);
        await ReportsFixture.WaitReportAsync(Analyst, (long)calibration["result"]!["id"]!);
    }

    [Fact]
    public async Task Bad_links_are_400s_naming_the_field()
    {
        var missing = await Analyst.PostAsJsonAsync("/us/simulation", new { population_id = "us", population_type = "geography", policy_id = 987654 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("987654", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var policy = await ReportsFixture.PolicyAsync(Analyst, new { });
        var geography = await ReportsFixture.SimulationAsync(Analyst, "us", "geography", policy);
        var householdId = (long)(await ReportsFixture.PostAsync(Analyst, "/us/household", new { data = Household(12_000) }))["result"]!["id"]!;
        var household = await ReportsFixture.SimulationAsync(Analyst, householdId.ToString(CultureInfo.InvariantCulture), "household", policy);
        var mixed = await Analyst.PostAsJsonAsync("/us/report", new { simulation_1_id = geography, simulation_2_id = household, year = "2024" });
        Assert.Equal(HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.Equal("application/problem+json", mixed.Content.Headers.ContentType?.MediaType);
        var unknownRegion = await Analyst.PostAsJsonAsync("/us/simulation", new { population_id = "state/ZZ", population_type = "geography", policy_id = policy });
        Assert.Equal(HttpStatusCode.BadRequest, unknownRegion.StatusCode);
    }

    [Fact]
    public async Task Roles_guard_every_route()
    {
        var anonymous = portal.ApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/us/policy", new { data = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/us/report/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/us/report/1/rerun", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/us/economy/1/over/1")).StatusCode);
        foreach (var path in new[] { "/us/policy", "/us/household", "/us/simulation", "/us/report" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.PostAsJsonAsync(path, new { })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.PostAsync("/us/report/1/rerun", null)).StatusCode);
        // Reading is open to any signed-in user: an unknown report is a 404, not a 403.
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Reviewer.GetAsync("/us/report/99999")).StatusCode);
        // The country segment only matches known countries, so other paths are never shadowed.
        var other = await Analyst.PostAsJsonAsync("/xx/policy", new { data = new { } });
        Assert.False(other.IsSuccessStatusCode);
        Assert.DoesNotContain("policy_id", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_economy_report_is_computed_by_the_report_job_and_fills_the_economy_cache()
    {
        var baseline = await ReportsFixture.PolicyAsync(Analyst, new { });
        var reform = await ReportsFixture.PolicyAsync(Analyst, Reform(25_000));
        var s1 = await ReportsFixture.SimulationAsync(Analyst, "us", "geography", baseline);
        var s2 = await ReportsFixture.SimulationAsync(Analyst, "us", "geography", reform);
        var created = await ReportsFixture.ReportAsync(Analyst, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024" });
        Assert.Equal("economy", (string?)created["report_type"]);
        Assert.Equal(ReportStatuses.Pending, (string?)created["status"]);

        var done = await ReportsFixture.WaitReportAsync(Analyst, (long)created["id"]!);
        Assert.True((string?)done["status"] == ReportStatuses.Complete, done.ToJsonString());
        var output = done["output"]!.AsObject();
        foreach (var section in new[] { "budget", "decile", "intra_decile", "poverty", "inequality", "policyengine_bundle" })
        {
            Assert.True(output.ContainsKey(section), $"output lacks {section}");
        }

        Assert.NotEqual(0.0, (double)output["budget"]!["budgetary_impact"]!);
        Assert.Equal(portal.Latest.BundleId, (string?)output["policyengine_bundle"]!["bundle_id"]);

        // The report's simulations are complete, and the cache row was written with the cache's key.
        var (simulations, row) = await portal.DbAsync(async db => (
            await db.ReportSimulations.AsNoTracking().Where(s => s.Id == s1 || s.Id == s2).ToListAsync(),
            await db.ReformImpacts.AsNoTracking().SingleAsync(r => r.BaselinePolicyId == baseline && r.ReformPolicyId == reform && r.TimePeriod == "2024")));
        Assert.All(simulations, s => Assert.Equal(ReportStatuses.Complete, s.Status));
        Assert.Equal(ReformImpactStatuses.Ok, row.Status);
        Assert.Equal("national", row.Dataset);
        Assert.Equal("us", row.Region);

        // The legacy economy endpoint answers the same key from that row at once.
        var economy = JsonNode.Parse(await Analyst.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=us&time_period=2024"))!;
        Assert.Equal("ok", (string?)economy["status"]);
        Assert.Equal((double)output["budget"]!["budgetary_impact"]!, (double)economy["result"]!["budget"]!["budgetary_impact"]!);

        // The detail for the page: both simulations, policies, bundle, the finished job.
        var detail = JsonNode.Parse(await Analyst.GetStringAsync($"/api/v2/reports/us/{(long)created["id"]!}"))!;
        Assert.Equal(reform, (long)detail["reform_policy"]!["id"]!);
        Assert.Equal(portal.Latest.DisplayId, (string?)detail["bundle"]!["display_id"]);
        Assert.Equal(SimulationJobStatuses.Complete, (string?)detail["job"]!["status"]);
        var list = JsonNode.Parse(await Analyst.GetStringAsync("/api/v2/reports?country=us&type=economy&owner=me&year=2024"))!;
        Assert.Contains(list["items"]!.AsArray(), i => (long)i!["id"]! == (long)created["id"]!);
    }

    [Fact]
    public async Task The_economy_endpoint_computes_through_the_gateway_and_never_serves_an_error_row_as_success()
    {
        var baseline = await ReportsFixture.PolicyAsync(Analyst, new { });
        var reform = await ReportsFixture.PolicyAsync(Analyst, Reform(18_500));
        var first = JsonNode.Parse(await Analyst.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/TX&time_period=2024"))!;
        // The first answer starts the computation; on this tiny population the job can already have
        // finished by the time the answer is written, so "ok" is as right as "computing".
        Assert.Contains((string?)first["status"], new[] { "computing", "ok" });
        var ok = await Poll.UntilAsync(async () =>
        {
            var body = JsonNode.Parse(await Analyst.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/tx&time_period=2024"))!;
            return (string?)body["status"] == "computing" ? null : body;
        }, TimeSpan.FromSeconds(90), "the economy comparison");
        Assert.True((string?)ok["status"] == "ok", ok.ToJsonString());
        Assert.NotNull(ok["result"]!["decile"]);

        // A reviewer may read the cached row but not start a computation.
        Assert.Equal("ok", (string?)JsonNode.Parse(await portal.Reviewer.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/TX&time_period=2024"))!["status"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.GetAsync($"/us/economy/{reform}/over/{baseline}?region=state/TX&time_period=2025")).StatusCode);

        // An error row for a key is an error, every time (the legacy API served it as ok with {}).
        var key = ReformImpactKey.Build("us", reform, baseline, "state/NY", "2024", portal.Latest, EconomyTargets.General);
        await portal.DbAsync(async db =>
        {
            var row = key.NewRow("job_failed", DateTime.UtcNow);
            row.Status = ReformImpactStatuses.Error;
            row.Message = "worker ran out of memory";
            db.ReformImpacts.Add(row);
            return await db.SaveChangesAsync();
        });
        for (var i = 0; i < 2; i++)
        {
            var error = JsonNode.Parse(await Analyst.GetStringAsync($"/us/economy/{reform}/over/{baseline}?region=state/NY&time_period=2024"))!;
            Assert.Equal("error", (string?)error["status"]);
            Assert.Equal("worker ran out of memory", (string?)error["message"]);
            Assert.Null(error["result"]);
        }
    }

    [Fact]
    public async Task A_household_report_is_computed_with_the_household_calculator()
    {
        var householdId = (long)(await ReportsFixture.PostAsync(Analyst, "/us/household", new { data = Household(40_000), label = "single earner" }))["result"]!["id"]!;
        var baseline = await ReportsFixture.PolicyAsync(Analyst, new { });
        var reform = await ReportsFixture.PolicyAsync(Analyst, Reform(30_000));
        var population = householdId.ToString(CultureInfo.InvariantCulture);
        var s1 = await ReportsFixture.SimulationAsync(Analyst, population, "household", baseline);
        var s2 = await ReportsFixture.SimulationAsync(Analyst, population, "household", reform);
        var created = await ReportsFixture.ReportAsync(Analyst, new { simulation_1_id = s1, simulation_2_id = s2, year = "2024" });
        Assert.Equal("household", (string?)created["report_type"]);
        var done = await ReportsFixture.WaitReportAsync(Analyst, (long)created["id"]!);
        Assert.True((string?)done["status"] == ReportStatuses.Complete, done.ToJsonString());
        var net1 = (double)done["output"]![s1.ToString(CultureInfo.InvariantCulture)]!["households"]!["hh"]!["household_net_income"]!["2024"]!;
        var net2 = (double)done["output"]![s2.ToString(CultureInfo.InvariantCulture)]!["households"]!["hh"]!["household_net_income"]!["2024"]!;
        Assert.True(net2 > net1, $"a larger standard deduction raises net income ({net1} → {net2})");
        var simulation = await portal.DbAsync(db => db.ReportSimulations.AsNoTracking().SingleAsync(s => s.Id == s2));
        Assert.Equal(ReportStatuses.Complete, simulation.Status);
        Assert.NotNull(simulation.Output);
        Assert.Equal(portal.Latest.BundleId, simulation.BundleId);
    }
}
