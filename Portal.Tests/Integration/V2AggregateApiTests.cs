using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.V2;

namespace Portal.Tests.Integration;

/// <summary>
/// /api/v2/aggregates and /api/v2/change-aggregates: every result is checked against the same
/// statistic computed here, from a fresh simulation, with plain loops.
/// </summary>
public sealed class V2AggregateApiTests(V2Fixture app) : IClassFixture<V2Fixture>
{
    private static readonly Dictionary<string, object> BiggerDeduction = new()
    {
        ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 30000 },
        ["gov.irs.deductions.standard.JOINT"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 60000 },
        ["gov.irs.deductions.standard.HEAD_OF_HOUSEHOLD"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 45000 },
    };

    [Fact]
    public async Task Aggregates_are_weighted_filtered_by_value_and_quantile_and_match_an_independent_computation()
    {
        var simulation = await app.CompletedSimulationAsync(null);
        var id = (string)simulation["id"]!;
        var (status, body) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new object[]
        {
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "sum" },
            new { simulation_id = id, variable = "employment_income", aggregate_type = "mean", entity = "person", filters = new object[] { new { variable = "age", geq = 18, leq = 64 } } },
            new { simulation_id = id, variable = "age", aggregate_type = "count", filters = new object[] { new { variable = "age", geq = 65 } } },
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "median" },
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "sum", quantile = new { variable = "household_market_income", n = 10, eq = 10 } },
            new { simulation_id = id, variable = "filing_status", aggregate_type = "count", filters = new object[] { new { variable = "filing_status", eq = "JOINT" } } },
            new { simulation_id = id, variable = "employment_income", aggregate_type = "sum", entity = "household" },
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "mean", entity = "person", filters = new object[] { new { variable = "state_code", eq = "CA" } } },
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "mean", quantile = new { variable = "household_net_income", n = 5, leq = 2 } },
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var results = body.AsArray().Select(a => a!).ToList();
        Assert.Equal(9, results.Count);

        var sim = await app.IndependentAsync(null);
        var household = sim.Calculate("household_weight");
        var person = sim.Calculate("person_weight");
        var age = sim.Calculate("age");
        var net = sim.Calculate("household_net_income");
        var employment = sim.Calculate("employment_income");
        var personHousehold = sim.Population.Map("person", "household");

        Assert.Equal(Enumerable.Range(0, net.Length).Sum(i => net[i] * household[i]), Result(results[0]), 6);
        var adults = Enumerable.Range(0, age.Length).Where(i => age[i] >= 18 && age[i] <= 64).ToList();
        Assert.Equal(adults.Sum(i => employment[i] * person[i]) / adults.Sum(i => person[i]), Result(results[1]), 6);
        Assert.Equal(adults.Count, (int)results[1]["sample_size"]!);
        var seniors = Enumerable.Range(0, age.Length).Where(i => age[i] >= 65).ToList();
        Assert.Equal(seniors.Sum(i => person[i]), Result(results[2]), 6);
        Assert.Equal(seniors.Count, (int)results[2]["sample_size"]!);
        Assert.Equal(InterpolatedMedian(net, household), Result(results[3]), 6);

        // Top decile of market income: households whose weight strictly below them is at least 90%.
        var market = sim.Calculate("household_market_income");
        var total = household.Sum();
        var top = Enumerable.Range(0, market.Length).Where(i => Enumerable.Range(0, market.Length).Where(j => market[j] < market[i]).Sum(j => household[j]) >= 0.9 * total - 1e-6).ToList();
        Assert.Equal(top.Sum(i => net[i] * household[i]), Result(results[4]), 6);
        Assert.Equal(top.Count, (int)results[4]["sample_size"]!);
        Assert.InRange(top.Sum(i => household[i]) / total, 0.05, 0.15);

        var filing = sim.Calculate("filing_status");
        var taxUnitWeight = sim.Calculate("tax_unit_weight");
        var joint = sim.Model.FindVariable("filing_status")!.EnumIndex("JOINT");
        Assert.Equal(Enumerable.Range(0, filing.Length).Where(i => filing[i] == joint).Sum(i => taxUnitWeight[i]), Result(results[5]), 6);
        Assert.Equal("tax_unit", (string)results[5]["entity"]!);

        // Person income added up per household, weighted by household weights.
        var perHousehold = new double[net.Length];
        for (var p = 0; p < employment.Length; p++)
        {
            perHousehold[personHousehold[p]] += employment[p];
        }

        Assert.Equal(Enumerable.Range(0, net.Length).Sum(i => perHousehold[i] * household[i]), Result(results[6]), 6);

        // Household values handed down to each member, kept for Californians, weighted by person weights.
        var ca = sim.Model.FindVariable("state_code")!.EnumIndex("CA");
        var state = sim.Calculate("state_code");
        var californians = Enumerable.Range(0, age.Length).Where(p => state[personHousehold[p]] == ca).ToList();
        Assert.NotEmpty(californians);
        Assert.Equal(californians.Sum(p => net[personHousehold[p]] * person[p]) / californians.Sum(p => person[p]), Result(results[7]), 6);

        var bottom = Enumerable.Range(0, net.Length).Where(i => Enumerable.Range(0, net.Length).Where(j => net[j] < net[i]).Sum(j => household[j]) < 0.4 * total - 1e-6).ToList();
        Assert.Equal(bottom.Sum(i => net[i] * household[i]) / bottom.Sum(i => household[i]), Result(results[8]), 6);

        // Stored: readable one by one and by simulation.
        var one = await V2Fixture.GetAsync(app.Reviewer, $"/api/v2/aggregates/{(string)results[4]["id"]!}");
        Assert.Equal(Result(results[4]), Result(one));
        Assert.Equal(10, (int)one["quantile"]!["n"]!);
        var list = await V2Fixture.GetAsync(app.Reviewer, $"/api/v2/aggregates?simulation_id={id}&page_size=100");
        Assert.True((int)list["total_count"]! >= 9);

        // A single object in, a single object out.
        var (single, only) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new { simulation_id = id, variable = "income_tax", aggregate_type = "sum" });
        Assert.Equal(HttpStatusCode.Created, single);
        Assert.Equal(sim.Sum("income_tax"), Result(only), 6);
    }

    [Fact]
    public async Task Change_aggregates_compare_reform_with_baseline_row_by_row()
    {
        var policyId = await app.CreatePolicyAsync(BiggerDeduction, "Bigger deduction");
        var baselineId = (string)(await app.CompletedSimulationAsync(null))["id"]!;
        var reformId = (string)(await app.CompletedSimulationAsync(policyId))["id"]!;
        var (status, body) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/change-aggregates", new object[]
        {
            new { baseline_simulation_id = baselineId, reform_simulation_id = reformId, variable = "household_net_income", aggregate_type = "sum" },
            new { baseline_simulation_id = baselineId, reform_simulation_id = reformId, variable = "household_net_income", aggregate_type = "count", change_geq = 1.0 },
            new { baseline_simulation_id = baselineId, reform_simulation_id = reformId, variable = "household_net_income", aggregate_type = "median", change_geq = 0.01 },
            new { baseline_simulation_id = baselineId, reform_simulation_id = reformId, variable = "income_tax", aggregate_type = "mean", filters = new object[] { new { variable = "filing_status", eq = "SINGLE" } } },
            new { baseline_simulation_id = baselineId, reform_simulation_id = reformId, variable = "household_net_income", aggregate_type = "sum", quantile = new { variable = "household_net_income", n = 10, geq = 6 }, change_leq = 1000.0 },
        });
        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        var results = body.AsArray().Select(a => a!).ToList();

        var baseline = await app.IndependentAsync(null);
        var reform = await app.IndependentAsync(policyId);
        var weight = baseline.Calculate("household_weight");
        var before = baseline.Calculate("household_net_income");
        var after = reform.Calculate("household_net_income");
        var change = before.Select((b, i) => after[i] - b).ToArray();
        var rows = Enumerable.Range(0, change.Length).ToList();
        Assert.True(change.Sum() > 0, "the bigger deduction raises net incomes");
        Assert.Equal(rows.Sum(i => change[i] * weight[i]), Result(results[0]), 6);
        var winners = rows.Where(i => change[i] >= 1).ToList();
        Assert.Equal(winners.Sum(i => weight[i]), Result(results[1]), 6);
        Assert.Equal(winners.Count, (int)results[1]["sample_size"]!);
        var gained = rows.Where(i => change[i] >= 0.01).ToList();
        Assert.Equal(InterpolatedMedian([.. gained.Select(i => change[i])], [.. gained.Select(i => weight[i])]), Result(results[2]), 6);

        var single = baseline.Model.FindVariable("filing_status")!.EnumIndex("SINGLE");
        var filing = baseline.Calculate("filing_status");
        var taxWeight = baseline.Calculate("tax_unit_weight");
        var (taxBefore, taxAfter) = (baseline.Calculate("income_tax"), reform.Calculate("income_tax"));
        var singles = Enumerable.Range(0, filing.Length).Where(i => filing[i] == single).ToList();
        Assert.Equal(singles.Sum(i => (taxAfter[i] - taxBefore[i]) * taxWeight[i]) / singles.Sum(i => taxWeight[i]), Result(results[3]), 6);
        Assert.True(Result(results[3]) < 0);

        var total = weight.Sum();
        var upper = rows.Where(i => rows.Where(j => before[j] < before[i]).Sum(j => weight[j]) >= 0.5 * total - 1e-6 && change[i] <= 1000).ToList();
        Assert.Equal(upper.Sum(i => change[i] * weight[i]), Result(results[4]), 6);

        var stored = await V2Fixture.GetAsync(app.Reviewer, $"/api/v2/change-aggregates?simulation_id={reformId}&page_size=100");
        Assert.True((int)stored["total_count"]! >= 5);
        var one = await V2Fixture.GetAsync(app.Reviewer, $"/api/v2/change-aggregates/{(string)results[1]["id"]!}");
        Assert.Equal(1.0, (double)one["change_geq"]!);

        // Different periods do not cover comparable rows.
        var otherYear = (string)(await app.CompletedSimulationAsync(policyId, 2024))["id"]!;
        var (mismatch, problem) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/change-aggregates",
            new { baseline_simulation_id = baselineId, reform_simulation_id = otherYear, variable = "household_net_income", aggregate_type = "sum" });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Contains("must share bundle, time period and region", V2Fixture.Text(problem["errors"]!["reform_simulation_id"]!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregate_errors_are_problem_details_and_store_nothing()
    {
        var id = (string)(await app.CompletedSimulationAsync(null))["id"]!;
        async Task<int> CountAsync() => await app.WithDbAsync(db => db.AggregateOutputs.CountAsync());
        var before = await CountAsync();

        var (status, problem) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new object[]
        {
            new { simulation_id = id, variable = "household_net_income", aggregate_type = "sum" },
            new { simulation_id = id, variable = "household_net_incme", aggregate_type = "sum" },
            new { simulation_id = id, variable = "income_tax", aggregate_type = "avg", entity = "houshold" },
            new { simulation_id = id, variable = "filing_status", aggregate_type = "sum" },
            new { simulation_id = id, variable = "age", aggregate_type = "count", filters = new object[] { new { variable = "state_code", geq = 3 }, new { variable = "age" } } },
            new { simulation_id = id, variable = "age", aggregate_type = "count", quantile = new { variable = "age", n = 10, eq = 11 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem["errors"]!.AsObject();
        Assert.Contains("close matches: household_net_income", V2Fixture.Text(errors["[1].variable"]!), StringComparison.Ordinal);
        Assert.Contains("sum, mean, count, median", V2Fixture.Text(errors["[2].aggregate_type"]!), StringComparison.Ordinal);
        Assert.Contains("close matches: household", V2Fixture.Text(errors["[2].entity"]!), StringComparison.Ordinal);
        Assert.Contains("only count applies", V2Fixture.Text(errors["[3].aggregate_type"]!), StringComparison.Ordinal);
        Assert.True(errors.ContainsKey("[4].filters[0].variable"));
        Assert.True(errors.ContainsKey("[4].filters[1]"));
        Assert.True(errors.ContainsKey("[5].quantile.eq"));
        Assert.Equal(before, await CountAsync());

        var tooMany = Enumerable.Repeat<object>(new { simulation_id = id, variable = "age", aggregate_type = "count" }, 101).ToArray();
        Assert.Equal(HttpStatusCode.BadRequest, (await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", tooMany)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new { simulation_id = id, variable = "age", aggregate_type = "count", bogus = 1 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new { simulation_id = "sim_00000000000000000000000000", variable = "age", aggregate_type = "count" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Reviewer.PostAsJsonAsync("/api/v2/aggregates", new { simulation_id = id, variable = "age", aggregate_type = "count" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Reviewer.GetAsync("/api/v2/aggregates/agg_00000000000000000000000000")).StatusCode);
        Assert.Equal(before, await CountAsync());

        // Not completed: 409 naming the status (rows written directly: a queued job would run at once).
        foreach (var (jobStatus, v2Status) in new[] { (SimulationJobStatuses.Submitted, "pending"), (SimulationJobStatuses.Failed, "failed") })
        {
            var pending = await InsertJobAsync(jobStatus);
            var (conflict, details) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/aggregates", new { simulation_id = pending, variable = "age", aggregate_type = "count" });
            Assert.Equal(HttpStatusCode.Conflict, conflict);
            Assert.Equal(v2Status, (string)details["simulation_status"]!);
            Assert.Equal(pending, (string)details["simulation_id"]!);
            var (changeConflict, _) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/change-aggregates",
                new { baseline_simulation_id = id, reform_simulation_id = pending, variable = "age", aggregate_type = "count" });
            Assert.Equal(HttpStatusCode.Conflict, changeConflict);
        }
    }

    private async Task<string> InsertJobAsync(string status)
    {
        var inputs = new V2SimulationInputs(null, null, "[]", V2Fixture.Period, "us", "latest", "latest", 1);
        var job = new SimulationJob
        {
            JobId = Portal.Core.Common.PublicIds.New("sim"),
            Kind = SimulationJobKinds.Simulation,
            Country = "us",
            BundleId = app.Bundle.BundleId,
            RequestJson = inputs.ToJson(),
            Status = status,
            Error = status == SimulationJobStatuses.Failed ? "it broke" : null,
            RunId = "run_test",
            SubmittedBy = "test",
            SubmittedUtc = DateTime.UtcNow,
        };
        await app.WithDbAsync(async db =>
        {
            db.SimulationJobs.Add(job);
            return await db.SaveChangesAsync();
        });
        return job.JobId;
    }

    private static double Result(JsonNode aggregate) => (double)aggregate["result"]!;

    /// <summary>numpy's interp at 0.5 over cumulative-weight midpoints (microdf's weighted median), written out here.</summary>
    private static double InterpolatedMedian(double[] values, double[] weights)
    {
        var pairs = values.Zip(weights).Where(p => p.Second > 0).OrderBy(p => p.First).ToArray();
        var total = pairs.Sum(p => p.Second);
        var xs = new double[pairs.Length];
        var running = 0.0;
        for (var i = 0; i < pairs.Length; i++)
        {
            xs[i] = (running + (pairs[i].Second / 2)) / total;
            running += pairs[i].Second;
        }

        if (0.5 <= xs[0])
        {
            return pairs[0].First;
        }

        var k = Array.FindIndex(xs, x => x >= 0.5);
        return pairs[k - 1].First + ((pairs[k].First - pairs[k - 1].First) * (0.5 - xs[k - 1]) / (xs[k] - xs[k - 1]));
    }
}
