using Portal.Components.Bundles;
using Portal.Core.Features.Bundles;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class BundleComponentTests
{
    private static readonly string Id = new('a', 64);
    private static readonly DateTime At = new(2026, 3, 4, 5, 6, 0, DateTimeKind.Utc);

    private static BundleCertification Certification(bool passed) =>
        new(passed, At, [new("dataset_loads", true, "41 input variable(s) loaded"), new("smoke_simulation", passed, passed ? "all finite" : "Non-finite values in snap.")],
            2024, 2_000, 5_100, 131_000_000, new Dictionary<string, double> { ["household_net_income"] = 1.5e12 }, 42);

    private static BundleView View(bool certified, params BundleAliasRef[] aliases) =>
        new(Id, "bnd_aaaaaaaaaaaaaaaa", "us", "1.1.0", new string('b', 64), "2024.0.1-demo", new string('c', 64), "national", new string('d', 64),
            "0.1.0", "{}", certified, Certification(certified), At, "cli", aliases);

    [Fact]
    public async Task Bundle_table_links_by_display_id_and_shows_certification_and_aliases()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<BundleTable>(("Bundles", new List<BundleView> { View(true, new BundleAliasRef("latest", 3, At, "ops")) }));
        var row = html.QuerySelector("tr[data-bundle=bnd_aaaaaaaaaaaaaaaa]")!;
        Assert.Equal("/bundles/bnd_aaaaaaaaaaaaaaaa", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(Id, row.QuerySelector("a")!.GetAttribute("title"));
        Assert.Equal("true", row.QuerySelector("[data-certified]")!.GetAttribute("data-certified"));
        Assert.Equal("latest", row.QuerySelector("[data-alias]")!.TextContent);
    }

    [Fact]
    public async Task Certification_result_lists_every_check_and_the_weighted_totals()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<CertificationResult>(("Certification", Certification(false)));
        Assert.Equal("false", html.QuerySelector("h2 [data-certified]")!.GetAttribute("data-certified"));
        Assert.Equal("Failed", html.QuerySelector("tr[data-check=smoke_simulation] .badge")!.TextContent);
        Assert.Contains("Non-finite values in snap.", html.QuerySelector("tr[data-check=smoke_simulation]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2,000 households, 5,100 persons", html.QuerySelector("#certification")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1,500,000,000,000", html.QuerySelector("#weighted-totals")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_field_pairs_a_read_only_input_with_its_copy_button()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<CopyField>(("Id", "bundle-id"), ("Label", "Bundle id"), ("Value", Id));
        var input = html.QuerySelector("input#bundle-id")!;
        Assert.True(input.HasAttribute("readonly"));
        Assert.Equal(Id, input.GetAttribute("value"));
        Assert.Equal("#bundle-id", html.QuerySelector("button")!.GetAttribute("data-copy"));
    }

    [Fact]
    public async Task Alias_history_says_where_each_alias_came_from_or_went()
    {
        await using var renderer = new ComponentRenderer();
        var other = new string('e', 64);
        var events = new List<BundleAliasEvent>
        {
            new("latest", 3, Id, other, "ops", "newer data", At, Arrived: false),
            new("latest", 2, other, Id, "ops", "rollback", At.AddDays(-1), Arrived: true),
            new("stable", 1, null, Id, "ops", "first", At.AddDays(-2), Arrived: true),
        };
        var html = await renderer.RenderAsync<AliasHistoryTable>(("Events", events));
        Assert.Contains("moved away (to bnd_eeeeeeeeeeeeeeee)", html.QuerySelector("tr[data-alias-event='latest:3']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("pointed here (from bnd_eeeeeeeeeeeeeeee)", html.QuerySelector("tr[data-alias-event='latest:2']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("(alias created)", html.QuerySelector("tr[data-alias-event='stable:1']")!.TextContent, StringComparison.Ordinal);

        var empty = await renderer.RenderAsync<AliasHistoryTable>(("Events", new List<BundleAliasEvent>()));
        Assert.NotNull(empty.QuerySelector("#alias-history-empty"));
    }

    [Fact]
    public async Task Jobs_table_shows_status_and_progress()
    {
        await using var renderer = new ComponentRenderer();
        var jobs = new List<BundleJob> { new("job_1", "economy_comparison", "running", 0.5, At, null, "ana") };
        var html = await renderer.RenderAsync<BundleJobsTable>(("Jobs", jobs));
        var row = html.QuerySelector("tr[data-job=job_1]")!;
        Assert.Equal("running", row.QuerySelector(".badge")!.TextContent);
        Assert.Contains("50", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull((await renderer.RenderAsync<BundleJobsTable>(("Jobs", new List<BundleJob>()))).QuerySelector("#jobs-empty"));
    }
}
