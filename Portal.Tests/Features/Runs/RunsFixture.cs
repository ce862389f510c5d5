using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;
using Portal.Tests.Integration;

namespace Portal.Tests.Features.Runs;

/// <summary>The gateway fixture (real SQLite, Quartz, a generated US bundle behind <c>latest</c>) plus clients per role and spec helpers.</summary>
public sealed class RunsFixture : GatewayFixture, IAsyncLifetime
{
    public HttpClient Reviewer { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Reviewer = await ApiClientForNewUserAsync(PortalRoles.Reviewer);
        Admin = await ApiClientForNewUserAsync(PortalRoles.Admin);
    }

    public static string Spec(double standardDeduction, string outputs = "[budget, decile, poverty, inequality]", string? provenance = null) =>
        "schemaVersion: 1\n"
        + (provenance is null ? "" : "provenance:\n" + provenance)
        + "spec:\n"
        + "  country: us\n"
        + "  bundle: latest\n"
        + "  time_period: 2024\n"
        + "  region: us\n"
        + "  reform:\n"
        + "    - path: gov.irs.deductions.standard.SINGLE\n"
        + "      start: 2024-01-01\n"
        + "      stop: null\n"
        + $"      value: {standardDeduction.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n"
        + $"  outputs: {outputs}\n";

    /// <summary>Provenance as the generator writes it, for the header (JSON) or embedded (YAML, indented two spaces).</summary>
    public static JsonObject Provenance(string templateId, string modelId, double deduction, string label = "6") => new()
    {
        ["source"] = "portal-sim",
        ["model_id"] = modelId,
        ["template_id"] = templateId,
        ["template_version"] = "1.0.0",
        ["template_title"] = "Raise the standard deduction",
        ["template_sha256"] = new string('a', 64),
        ["parameters"] = new JsonObject { ["amount"] = deduction, ["label"] = label, ["single_only"] = true, ["years"] = 1 },
        ["generated_at"] = "2026-12-02T03:51:32Z",
        ["generator"] = "portal-sim/1.0.0",
        ["schema_version"] = "1",
    };

    public static string EmbeddedYaml(JsonObject provenance)
    {
        var yaml = new StringBuilder();
        foreach (var (key, value) in provenance)
        {
            if (value is JsonObject parameters)
            {
                yaml.Append("  ").Append(key).Append(":\n");
                foreach (var (name, v) in parameters)
                {
                    yaml.Append("    ").Append(name).Append(": ").Append(Scalar(v)).Append('\n');
                }
            }
            else
            {
                yaml.Append("  ").Append(key).Append(": ").Append(Scalar(value)).Append('\n');
            }
        }

        return yaml.ToString();
    }

    private static string Scalar(JsonNode? v) => v!.GetValueKind() == System.Text.Json.JsonValueKind.String ? "\"" + (string)v! + "\"" : v.ToJsonString();

    public static async Task<JsonObject> RunAsync(HttpClient client, string yaml, JsonObject? header = null, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/run") { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Model-Provenance", header.ToJsonString());
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Replays <paramref name="runId"/> through the API and asserts the replay: a new run on a new
    /// job, complete, linked by <c>replay_of</c>, <c>identical</c> with no changed outputs, and the
    /// same <c>result_sha256</c> as the original.
    /// </summary>
    public static async Task<JsonObject> ReplayIdenticalAsync(HttpClient client, string runId)
    {
        var response = await client.PostAsync($"/v1/artifacts/{runId}/replay", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var replayId = (string)JsonNode.Parse(text)!["run_id"]!;
        Assert.NotEqual(runId, replayId);
        var replay = await WaitRunAsync(client, replayId);
        Assert.True((string?)replay["status"] == "complete", replay.ToJsonString());
        Assert.Equal(runId, (string?)replay["replay_of"]);
        Assert.Equal("identical", (string?)replay["replay_outcome"]);
        Assert.Empty(replay["replay_changed_outputs"]!.AsArray());
        var original = JsonNode.Parse(await client.GetStringAsync($"/v1/artifacts/{runId}"))!;
        Assert.Equal((string?)original["result_sha256"], (string?)replay["result_sha256"]);
        Assert.NotEqual((string?)original["job_id"], (string?)replay["job_id"]);
        return replay;
    }

    /// <summary>Polls the registry until the run is complete or failed.</summary>
    public static Task<JsonObject> WaitRunAsync(HttpClient client, string runId) =>
        Poll.UntilAsync(async () =>
        {
            var body = JsonNode.Parse(await client.GetStringAsync($"/v1/artifacts/{runId}"))!.AsObject();
            return (string?)body["status"] is "complete" or "failed" ? body : null;
        }, TimeSpan.FromSeconds(90), $"run {runId} to finish");

    public static async Task<string> CompleteRunAsync(HttpClient client, string yaml, JsonObject? header = null)
    {
        var runId = (string)(await RunAsync(client, yaml, header))["run_id"]!;
        var done = await WaitRunAsync(client, runId);
        Assert.True((string?)done["status"] == "complete", done.ToJsonString());
        return runId;
    }

    public static HttpClient Anonymous(PortalFactory factory)
    {
        var client = factory.ApiClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
