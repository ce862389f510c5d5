using System.Net;
using System.Text.Json.Nodes;
using Portal.Core.Features.Runs;
using Portal.Tests.Integration;

namespace Portal.Tests.Features.Runs;

/// <summary>The registry query (each filter, paging, sorting), gateway jobs in the registry, replay and compare, on a real Portal.</summary>
public sealed class RunRegistryTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    private static readonly DateTime T0 = new(2020, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Rows as the run paths write them, with known values (the filters are pure queries over the table).</summary>
    private async Task<string> SeedAsync()
    {
        var tag = "seed" + Guid.NewGuid().ToString("N")[..8];
        var rows = new[]
        {
            Row(tag, "portal-sim", "ctc-expansion", "model_a", "us", portal.Latest.BundleId, T0.AddDays(1), "alpha"),
            Row(tag, "portal-sim", "ctc-expansion", "model_b", "us", portal.Older.BundleId, T0.AddDays(2), "beta"),
            Row(tag, "portal-sim", "uk-personal-allowance", "model_c", "uk", new string('c', 64), T0.AddDays(3), "gamma"),
            Row(tag, "gateway", null, null, "us", portal.Latest.BundleId, T0.AddDays(4), "delta"),
            Row(tag, "api", null, null, "us", portal.Calibration.BundleId, T0.AddDays(5), "epsilon"),
        };
        await portal.WithDbAsync(db =>
        {
            db.Runs.AddRange(rows);
            return db.SaveChangesAsync();
        });
        return tag;
    }

    private static RunRecord Row(string tag, string source, string? template, string? model, string country, string bundle, DateTime created, string title)
    {
        var run = new RunRecord
        {
            RunId = RunIds.New(), Kind = source == "gateway" ? RunKinds.Gateway : RunKinds.Template, Source = source, TemplateId = template,
            ModelId = model is null ? null : $"{model}_{tag}", Title = $"{title} {tag}", Country = country, BundleId = bundle, SpecSha256 = new string('0', 64),
            Status = RunStatuses.Complete, SpecText = "x", SubmittedBy = "test", CreatedAt = created, CompletedAt = created.AddMinutes(1),
        };
        run.SearchText = RunSearch.Text(run);
        return run;
    }

    private async Task<List<string>> TitlesAsync(string query)
    {
        var response = await portal.Analyst.GetAsync("/v1/artifacts?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonNode.Parse(text)!["runs"]!.AsArray().Select(r => ((string)r!["title"]!).Split(' ')[0])];
    }

    [Fact]
    public async Task Each_filter_narrows_the_registry()
    {
        var tag = await SeedAsync();
        var window = $"createdAfter=2020-03-01T00:00:00Z&createdBefore=2020-03-10T00:00:00Z&search={tag}";
        Assert.Equal(["epsilon", "delta", "gamma", "beta", "alpha"], await TitlesAsync(window));
        Assert.Equal(["delta"], await TitlesAsync(window + "&source=gateway"));
        Assert.Equal(["beta", "alpha"], await TitlesAsync(window + "&templateId=ctc-expansion"));
        Assert.Equal(["beta", "alpha"], await TitlesAsync(window + "&metadata.template_id=ctc-expansion"));
        Assert.Equal(["beta"], await TitlesAsync(window + $"&modelId=model_b_{tag}"));
        Assert.Equal(["gamma"], await TitlesAsync(window + "&country=uk"));
        Assert.Equal(["delta", "alpha"], await TitlesAsync(window + $"&bundle={portal.Latest.BundleId}"));
        Assert.Equal(["delta", "alpha"], await TitlesAsync(window + $"&bundle={portal.Latest.DisplayId}"));
        Assert.Equal(["gamma", "beta"], await TitlesAsync($"search={tag}&createdAfter=2020-03-02T13:00:00Z&createdBefore=2020-03-04T13:00:00Z"));
        Assert.Equal(["gamma"], await TitlesAsync(window.Replace($"search={tag}", $"search=GAMMA%20{tag.ToUpperInvariant()}", StringComparison.Ordinal)));
        Assert.Equal(["alpha"], await TitlesAsync(window.Replace($"search={tag}", $"search=model_a_{tag}", StringComparison.Ordinal)));
        Assert.Empty(await TitlesAsync(window + "&source=report"));
    }

    [Fact]
    public async Task Paging_and_sorting()
    {
        var tag = await SeedAsync();
        Assert.Equal(["alpha", "beta"], await TitlesAsync($"search={tag}&sortBy=created&sortOrder=asc&limit=2"));
        Assert.Equal(["gamma", "delta"], await TitlesAsync($"search={tag}&sortBy=created&sortOrder=asc&limit=2&skip=2"));
        Assert.Equal(["epsilon"], await TitlesAsync($"search={tag}&sortBy=created&sortOrder=asc&page=3&pageSize=2"));
        var byCountry = await TitlesAsync($"search={tag}&sortBy=country&sortOrder=asc");
        Assert.Equal("gamma", byCountry[0]);
        Assert.Equal(["alpha", "beta", "delta", "epsilon"], byCountry.Skip(1).Order());
        Assert.Equal("gamma", (await TitlesAsync($"search={tag}&sortBy=template&sortOrder=desc"))[0]);
        var page = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts?search={tag}&limit=2"))!;
        Assert.Equal(5, (int)page["total"]!);
        Assert.Equal(2, (int)page["count"]!);
        foreach (var bad in new[] { "sortBy=size", "sortOrder=up", "limit=0", "limit=5000", "skip=-1", "createdAfter=yesterday", "limit=x" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await portal.Analyst.GetAsync("/v1/artifacts?" + bad)).StatusCode);
        }
    }

    [Fact]
    public async Task A_gateway_job_gets_a_registry_row_with_provenance_and_replays_identical()
    {
        var submitted = await GatewayFixture.SubmitOkAsync(portal.Analyst, new
        {
            country = "us", time_period = 2024, title = "gateway replay",
            reform = new Dictionary<string, object> { ["gov.irs.deductions.standard.SINGLE"] = new Dictionary<string, double> { ["2024-01-01.2100-12-31"] = 19_321 } },
        });
        await GatewayFixture.WaitAsync(portal.Analyst, (string)submitted["poll_url"]!);
        var jobId = (string)submitted["job_id"]!;
        var row = await Poll(async () => JsonNode.Parse(await portal.Analyst.GetStringAsync($"/v1/artifacts?source=gateway&search={jobId}"))!["runs"]!.AsArray().FirstOrDefault()?.AsObject());
        var runId = (string)row["run_id"]!;
        var original = await RunsFixture.WaitRunAsync(portal.Analyst, runId);
        Assert.Equal("complete", (string?)original["status"]);
        Assert.Equal("gateway", (string?)original["kind"]);
        Assert.Equal(jobId, (string?)original["provenance"]!["job_id"]);
        Assert.Contains("request.json", original["files"]!.AsArray().Select(f => (string?)f));

        await RunsFixture.ReplayIdenticalAsync(portal.Analyst, runId);
    }

    [Fact]
    public async Task A_spec_run_replays_identical_on_its_recorded_bundle_even_after_latest_moves()
    {
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(18_765));
        await portal.PointAliasAsync("us", "latest", portal.Older.BundleId);
        try
        {
            var replay = await RunsFixture.ReplayIdenticalAsync(portal.Analyst, runId);
            Assert.Equal(portal.Latest.BundleId, (string?)replay["bundle_id"]);
        }
        finally
        {
            await portal.PointAliasAsync("us", "latest", portal.Latest.BundleId);
        }
    }

    [Fact]
    public async Task Compare_shows_only_the_differing_rows_by_default_and_every_row_with_all()
    {
        var a = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(15_000), RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_11111111", 15_000));
        var b = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(25_000), RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_22222222", 25_000));
        var diff = JsonNode.Parse(await portal.Reviewer.GetStringAsync($"/compare.json?runs={a},{b}"))!;
        var rows = diff["rows"]!.AsArray().Select(r => ((string)r!["group"]!, (string)r["key"]!)).ToList();
        Assert.Contains(("Template & parameters", "model_id"), rows);
        Assert.Contains(("Template & parameters", "parameters.amount"), rows);
        Assert.Contains(("Reform parameters", "gov.irs.deductions.standard.SINGLE (2024-01-01.2100-12-31)"), rows);
        Assert.Contains(("Outputs", "budget: budgetary impact"), rows);
        Assert.DoesNotContain(rows, r => r.Item1 == "Bundle");
        Assert.DoesNotContain(("Template & parameters", "template_id"), rows);
        Assert.DoesNotContain(("Reform parameters", "region"), rows);
        Assert.All(diff["rows"]!.AsArray(), r => Assert.True((bool)r!["differs"]!));
        var amount = diff["rows"]!.AsArray().Single(r => (string?)r!["key"] == "parameters.amount")!["values"]!.AsArray();
        Assert.Equal(10_000, (double)amount[1]!["absolute_difference"]!);
        Assert.Equal(10_000d / 15_000, (double)amount[1]!["relative_difference"]!, 9);

        var all = JsonNode.Parse(await portal.Reviewer.GetStringAsync($"/compare.json?runs={a},{b}&all=true"))!;
        Assert.True(all["rows"]!.AsArray().Count > rows.Count);
        Assert.Contains(all["rows"]!.AsArray(), r => (string?)r!["group"] == "Bundle" && !(bool)r["differs"]!);

        var md = await portal.Reviewer.GetStringAsync($"/compare.md?runs={a},{b}");
        Assert.Contains("| parameters.amount ≠ | 15000 | 25000 (Δ +10,000, +66.67%) |", md, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await portal.Reviewer.GetAsync($"/compare.json?runs={a}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Reviewer.GetAsync($"/compare.json?runs={a},run_00000000000000000000000000")).StatusCode);

        // The pages use the same handler: differences only by default, ?all=1 shows the unchanged rows too.
        var page = await portal.Reviewer.GetStringAsync($"/compare?runs={a}&runs={b}");
        Assert.Contains("data-key=\"parameters.amount\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-key=\"country\"", page, StringComparison.Ordinal);
        Assert.Contains("data-key=\"country\"", await portal.Reviewer.GetStringAsync($"/compare?runs={a},{b}&all=1"), StringComparison.Ordinal);
        var registry = await portal.Reviewer.GetStringAsync($"/provenance?search={a}");
        Assert.Contains($"value=\"{a}\"", registry, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{b}\"", registry, StringComparison.Ordinal);
        var runPage = await portal.Reviewer.GetStringAsync($"/runs/{b}");
        Assert.Contains("model_20261202T035132Z_22222222", runPage, StringComparison.Ordinal);
        Assert.Contains($"/v1/artifacts/{b}/files/spec.yaml", runPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_form_starts_a_run_and_shows_a_bad_spec_with_its_line()
    {
        var email = $"run-form-{Guid.NewGuid():N}@example.org";
        await portal.CreateUserAsync(email, Infrastructure.TestPasswords.Strong, "Analyst");
        var browser = await portal.SignedInClientAsync(email);

        var bad = await Infrastructure.HtmlForms.SubmitAsync(browser, "/runs/new", "start-run", new() { ["Input.Spec"] = "schemaVersion: 1\nspec: [\n" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("line ", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var ok = await Infrastructure.HtmlForms.SubmitAsync(browser, "/runs/new", "start-run", new() { ["Input.Spec"] = RunsFixture.Spec(19_111) });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var runId = ok.Headers.Location!.OriginalString.Split('/').Last();
        var run = await RunsFixture.WaitRunAsync(portal.Analyst, runId);
        Assert.Equal("complete", (string?)run["status"]);
    }

    private static Task<JsonObject> Poll(Func<Task<JsonObject?>> probe) =>
        Infrastructure.Poll.UntilAsync(probe, TimeSpan.FromSeconds(60), "the registry row");
}
