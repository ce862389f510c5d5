using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Engine;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// <c>POST /{country}/calculate</c> and the metadata routes over HTTP, against the shipped US and UK
/// packages. Expected figures come from the official sources the package tests cite.
/// </summary>
public sealed class CalculatorApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static JsonObject UsSingle(double wages, int period = 2024) => new()
    {
        ["people"] = new JsonObject { ["you"] = new JsonObject { ["age"] = new JsonObject { [$"{period}"] = 40 }, ["employment_income"] = new JsonObject { [$"{period}"] = wages } } },
        ["tax_units"] = new JsonObject { ["tu"] = new JsonObject { ["members"] = new JsonArray("you"), ["income_tax_before_credits"] = new JsonObject { [$"{period}"] = null } } },
        ["households"] = new JsonObject { ["hh"] = new JsonObject { ["members"] = new JsonArray("you"), ["state_code"] = new JsonObject { [$"{period}"] = "TX" }, ["household_net_income"] = new JsonObject { [$"{period}"] = null } } },
    };

    private static double TaxBeforeCredits(JsonElement body, int period = 2024) =>
        body.GetProperty("result").GetProperty("tax_units").GetProperty("tu").GetProperty("income_tax_before_credits").GetProperty($"{period}").GetDouble();

    private ModelCatalog Catalog => factory.Services.GetRequiredService<ModelCatalog>();

    [Fact]
    public async Task A_us_household_comes_back_with_computed_values_and_the_release_used()
    {
        var client = await factory.ApiClientForNewUserAsync("Reviewer");

        var response = await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(50_000) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("message").ValueKind);
        Assert.Equal(4016, TaxBeforeCredits(body), 0); // IRS 2024 Tax Table, single, $50,000 wages
        Assert.True(body.GetProperty("result").GetProperty("households").GetProperty("hh").GetProperty("household_net_income").GetProperty("2024").GetDouble() > 30_000);
        var latest = Catalog.Find("us")!;
        Assert.Equal("us", body.GetProperty("model").GetProperty("country").GetString());
        Assert.Equal(latest.Version, body.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(latest.Sha256, body.GetProperty("model").GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task A_uk_household_gets_income_tax_and_national_insurance()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var household = JsonNode.Parse("""
            {"people": {"you": {"age": {"2024": 35}, "employment_income": {"2024": 30000}, "income_tax": {"2024": null}, "national_insurance": {"2024": null}}},
             "benunits": {"bu": {"members": ["you"]}},
             "households": {"hh": {"members": ["you"], "household_net_income": {"2024": null}}}}
            """)!;

        var body = await (await client.PostAsJsonAsync("/uk/calculate", new { household })).Content.ReadFromJsonAsync<JsonElement>();

        var you = body.GetProperty("result").GetProperty("people").GetProperty("you");
        // HMRC 2024-25: 20% over the £12,570 personal allowance; NI 8% over £12,570.
        Assert.Equal(3486, you.GetProperty("income_tax").GetProperty("2024").GetDouble(), 0);
        Assert.Equal(1394.4, you.GetProperty("national_insurance").GetProperty("2024").GetDouble(), 0);
        Assert.Equal("uk", body.GetProperty("model").GetProperty("country").GetString());
    }

    [Fact]
    public async Task An_unknown_variable_is_a_400_naming_its_json_path()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var household = UsSingle(50_000);
        household["people"]!["you"]!["not_a_variable"] = new JsonObject { ["2024"] = 1 };

        var response = await client.PostAsJsonAsync("/us/calculate", new { household });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var path = problem.GetProperty("path").GetString()!;
        Assert.StartsWith("$.household.people.you", path, StringComparison.Ordinal);
        Assert.Contains("not_a_variable", path + problem.GetProperty("errors").GetProperty(path)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_policy_is_a_400_under_policy()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var policy = JsonNode.Parse("""{"gov.irs.no_such_parameter": {"2024-01-01.2024-12-31": 1}}""");

        var response = await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(50_000), policy });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("$.policy", problem.GetProperty("path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_countries_and_releases_are_404_problems()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");

        var country = await client.PostAsJsonAsync("/fr/calculate", new { household = UsSingle(1) });
        var release = await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(1), model_version = "9.9.9" });

        Assert.Equal(HttpStatusCode.NotFound, country.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Contains("9.9.9", (await release.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reform_changes_the_result()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var policy = JsonNode.Parse("""{"gov.irs.deductions.standard.SINGLE": {"2024-01-01.2024-12-31": 0}}""");

        var baseline = await (await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(50_000) })).Content.ReadFromJsonAsync<JsonElement>();
        var reformed = await (await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(50_000), policy })).Content.ReadFromJsonAsync<JsonElement>();

        // Without the $14,600 deduction the extra income is taxed at the 12% bracket (and the 22% above $47,150).
        Assert.True(TaxBeforeCredits(reformed) - TaxBeforeCredits(baseline) > 14_600 * 0.12 - 1);
    }

    [Fact]
    public async Task Model_version_pins_an_older_release()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var oldest = Catalog.Releases("us").OrderBy(m => m.Version, Portal.Core.Engine.SemverComparer.Instance).First();

        var body = await (await client.PostAsJsonAsync("/us/calculate", new { household = UsSingle(50_000), model_version = oldest.Version })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(oldest.Version, body.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(oldest.Sha256, body.GetProperty("model").GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Anonymous_callers_are_refused_and_cookie_callers_need_the_antiforgery_header()
    {
        var anonymous = await factory.ApiClient().PostAsJsonAsync("/us/calculate", new { household = UsSingle(1) });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var email = $"calc-cookie-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Reviewer");
        var browser = await factory.SignedInClientAsync(email);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsJsonAsync("/us/calculate", new { household = UsSingle(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/us/metadata")).StatusCode);
    }

    [Fact]
    public async Task Metadata_lists_variables_and_parameters_with_references()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");

        var metadata = await client.GetFromJsonAsync<JsonElement>("/us/metadata");
        var models = await client.GetFromJsonAsync<JsonElement>("/api/v2/models");
        var pinned = await client.GetFromJsonAsync<JsonElement>($"/api/v2/models/uk/{Catalog.Find("uk")!.Version}");

        var result = metadata.GetProperty("result");
        Assert.Equal("tax_unit", result.GetProperty("variables").GetProperty("income_tax").GetProperty("entity").GetString());
        Assert.Contains("adjusted_gross_income", result.GetProperty("variables").GetProperty("taxable_income").GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()));
        var deduction = result.GetProperty("parameters").GetProperty("gov.irs.deductions.standard.SINGLE");
        Assert.Equal(14_600, deduction.GetProperty("values").GetProperty("2024-01-01").GetDouble());
        Assert.StartsWith("https://", deduction.GetProperty("references")[0].GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal(["uk", "us"], models.EnumerateArray().Select(c => c.GetProperty("country").GetString()));
        Assert.Equal("person", pinned.GetProperty("variables").GetProperty("income_tax").GetProperty("entity").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v2/models/us/0.0.1")).StatusCode);
    }

    [Fact]
    public async Task The_diff_route_reports_changes_between_releases()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");

        var diff = await client.GetFromJsonAsync<JsonElement>("/api/v2/models/us/diff?from=1.0.0&to=1.1.0");
        var missing = await client.GetAsync("/api/v2/models/us/diff?from=1.0.0");

        Assert.Equal("1.1.0", diff.GetProperty("to").GetProperty("version").GetString());
        var taxable = diff.GetProperty("variables").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "taxable_income");
        Assert.Equal("changed", taxable.GetProperty("kind").GetString());
        Assert.Equal("formula", taxable.GetProperty("changes")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("Choose the release to compare to.", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("to")[0].GetString());
    }
}
