using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Runs;

namespace Portal.Tests.Features.Runs;

/// <summary>POST /v1/run end to end (real SQLite, Quartz and bundle): provenance paths, artifacts, warnings, invalid specs, files and roles.</summary>
public sealed class RunsApiTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    [Fact]
    public async Task Header_and_embedded_provenance_give_the_same_spec_hash_spec_yaml_and_parameter_types()
    {
        var provenance = RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_1a2b3c4d", 16_000);
        var viaHeader = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(16_000), provenance);
        var embedded = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(16_000, provenance: RunsFixture.EmbeddedYaml(provenance)));

        var a = await DetailAsync(viaHeader);
        var b = await DetailAsync(embedded);
        Assert.Equal((string?)a["spec_sha256"], (string?)b["spec_sha256"]);
        Assert.Equal((string?)a["manifest"]!["spec_sha256"], (string?)b["manifest"]!["spec_sha256"]);
        Assert.Equal(await FileAsync(viaHeader, "spec.yaml"), await FileAsync(embedded, "spec.yaml"));
        Assert.DoesNotContain("provenance", await FileAsync(embedded, "spec.yaml"), StringComparison.Ordinal);

        var pa = JsonNode.Parse(await FileAsync(viaHeader, "provenance.json"))!.AsObject();
        var pb = JsonNode.Parse(await FileAsync(embedded, "provenance.json"))!.AsObject();
        Assert.NotNull((string?)pa["received_at"]);
        pa.Remove("received_at");
        pb.Remove("received_at");
        Assert.Equal(pa.ToJsonString(), pb.ToJsonString());
        var parameters = pb["parameters"]!.AsObject();
        Assert.Equal(JsonValueKind.Number, parameters["amount"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, parameters["label"]!.GetValueKind());
        Assert.Equal("6", (string?)parameters["label"]);
        Assert.Equal(JsonValueKind.True, parameters["single_only"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, parameters["years"]!.GetValueKind());

        // Same spec, same bundle, deterministic engine: the same result hash too.
        Assert.Equal((string?)a["result_sha256"], (string?)b["result_sha256"]);
        Assert.Equal("raise-standard-deduction", (string?)a["template_id"]);
        Assert.Equal("portal-sim", (string?)a["source"]);
        Assert.Equal(portal.Latest.BundleId, (string?)a["bundle_id"]);
        Assert.Equal("latest", (string?)a["bundle_requested"]);
        Assert.Empty(a["warnings"]!.AsArray());
    }

    [Fact]
    public async Task The_manifest_lists_every_file_with_its_sha256_and_the_result_hash_is_the_hash_of_result_json()
    {
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(16_500, "[budget, decile]"));
        var detail = await DetailAsync(runId);
        var manifest = detail["manifest"]!.AsObject();
        Assert.Equal(1, (int)manifest["schema_version"]!);
        Assert.Equal(runId, (string?)manifest["run_id"]);
        Assert.Equal(portal.Latest.BundleId, (string?)manifest["bundle"]!["bundle_id"]);
        Assert.Equal("latest", (string?)manifest["bundle"]!["requested"]);
        Assert.NotNull((string?)manifest["engine_version"]);
        Assert.NotNull((string?)manifest["created_utc"]);
        Assert.Equal(["budget", "decile", "detailed_budget", "result.csv"], manifest["outputs"]!.AsObject().Select(o => o.Key).Order(StringComparer.Ordinal));
        foreach (var (name, sha) in manifest["files"]!.AsObject())
        {
            var bytes = await portal.Analyst.GetByteArrayAsync($"/v1/artifacts/{runId}/files/{name}");
            Assert.Equal((string?)sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB, $"{name} starts with a BOM");
        }

        var result = await portal.Analyst.GetByteArrayAsync($"/v1/artifacts/{runId}/files/result.json");
        Assert.Equal((string?)manifest["result_sha256"], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(result)));
        Assert.Equal((string?)detail["result_sha256"], (string?)manifest["result_sha256"]);
        Assert.Contains("section,key,subkey", await FileAsync(runId, "outputs/result.csv"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Differing_header_and_embedded_provenance_is_recorded_as_a_warning_and_the_header_wins()
    {
        var header = RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_aaaaaaaa", 17_000);
        var embedded = RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_bbbbbbbb", 17_000, label: "7");
        var submitted = await RunsFixture.RunAsync(portal.Analyst, RunsFixture.Spec(17_000, provenance: RunsFixture.EmbeddedYaml(embedded)), header);
        var warning = Assert.Single(submitted["warnings"]!.AsArray());
        Assert.Contains("differ", (string?)warning, StringComparison.Ordinal);
        Assert.Contains("model_id", (string?)warning, StringComparison.Ordinal);
        var detail = await DetailAsync((string)submitted["run_id"]!);
        Assert.Equal("model_20261202T035132Z_aaaaaaaa", (string?)detail["model_id"]);
        Assert.Single(detail["warnings"]!.AsArray());
    }

    [Theory]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundle: [unclosed\n", 5)]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundle: latest\n  time_period: 2024\n  region: us\n  reform: []\n  outputs: [budget, nonsense]\n", 8)]
    [InlineData("schemaVersion: 2\nspec: {}\n", 1)]
    public async Task An_invalid_spec_is_a_400_naming_the_line_and_leaves_no_row(string yaml, int line)
    {
        var before = await portal.WithDbAsync(db => db.Runs.CountAsync());
        var problem = await RunsFixture.RunAsync(portal.Analyst, yaml, expected: HttpStatusCode.BadRequest);
        Assert.Equal(line, (int)problem["line"]!);
        Assert.Contains($"line {line}", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.Runs.CountAsync()));
    }

    [Fact]
    public async Task Bad_provenance_headers_unknown_bundles_and_bad_policies_are_400_problems()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/run") { Content = new StringContent(RunsFixture.Spec(1), Encoding.UTF8, "application/yaml") };
        request.Headers.TryAddWithoutValidation("X-Model-Provenance", "{not json");
        var response = await portal.Analyst.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Model-Provenance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var noBundle = RunsFixture.Spec(1).Replace("bundle: latest", "bundle: nightly", StringComparison.Ordinal);
        var problem = await RunsFixture.RunAsync(portal.Analyst, noBundle, expected: HttpStatusCode.BadRequest);
        Assert.Contains("nightly", problem.ToJsonString(), StringComparison.Ordinal);

        var badPath = RunsFixture.Spec(1).Replace("gov.irs.deductions.standard.SINGLE", "gov.irs.no_such_parameter", StringComparison.Ordinal);
        await RunsFixture.RunAsync(portal.Analyst, badPath, expected: HttpStatusCode.BadRequest);
        await RunsFixture.RunAsync(portal.Analyst, "", expected: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_registry_row_exists_when_the_submit_returns()
    {
        var submitted = await RunsFixture.RunAsync(portal.Analyst, RunsFixture.Spec(18_123));
        var runId = (string)submitted["run_id"]!;
        var list = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts?search={runId}"))!;
        Assert.Equal(runId, (string?)Assert.Single(list["runs"]!.AsArray())!["run_id"]);
        Assert.Equal($"/v1/artifacts/{runId}", (string?)submitted["links"]!["self"]);
        await RunsFixture.WaitRunAsync(portal.Analyst, runId);
    }

    [Theory]
    [InlineData("../../../portal.db")]
    [InlineData("..%2f..%2fportal.db")]
    [InlineData("%2e%2e/%2e%2e/portal.db")]
    [InlineData("%2e%2e%2fmanifest.json")]
    [InlineData("/etc/passwd")]
    [InlineData("%2fetc%2fpasswd")]
    [InlineData("..\\..\\portal.db")]
    [InlineData("outputs/nope.json")]
    [InlineData("MANIFEST.JSON")]
    [InlineData("outputs/%2e%2e/%2e%2e/%2e%2e/portal.db")]
    public async Task Only_names_the_manifest_lists_are_served(string name)
    {
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(16_000));
        var response = await portal.Analyst.GetAsync($"/v1/artifacts/{runId}/files/{name}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertEscapedIsNotFoundAsync(runId, name);
    }

    /// <summary>Names the client would normalise (backslashes, <c>a/../b</c>) are sent escaped, so the server sees them as they are.</summary>
    [Theory]
    [InlineData("outputs\\budget.json")]
    [InlineData("outputs/../manifest.json")]
    [InlineData("..\\manifest.json")]
    [InlineData("/manifest.json")]
    public async Task Escaped_traversal_names_are_not_served(string name)
    {
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(16_000));
        await AssertEscapedIsNotFoundAsync(runId, name);
    }

    private async Task AssertEscapedIsNotFoundAsync(string runId, string name)
    {
        var escaped = await portal.Analyst.GetAsync($"/v1/artifacts/{runId}/files/{Uri.EscapeDataString(name)}");
        Assert.Equal(HttpStatusCode.NotFound, escaped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await portal.Analyst.GetAsync($"/v1/artifacts/{runId}/files/manifest.json")).StatusCode);
    }

    [Fact]
    public async Task Unknown_runs_and_files_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Analyst.GetAsync("/v1/artifacts/run_00000000000000000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Analyst.GetAsync("/v1/artifacts/..%2f..")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Analyst.GetAsync("/v1/artifacts/run_00000000000000000000000000/files/manifest.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Analyst.PostAsync("/v1/artifacts/run_00000000000000000000000000/replay", null)).StatusCode);
    }

    [Fact]
    public async Task Roles_anonymous_is_401_reviewers_cannot_run_analysts_cannot_compare()
    {
        var anonymous = RunsFixture.Anonymous(portal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/run", new StringContent(RunsFixture.Spec(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/artifacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/compare.json?runs=a,b")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.PostAsync("/v1/run", new StringContent(RunsFixture.Spec(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Reviewer.PostAsync("/v1/artifacts/run_00000000000000000000000000/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await portal.Analyst.GetAsync("/compare.json?runs=a,b")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await portal.Reviewer.GetAsync("/v1/artifacts")).StatusCode);
    }

    private async Task<JsonObject> DetailAsync(string runId) => JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts/{runId}"))!.AsObject();

    private Task<string> FileAsync(string runId, string name) => portal.Analyst.GetStringAsync($"/v1/artifacts/{runId}/files/{name}");
}
