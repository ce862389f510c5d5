using System.Text.Json.Nodes;
using Portal.Components.Pages.Runs;
using Portal.Core.Features.Runs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The run comparison table (differences only by default, the toggle, exports) and the registry filters/list.</summary>
public sealed class RunComponentTests
{
    private static RunFacts Facts(string id, double amount, string model) => new(id, id, new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>
    {
        [RunComparison.Bundle] = new Dictionary<string, JsonNode?> { ["bundle_id"] = "b1" },
        [RunComparison.Template] = new Dictionary<string, JsonNode?> { ["model_id"] = model, ["parameters.amount"] = amount, ["template_id"] = "t" },
        [RunComparison.Reform] = new Dictionary<string, JsonNode?> { ["country"] = "us" },
    });

    private static readonly RunFacts[] Pair = [Facts("run_a", 15_000, "m1"), Facts("run_b", 25_000, "m2")];

    [Fact]
    public async Task Compare_table_shows_only_differing_rows_by_default_with_the_delta_and_a_toggle_to_all()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<CompareTable>(
            ("Comparison", RunComparison.Compare(Pair, differencesOnly: true)), ("ToggleUrl", "/compare?runs=run_a,run_b&all=1"), ("ExportQuery", "runs=run_a,run_b"));
        Assert.Equal(["model_id", "parameters.amount"], html.QuerySelectorAll("#compare tr[data-key]").Select(r => r.GetAttribute("data-key")));
        Assert.Null(html.QuerySelector("tr[data-key=country]"));
        Assert.Contains("25000 (Δ +10,000, +66.67%)", html.QuerySelector("tr[data-key='parameters.amount']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/compare?runs=run_a,run_b&all=1", html.QuerySelector("#compare-toggle")!.GetAttribute("href"));
        Assert.Equal("/compare.json?runs=run_a,run_b", html.QuerySelector("#export-json")!.GetAttribute("href"));
        Assert.Equal("/compare.md?runs=run_a,run_b", html.QuerySelector("#export-md")!.GetAttribute("href"));

        var all = await renderer.RenderAsync<CompareTable>(
            ("Comparison", RunComparison.Compare(Pair, differencesOnly: false)), ("ToggleUrl", "/compare?runs=run_a,run_b"), ("ExportQuery", "runs=run_a,run_b&all=true"));
        Assert.NotNull(all.QuerySelector("tbody[data-group='Reform parameters'] tr[data-key=country]"));
        Assert.Equal(5, all.QuerySelectorAll("#compare tr[data-key]").Length);
        Assert.Equal(2, all.QuerySelectorAll("#compare tr.table-warning").Length);
        Assert.Contains("Differences only", all.QuerySelector("#compare-toggle")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_filters_keep_their_values_and_the_list_offers_compare_checkboxes()
    {
        var filter = new RunFilter("portal-sim", "raise-standard-deduction", null, null, "us", "deduction");
        Assert.Equal("/provenance?source=portal-sim&template=raise-standard-deduction&country=us&search=deduction&page=2", filter.Url(2));
        Assert.Equal("/provenance", new RunFilter(null, " ", null, null, null, null).Url(1));

        await using var renderer = new ComponentRenderer(user: ComponentRenderer.User("rev", "Reviewer"));
        var form = await renderer.RenderAsync<RunFilters>(("Filter", filter));
        Assert.Equal("portal-sim", form.QuerySelector("#filter-source")!.GetAttribute("value"));
        Assert.Equal("deduction", form.QuerySelector("#filter-search")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector("#clear-filters"));

        var run = new RunSummary("run_a", "template", "portal-sim", "raise-standard-deduction", "m1", "Raise", "us", "us-1.0-abc", "latest", "s", null, "complete", null, null, null, DateTime.UtcNow, null);
        var table = await renderer.RenderAsync<RunTable>(("Runs", new RunList([run], 1, 1, 0, 25)), ("Filtered", true), ("UrlFor", (Func<int, string>)filter.Url));
        Assert.Equal("/compare", table.QuerySelector("form#compare-form")!.GetAttribute("action"));
        Assert.Equal("run_a", table.QuerySelector("input[type=checkbox][name=runs]")!.GetAttribute("value"));
        Assert.NotNull(table.QuerySelector("#compare-selected"));
        Assert.Equal("/bundles/us-1.0-abc", table.QuerySelector("a[href^='/bundles/']")!.GetAttribute("href"));
    }
}

/// <summary>The run page's cards, manifest table, live part and replay outcome, from hand-made run views and a real economy result.</summary>
public sealed class RunPageComponentTests(SimulationResultFixture results) : IClassFixture<SimulationResultFixture>
{
    private const string RunId = "run_01testtesttesttesttesttest";
    private static readonly string SpecSha = new('5', 64);
    private static readonly string ResultSha = new('a', 64);

    private static RunSummary Summary(string status, string? result = null, string? replayOf = null, string? outcome = null) =>
        new(RunId, "template", "portal-sim", "us-standard-deduction", "model_20261202T035132Z_d9f76912", "Raise", "us", new string('b', 64), "latest",
            SpecSha, result, status, "job_1", replayOf, outcome, new DateTime(2026, 12, 2, 7, 0, 0, DateTimeKind.Utc), null);

    private static JsonObject Manifest() => new()
    {
        ["spec_sha256"] = SpecSha,
        ["spec_hash"] = "sha256 of the canonical JSON of the spec body",
        ["result_sha256"] = ResultSha,
        ["outputs"] = new JsonObject { ["budget"] = new string('1', 64), ["result.csv"] = new string('2', 64) },
        ["files"] = new JsonObject
        {
            ["outputs/budget.json"] = new string('1', 64), ["outputs/result.csv"] = new string('2', 64), ["provenance.json"] = new string('3', 64),
            ["result.json"] = ResultSha, ["spec.yaml"] = new string('4', 64),
        },
    };

    private static RunView View(RunSummary run, string? error = null, double progress = 0, JsonObject? manifest = null, string? resultJson = null,
        IReadOnlyList<string>? changed = null, string? originalHash = null, RunComparison? diff = null) =>
        new(new RunDetail(run, [], error, null, "spec", manifest, [], progress, "computing", "ada", changed ?? []),
            null, resultJson is null ? RunResultKind.None : RunResultKind.Economy, resultJson, null, [], originalHash, diff);

    [Fact]
    public async Task Provenance_card_shows_template_model_generator_times_parameters_with_their_types_and_warnings()
    {
        var provenance = new JsonObject
        {
            ["source"] = "portal-sim", ["model_id"] = "model_20261202T035132Z_d9f76912", ["template_id"] = "us-standard-deduction", ["template_version"] = "1.0.0",
            ["template_title"] = "Raise the US standard deduction", ["template_sha256"] = new string('c', 64),
            ["parameters"] = new JsonObject { ["label"] = "6", ["single_amount"] = 16000, ["joint"] = true },
            ["generated_at"] = "2026-12-02T03:51:32Z", ["received_at"] = "2026-12-02T03:51:40.123Z", ["generator"] = "portal-sim/1.2.3", ["schema_version"] = "1",
        };
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<RunProvenanceCard>(("Provenance", provenance), ("Warnings", (IReadOnlyList<string>)["The header and the embedded provenance differ in model_id."]));
        foreach (var (key, value) in new[] { ("template_id", "us-standard-deduction"), ("template_version", "1.0.0"), ("template_sha256", new string('c', 64)),
                     ("model_id", "model_20261202T035132Z_d9f76912"), ("generator", "portal-sim/1.2.3"), ("generated_at", "2026-12-02T03:51:32Z"), ("received_at", "2026-12-02T03:51:40.123Z") })
        {
            Assert.Equal(value, html.QuerySelector($"code[data-field='{key}']")!.TextContent);
        }

        Assert.Equal("\"6\"", html.QuerySelector("tr[data-parameter=label] td")!.TextContent);
        Assert.Equal("string", html.QuerySelector("tr[data-parameter=label] [data-type]")!.TextContent);
        Assert.Equal("number", html.QuerySelector("tr[data-parameter=single_amount] [data-type]")!.TextContent);
        Assert.Equal("boolean", html.QuerySelector("tr[data-parameter=joint] [data-type]")!.TextContent);
        Assert.Contains("differ in model_id", html.QuerySelector(".run-warning")!.TextContent, StringComparison.Ordinal);

        var none = await renderer.RenderAsync<RunProvenanceCard>(("Provenance", null));
        Assert.NotNull(none.QuerySelector("#provenance-none"));
    }

    [Fact]
    public async Task Manifest_table_lists_the_hashes_outputs_and_files_with_download_links()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<RunManifestTable>(("RunId", RunId), ("Manifest", Manifest()), ("SpecSha256", SpecSha));
        Assert.Equal(SpecSha, html.QuerySelector("tr[data-item=spec_sha256] td code")!.TextContent);
        Assert.Equal(ResultSha, html.QuerySelector("tr[data-item=result_sha256] td code")!.TextContent);
        Assert.Equal($"/v1/artifacts/{RunId}/files/result.json", html.QuerySelector("tr[data-item=result_sha256] a")!.GetAttribute("href"));
        Assert.Equal(["budget", "result.csv"], html.QuerySelectorAll("tr[data-output]").Select(r => r.GetAttribute("data-output")));
        Assert.Equal($"/v1/artifacts/{RunId}/files/outputs/budget.json", html.QuerySelector("tr[data-output=budget] a")!.GetAttribute("href"));
        Assert.Equal($"/v1/artifacts/{RunId}/files/outputs/result.csv", html.QuerySelector("tr[data-output='result.csv'] a")!.GetAttribute("href"));
        Assert.Equal(["outputs/budget.json", "outputs/result.csv", "provenance.json", "result.json", "spec.yaml"], html.QuerySelectorAll("tr[data-file]").Select(r => r.GetAttribute("data-file")));
        Assert.Equal(new string('4', 64), html.QuerySelector("tr[data-file='spec.yaml'] td code")!.TextContent);
        Assert.Equal($"/v1/artifacts/{RunId}/files/spec.yaml", html.QuerySelector("tr[data-file='spec.yaml'] a[download]")!.GetAttribute("href"));
        Assert.Equal($"/v1/artifacts/{RunId}/files/manifest.json", html.QuerySelector("#manifest-download")!.GetAttribute("href"));

        var pending = await renderer.RenderAsync<RunManifestTable>(("RunId", RunId), ("Manifest", null), ("SpecSha256", SpecSha));
        Assert.Contains(SpecSha, pending.QuerySelector("#manifest-pending")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_part_polls_while_the_run_computes_and_stops_with_the_result_or_the_error()
    {
        await using var renderer = new ComponentRenderer();
        var running = await renderer.RenderAsync<RunLive>(("View", View(Summary("submitted"), progress: 0.4)));
        var body = running.QuerySelector("#run-body")!;
        Assert.Equal($"/runs/{RunId}/live", body.GetAttribute("hx-get"));
        Assert.Equal("every 1s", body.GetAttribute("hx-trigger"));
        Assert.Equal("40", running.QuerySelector(".job-progress")!.GetAttribute("data-progress") is { } p ? ((int)Math.Round(double.Parse(p, System.Globalization.CultureInfo.InvariantCulture) * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);

        var done = await renderer.RenderAsync<RunLive>(("View", View(Summary("complete", ResultSha), manifest: Manifest(), resultJson: results.UsDeduction.ToJsonString())));
        Assert.Null(done.QuerySelector("#run-body")!.GetAttribute("hx-get"));
        Assert.Null(done.QuerySelector("#run-body")!.GetAttribute("hx-trigger"));
        Assert.NotNull(done.QuerySelector("#manifest-table"));
        Assert.NotNull(done.QuerySelector("#economy-result #budget-section, #economy-result section"));
        Assert.Null(done.QuerySelector("#downloads"));
        Assert.Null(done.QuerySelector("#replay-outcome"));

        var failed = await renderer.RenderAsync<RunLive>(("View", View(Summary("failed"), error: "The bundle's dataset is missing.")));
        Assert.Null(failed.QuerySelector("#run-body")!.GetAttribute("hx-get"));
        Assert.Contains("The bundle's dataset is missing.", failed.QuerySelector("#run-error")!.TextContent, StringComparison.Ordinal);
        Assert.Null(failed.QuerySelector("#manifest-table"));
    }

    [Fact]
    public async Task Replay_outcome_is_an_identical_badge_with_both_hashes_or_the_differences_from_the_original()
    {
        await using var renderer = new ComponentRenderer();
        var identical = await renderer.RenderAsync<RunReplayOutcome>(("View", View(Summary("complete", ResultSha, "run_original", "identical"), originalHash: ResultSha)));
        Assert.Equal("identical", identical.QuerySelector("#replay-outcome")!.GetAttribute("data-outcome"));
        Assert.Contains("identical", identical.QuerySelector("#replay-identical")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(ResultSha, identical.QuerySelector("#original-result-sha256")!.TextContent);
        Assert.Equal(ResultSha, identical.QuerySelector("#replay-result-sha256")!.TextContent);
        Assert.Equal("/runs/run_original", identical.QuerySelector("#replay-of")!.GetAttribute("href"));
        Assert.Null(identical.QuerySelector("#compare"));

        Dictionary<string, IReadOnlyDictionary<string, JsonNode?>> Outputs(double impact, string sha) => new()
        {
            [RunComparison.Outputs] = new Dictionary<string, JsonNode?> { ["budget: budgetary impact"] = impact, ["result_sha256"] = sha },
            [RunComparison.Reform] = new Dictionary<string, JsonNode?> { ["country"] = "us" },
        };
        var diff = RunComparison.Compare([new RunFacts("run_original", "original", Outputs(-1e9, ResultSha)), new RunFacts(RunId, "replay", Outputs(-1.1e9, new string('f', 64)))], differencesOnly: true);
        var different = await renderer.RenderAsync<RunReplayOutcome>(("View", View(Summary("complete", new string('f', 64), "run_original", "different"),
            changed: ["budget"], originalHash: ResultSha, diff: diff)));
        Assert.NotNull(different.QuerySelector("#replay-different"));
        Assert.Null(different.QuerySelector("#replay-identical"));
        Assert.Contains("budget", different.QuerySelector("#replay-changed-outputs")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["budget: budgetary impact", "result_sha256"], different.QuerySelectorAll("#compare tr[data-key]").Select(r => r.GetAttribute("data-key")));
        Assert.Equal($"/compare?runs=run_original,{RunId}&all=1", different.QuerySelector("#compare-toggle")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Replay_button_is_a_post_form_for_roles_that_can_run_and_only_on_a_complete_run()
    {
        await using var analyst = new ComponentRenderer(user: ComponentRenderer.User("ana", "Analyst"));
        var html = await analyst.RenderAsync<RunReplayButton>(("Run", Summary("complete", ResultSha)));
        var form = html.QuerySelector("form#replay-form")!;
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal($"/runs/{RunId}/replay", form.GetAttribute("action"));
        Assert.Equal(ReplayRunPage.FormName, form.QuerySelector("input[name=_handler]")!.GetAttribute("value"));
        Assert.Null((await analyst.RenderAsync<RunReplayButton>(("Run", Summary("submitted")))).QuerySelector("#replay-run"));

        await using var reviewer = new ComponentRenderer(user: ComponentRenderer.User("rev", "Reviewer"));
        Assert.Null((await reviewer.RenderAsync<RunReplayButton>(("Run", Summary("complete", ResultSha)))).QuerySelector("#replay-run"));
    }
}
