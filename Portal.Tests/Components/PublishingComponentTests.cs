using System.Text.Json.Nodes;
using Portal.Components.Pages.Publishing;
using Portal.Core.Features.Publishing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class PublishingComponentTests
{
    private static readonly string Hash = new('b', 64);

    private static PublishAreaView Area(string type, string id, string status, string validation = "passed", int households = 100, double weight = 1000, JsonNode? issues = null, string? error = null) =>
        new(type, id, $"{type} {id}", $"{type}s/{id}.h5", status, status is "completed" or "skipped" ? Hash : null, 2048, households, households * 2, weight, 2100,
            validation, issues ?? new JsonArray(), error, 1500, DateTime.UtcNow);

    private static PublishRunDetail Detail(string status, params PublishAreaView[] areas) => new(
        new PublishRunSummary("pub_0123456789abcdefghjkmnpqrs", "us", "2024.1.0", "regional", status, 2, true, false, new string('f', 64), areas.Length,
            areas.Count(a => a.Status == "completed"), areas.Count(a => a.Status == "skipped"), areas.Count(a => a.Status == "failed"), false, "Required areas missing.",
            "admin", DateTime.UtcNow, DateTime.UtcNow, null, status == "failed" ? "1 of 3 areas failed to build; see their errors." : null, null, 1),
        areas);

    private static readonly PublishAreaView[] Sample =
    [
        Area("state", "DC", "completed", households: 300, weight: 3000),
        Area("district", "DC-01", "skipped", households: 300, weight: 3000),
        Area("district", "CA-12", "failed", "not_run", households: 0, weight: 0, error: "No active clones after filtering."),
        Area("state", "VT", "completed", "failed", issues: new JsonArray(new JsonObject { ["code"] = "target_miss", ["severity"] = "warning", ["message"] = "Weighted persons 9% off." })),
        Area("state", "WY", "pending", "not_run"),
    ];

    [Fact]
    public async Task Area_table_shows_status_counts_target_validation_issues_and_downloads_only_for_finished_files()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<PublishAreaTable>(("RunId", "pub_x"), ("Areas", Sample));
        Assert.Equal(5, html.QuerySelectorAll("#publish-areas tbody tr").Length);
        var dc = html.QuerySelector("tr[data-area='state:DC']")!;
        Assert.Contains("300", dc.TextContent, StringComparison.Ordinal);
        Assert.Contains("3,000", dc.TextContent, StringComparison.Ordinal);
        Assert.Contains("2,100", dc.TextContent, StringComparison.Ordinal);
        Assert.Contains("1.50 s", dc.TextContent, StringComparison.Ordinal);
        Assert.Equal("/api/publish/pub_x/files/states/DC.h5", dc.QuerySelector("a[download]")!.GetAttribute("href"));
        Assert.NotNull(html.QuerySelector("tr[data-area='district:DC-01'] a[download]"));
        Assert.Null(html.QuerySelector("tr[data-area='district:CA-12'] a[download]"));
        Assert.Null(html.QuerySelector("tr[data-area='state:WY'] a[download]"));
        Assert.Contains("No active clones", html.QuerySelector("tr[data-area='district:CA-12'] [data-build-error]")!.TextContent, StringComparison.Ordinal);
        var vt = html.QuerySelector("tr[data-area='state:VT']")!;
        Assert.Equal("failed", vt.GetAttribute("data-validation"));
        Assert.Contains("9% off", vt.QuerySelector("[data-issue=target_miss]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_body_polls_while_running_and_filters_to_failures_and_area_types()
    {
        await using var renderer = new ComponentRenderer();
        var running = await renderer.RenderAsync<PublishRunBody>(("Detail", Detail("running", Sample)), ("FailedOnly", false), ("AreaType", null));
        var body = running.QuerySelector("#publish-body")!;
        Assert.Equal("/publishing/pub_0123456789abcdefghjkmnpqrs/live", body.GetAttribute("hx-get"));
        Assert.Equal("every 2s", body.GetAttribute("hx-trigger"));
        Assert.Equal("80", running.QuerySelector("[role=progressbar]")!.GetAttribute("aria-valuenow"));
        Assert.Equal("1", running.QuerySelector("#run-counts [data-count=failed]")!.TextContent);
        Assert.Equal(5, running.QuerySelectorAll("#publish-areas tbody tr").Length);
        Assert.Null(running.QuerySelector("#run-outcome"));

        var failedOnly = await renderer.RenderAsync<PublishRunBody>(("Detail", Detail("failed", Sample)), ("FailedOnly", true), ("AreaType", null));
        Assert.Null(failedOnly.QuerySelector("#publish-body")!.GetAttribute("hx-get"));
        Assert.Equal(["district:CA-12", "state:VT"], failedOnly.QuerySelectorAll("#publish-areas tbody tr").Select(r => r.GetAttribute("data-area")!).ToArray());
        Assert.Contains("areas failed", failedOnly.QuerySelector("#run-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("not promotable", failedOnly.QuerySelector("#run-outcome")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/publishing/pub_0123456789abcdefghjkmnpqrs?failed=1&type=district", failedOnly.QuerySelectorAll("#area-filters a").Single(a => a.TextContent == "district").GetAttribute("href"));

        var districts = await renderer.RenderAsync<PublishRunBody>(("Detail", Detail("failed", Sample)), ("FailedOnly", true), ("AreaType", "district"));
        Assert.Equal(["district:CA-12"], districts.QuerySelectorAll("#publish-areas tbody tr").Select(r => r.GetAttribute("data-area")!).ToArray());
        var none = await renderer.RenderAsync<PublishRunBody>(("Detail", Detail("completed", Sample[0])), ("FailedOnly", true), ("AreaType", null));
        Assert.NotNull(none.QuerySelector("#no-areas"));
    }

    [Fact]
    public async Task State_summary_adds_state_and_district_files_per_state_without_a_map()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<PublishStateSummary>(("Areas", Sample));
        Assert.Equal(["CA", "DC", "VT", "WY"], html.QuerySelectorAll("#state-summary tbody tr").Select(r => r.GetAttribute("data-state")!).ToArray());
        var dc = html.QuerySelectorAll("tr[data-state=DC] td").Select(c => c.TextContent).ToArray();
        Assert.Equal(["DC", "2", "2", "0", "300", "300", "3,000", "3,000"], dc);
        Assert.Equal("1", html.QuerySelectorAll("tr[data-state=CA] td")[3].TextContent);
        Assert.Null(html.QuerySelector("svg, canvas"));
    }
}
