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
