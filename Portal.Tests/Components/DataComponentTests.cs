using System.Text.Json;
using Portal.Components.Data;
using Portal.Core.Features.DataReleases;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class DataComponentTests
{
    private static readonly string Hash = new('a', 64);

    [Fact]
    public async Task Release_table_links_each_release_and_shortens_the_revision()
    {
        await using var renderer = new ComponentRenderer();
        var releases = new List<DataReleaseSummary> { new(1, "us", "2024.1.0", Hash, 2024, DateTime.UtcNow, "cli", 2) };
        var html = await renderer.RenderAsync<ReleaseTable>(("Releases", releases));
        var row = html.QuerySelector("tr[data-release='us@2024.1.0']")!;
        Assert.Equal("/data/us/2024.1.0", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(Hash, row.QuerySelector("code")!.GetAttribute("title"));
        Assert.Equal("aaaaaaaaaaaa…", row.QuerySelector("code")!.TextContent);
    }

    [Fact]
    public async Task Artifact_table_shows_hash_size_rows_and_download_and_browse_links()
    {
        await using var renderer = new ComponentRenderer();
        var artifacts = new List<DatasetSummary> { new(7, "us", "1.0.0", "national", "us_2024.h5", Hash, 3 * 1024 * 1024, new Dictionary<string, long> { ["person"] = 5100, ["household"] = 2000 }) };
        var html = await renderer.RenderAsync<ArtifactTable>(("Artifacts", artifacts));
        var row = html.QuerySelector("tr[data-artifact=national]")!;
        Assert.Equal(Hash, row.QuerySelector("code")!.TextContent);
        Assert.Contains("3.0 MiB", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("household 2,000, person 5,100", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("/api/v2/datasets/7/download", row.QuerySelector("a[download]")!.GetAttribute("href"));
        Assert.Equal("/data/datasets/7", row.QuerySelector("a.btn-outline-secondary")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Tree_links_datasets_with_dtypes_and_marks_the_selected_one()
    {
        await using var renderer = new ComponentRenderer();
        var tree = new List<H5TreeEntry>
        {
            new("/", 0, true, null, null, []),
            new("/age", 1, true, null, null, []),
            new("/age/2024", 2, false, "int32", [10], ["entity=person"]),
        };
        var html = await renderer.RenderAsync<H5TreeView>(("Tree", tree), ("DatasetId", 3L), ("Selected", "/age/2024"));
        var link = html.QuerySelector("li[data-path='/age/2024'] a")!;
        Assert.Equal("/data/datasets/3?variable=%2Fage%2F2024", link.GetAttribute("href"));
        Assert.Equal("true", link.GetAttribute("aria-current"));
        Assert.Contains("int32 [10]", html.QuerySelector("li[data-path='/age/2024']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Variable_panel_embeds_histogram_json_that_cannot_break_out_of_its_script_element()
    {
        var histogram = BrowseDatasetHandler.Histogram([0, 0, 10, 20, 30, 40])!;
        var variable = new SelectedVariable("/x</script><b>/2024", "float64", [6], ["0", "0", "10"], histogram);
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<VariablePanel>(("Variable", variable));

        var island = html.QuerySelector("script#histogram-data")!;
        Assert.Equal("application/json", island.GetAttribute("type"));
        Assert.Null(html.QuerySelector("b"));
        var data = JsonDocument.Parse(island.TextContent).RootElement;
        Assert.Equal(4, data.GetProperty("counts").EnumerateArray().Sum(c => c.GetInt64()));
        Assert.Equal(2, data.GetProperty("zeros").GetInt64());
        Assert.Equal("histogram-data", html.QuerySelector("canvas")!.GetAttribute("data-histogram-source"));
        Assert.Equal(["0", "0", "10"], html.QuerySelectorAll("#first-rows li").Select(li => li.TextContent));
        Assert.Equal("2", html.QuerySelector("#zero-count")!.TextContent);
    }
}
