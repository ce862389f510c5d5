using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>/api/v2/policies and /api/v2/simulations over real SQLite, Quartz and a generated bundle.</summary>
public sealed class V2PolicySimulationApiTests(V2Fixture app) : IClassFixture<V2Fixture>
{
    [Fact]
    public async Task Policies_are_deduplicated_by_canonical_hash()
    {
        var (created, first) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new
        {
            country = "us",
            name = "Bigger standard deduction",
            description = "Single and joint",
            parameters = new Dictionary<string, object>
            {
                ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 20000 },
                ["gov.irs.deductions.standard.JOINT"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 40000 },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = (string)first["id"]!;
        Assert.StartsWith("pol_", id, StringComparison.Ordinal);
        Assert.Equal(2, (int)first["change_count"]!);
        Assert.NotNull(first["created_at"]);
        Assert.NotNull(first["updated_at"]);

        // Same changes in list form, other spelling and order, another name: the same policy.
        var (again, same) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new
        {
            country = "us",
            name = "Someone else's name",
            parameters = new object[]
            {
                new { path = "GOV.IRS.deductions.standard.joint", start = "2025-01-01", stop = "2025-12-31", value = 40000.0 },
                new { path = "gov.irs.deductions.standard.SINGLE", start = "2025-01-01", stop = "2025-12-31", value = 20000 },
            },
        });
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, (string)same["id"]!);
        Assert.Equal("Bigger standard deduction", (string)same["name"]!);
        Assert.Equal(first["policy_hash"]!.ToJsonString(), same["policy_hash"]!.ToJsonString());

        // A different value is a different policy.
        var (other, different) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new
        {
            country = "us",
            name = "Slightly bigger",
            parameters = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 20001 } },
        });
        Assert.Equal(HttpStatusCode.Created, other);
        Assert.NotEqual(id, (string)different["id"]!);

        var read = await V2Fixture.GetAsync(app.Reviewer, $"/api/v2/policies/{id}");
        Assert.Equal(40000, (double)read["parameters"]!["gov.irs.deductions.standard.JOINT"]!["2025-01-01.2025-12-31"]!);
        var list = await V2Fixture.GetAsync(app.Reviewer, "/api/v2/policies?country=us&page_size=100");
        Assert.Contains(list["items"]!.AsArray(), p => (string)p!["id"]! == id);
        Assert.All((await V2Fixture.GetAsync(app.Reviewer, "/api/v2/policies?country=uk"))["items"]!.AsArray(), p => Assert.Equal("uk", (string)p!["country"]!));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_policy_converge_on_one_row()
    {
        var body = new
        {
            country = "us",
            name = "Raced",
            parameters = new Dictionary<string, object> { ["gov.irs.deductions.standard.SEPARATE"] = new Dictionary<string, double> { ["2025-01-01"] = 17777 } },
        };
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", body)));
        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.OK, r.Body.ToJsonString()));
        Assert.Single(responses.Select(r => (string)r.Body["id"]!).Distinct());
    }

    [Fact]
    public async Task Policy_errors_are_problem_details_with_the_offending_path()
    {
        var (unknown, problem) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new
        {
            country = "us",
            name = "Typo",
            parameters = new Dictionary<string, object> { ["gov.irs.deductions.standrd.SINGLE"] = new Dictionary<string, double> { ["2025-01-01"] = 1 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        var errors = problem["errors"]!.AsObject();
        var (field, messages) = errors.Single();
        Assert.Equal("parameters['gov.irs.deductions.standrd.SINGLE']", field);
        Assert.Contains("did you mean 'standard'", V2Fixture.Text(messages!), StringComparison.Ordinal);

        var (missing, invalid) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new { country = "fr", name = "" });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(["country", "name", "parameters"], invalid["errors"]!.AsObject().Select(e => e.Key));

        var (unknownField, _) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new { country = "us", name = "x", parameters = new { }, id = "pol_x" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownField);

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Reviewer.PostAsJsonAsync("/api/v2/policies", new { country = "us", name = "x", parameters = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ApiClient().GetAsync("/api/v2/policies")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Analyst.GetAsync("/api/v2/policies/pol_00000000000000000000000000")).StatusCode);
    }

    [Fact]
    public async Task A_simulation_is_queued_once_runs_on_the_resolved_bundle_and_stores_its_summary()
    {
        var policyId = await app.CreatePolicyAsync(new Dictionary<string, object>
        {
            ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2025-01-01.2025-12-31"] = 25000 },
        }, "Lifecycle");
        var (status, submitted) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/simulations", new { country = "us", policy_id = policyId, time_period = V2Fixture.Period });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = (string)submitted["id"]!;
        Assert.StartsWith("sim_", id, StringComparison.Ordinal);
        Assert.Contains((string)submitted["status"]!, new[] { "pending", "running", "completed" });
        Assert.Equal(app.Bundle.BundleId, (string)submitted["bundle"]!["bundle_id"]!);
        Assert.Equal("latest", (string)submitted["via_alias"]!);

        // The same computation named through the bundle's display id is the same simulation.
        var (again, same) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/simulations", new { country = "us", policy_id = policyId, bundle = app.Bundle.DisplayId, time_period = V2Fixture.Period });
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, (string)same["id"]!);

        var done = await app.WaitAsync(id);
        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(1.0, (double)done["progress"]!);
        var result = done["result"]!;
        var independent = await app.IndependentAsync(policyId);
        Assert.Equal(independent.Sum("household_net_income"), (double)result["totals"]!["household_net_income"]!, 6);
        Assert.Equal(independent.Sum("income_tax"), (double)result["totals"]!["income_tax"]!, 6);
        Assert.Equal(300, (int)result["household_count"]!);
        Assert.Equal(independent.Calculate("household_weight").Sum(), (double)result["households"]!, 6);
        Assert.Equal(policyId, (string)result["policy_id"]!);

        // Current law is another computation, with a lower net income for nobody and a different tax.
        var baseline = await app.CompletedSimulationAsync(null);
        Assert.NotEqual(id, (string)baseline["id"]!);
        Assert.True((double)baseline["result"]!["totals"]!["income_tax"]! > (double)result["totals"]!["income_tax"]!);

        var completed = await V2Fixture.GetAsync(app.Reviewer, "/api/v2/simulations?country=us&status=completed&page_size=100");
        Assert.Contains(completed["items"]!.AsArray(), s => (string)s!["id"]! == id);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Reviewer.GetAsync("/api/v2/simulations?status=done")).StatusCode);
    }

    [Fact]
    public async Task A_regional_simulation_covers_only_the_regions_rows()
    {
        var (status, submitted) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/simulations", new { country = "us", region = "STATE/ca", time_period = V2Fixture.Period });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("state/CA", (string)submitted["region"]!);
        var done = await app.WaitAsync((string)submitted["id"]!);
        Assert.Equal("completed", (string)done["status"]!);

        var all = await app.IndependentAsync(null);
        var ca = all.Model.FindVariable("state_code")!.EnumIndex("CA");
        var state = all.Calculate("state_code");
        var (net, weight) = (all.Calculate("household_net_income"), all.Calculate("household_weight"));
        var rows = Enumerable.Range(0, state.Length).Where(h => state[h] == ca).ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, (int)done["result"]!["household_count"]!);
        Assert.Equal(rows.Sum(h => net[h] * weight[h]), (double)done["result"]!["totals"]!["household_net_income"]!, 6);
    }

    [Fact]
    public async Task The_v2_resources_are_in_the_OpenAPI_document()
    {
        var paths = (await V2Fixture.GetAsync(app.Reviewer, "/openapi/v1.json"))["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v2/policies", "/api/v2/policies/{id}", "/api/v2/simulations", "/api/v2/simulations/{id}",
                     "/api/v2/aggregates", "/api/v2/aggregates/{id}", "/api/v2/change-aggregates", "/api/v2/change-aggregates/{id}" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task Simulation_errors_are_caught_before_queueing()
    {
        var ukPolicy = (string)(await V2Fixture.PostAsync(app.Analyst, "/api/v2/policies", new { country = "uk", name = "UK current law", parameters = new { } })).Body["id"]!;
        var cases = new (object Body, string Field, string Says)[]
        {
            (new { country = "us", bundle = "stable" }, "bundle", "Aliases: latest"),
            (new { country = "us", bundle = app.Uncertified.DisplayId }, "bundle", "not certified"),
            (new { country = "us", policy_id = "pol_00000000000000000000000000" }, "policy_id", "No policy"),
            (new { country = "us", policy_id = ukPolicy }, "policy_id", "uk policy"),
            (new { country = "us", time_period = 1800 }, "time_period", "between 2000 and 2100"),
            (new { country = "us", region = "state/XX" }, "region", "Unknown state 'XX'"),
            (new { country = "fr" }, "country", "us"),
        };
        foreach (var (body, field, says) in cases)
        {
            var (status, problem) = await V2Fixture.PostAsync(app.Analyst, "/api/v2/simulations", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(says, V2Fixture.Text(problem["errors"]![field]!), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Reviewer.PostAsJsonAsync("/api/v2/simulations", new { country = "us" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Reviewer.GetAsync("/api/v2/simulations/sim_00000000000000000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Reviewer.GetAsync("/api/v2/simulations/job_00000000000000000000000000")).StatusCode);
    }
}
