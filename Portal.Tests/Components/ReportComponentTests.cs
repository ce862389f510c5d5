using System.Text.Json.Nodes;
using Portal.Components.Pages.Reports;
using Portal.Core.Common;
using Portal.Core.Features.Reports;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The report pages' components: list filters and paging, tabs, the rerun confirmation and the Rerun button's role gating.</summary>
public sealed class ReportComponentTests
{
    private static readonly DateTime At = new(2026, 3, 4, 5, 6, 0, DateTimeKind.Utc);
    private static readonly string BundleId = new('a', 64);

    private static ReportView Report(long id = 7, string status = ReportStatuses.Complete, string? owner = "ana", string type = ReportTypes.Economy, string? error = null) =>
        new(id, "us", 11, 12, "aaaaaaaaaaaa", status, null, error, "2025", type, BundleId, new JsonObject { ["target"] = "general" },
            owner, owner ?? "someone", status == ReportStatuses.Pending ? "job_1" : null, At, At, null, null);

    private static ReportDetail Detail(ReportView report) =>
        new(report,
            new ReportSimulationView(11, "us", "aaaaaaaaaaaa", "state/CA", PopulationTypes.Geography, 1, report.Status, null, null, BundleId),
            new ReportSimulationView(12, "us", "aaaaaaaaaaaa", "state/CA", PopulationTypes.Geography, 2, report.Status, null, null, BundleId),
            new LegacyPolicyView(1, "us", "Current law", "v", new JsonObject(), "h1"),
            new LegacyPolicyView(2, "us", "Deduction", "v", JsonNode.Parse("""{"gov.irs.deductions.standard.SINGLE": {"2025-01-01.2100-12-31": 30000}}""")!, "h2"),
            null, new ReportBundleView(BundleId, "bnd_aaaaaaaaaaaaaaaa", "us", "1.1.0", "2024.1.0", "national", "0.1.0", true),
            report.Status == ReportStatuses.Pending ? new ReportJobView("job_1", "running", 0.4, "Simulating", null, At, At, null) : null, [9]);

    private static ReportSummary Summary(long id, string status) =>
        new(id, "us", ReportTypes.Economy, status, "2025", 11, 12, "state/CA", 1, 2, "Current law", "Deduction", BundleId, "aaaaaaaaaaaa", "ana", "ana", At, At, null);

    [Fact]
    public async Task List_filters_echo_the_query_and_paging_keeps_them()
    {
        var filter = new ReportFilter("US", "economy", "complete", "mine", "2025");
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<ReportFilters>(("Filter", filter));
        Assert.Equal("us", html.QuerySelector("#filter-country option[selected]")!.GetAttribute("value"));
        Assert.Equal("economy", html.QuerySelector("#filter-type option[selected]")!.GetAttribute("value"));
        Assert.Equal("complete", html.QuerySelector("#filter-status option[selected]")!.GetAttribute("value"));
        Assert.Equal("mine", html.QuerySelector("#filter-owner option[selected]")!.GetAttribute("value"));
        Assert.Equal("2025", html.QuerySelector("#filter-year")!.GetAttribute("value"));
        Assert.NotNull(html.QuerySelector("#clear-filters"));
        Assert.Equal("me", filter.Owner);
        Assert.Equal("/reports?country=us&type=economy&status=complete&owner=mine&year=2025&page=2", filter.Url(2));
        Assert.Equal("/reports", new ReportFilter(" ", null, "", null, null).Url(1));

        var page = new Page<ReportSummary>([Summary(8, "complete"), Summary(7, "error")], 2, 2, 5);
        var table = await renderer.RenderAsync<ReportTable>(("Reports", page), ("Filtered", true), ("UrlFor", (Func<int, string>)filter.Url));
        Assert.Equal(2, table.QuerySelectorAll("#reports-table tbody tr").Length);
        Assert.Equal("/reports/8", table.QuerySelector("tr[data-report='8'] a")!.GetAttribute("href"));
        Assert.Equal("error", table.QuerySelector("tr[data-report='7'] td:nth-child(2) .badge")!.TextContent);
        Assert.Contains("Deduction (#2)", table.QuerySelector("tr[data-report='8']")!.TextContent, StringComparison.Ordinal);
        var links = table.QuerySelectorAll(".pagination a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/reports?country=us&type=economy&status=complete&owner=mine&year=2025&page=3", links);

        var empty = await renderer.RenderAsync<ReportTable>(("Reports", new Page<ReportSummary>([], 1, 25, 0)), ("Filtered", true), ("UrlFor", (Func<int, string>)filter.Url));
        Assert.Contains("No reports match", empty.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tabs_link_by_query_string_and_unknown_tabs_fall_back_to_the_overview()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<ReportTabNav>(("ReportId", 7L), ("Tab", "policy"));
        Assert.Equal(["overview", "policy", "population", "provenance", "reproduce"], html.QuerySelectorAll("#report-tabs a").Select(a => a.GetAttribute("data-tab")));
        var active = html.QuerySelector("#report-tabs a.active")!;
        Assert.Equal("/reports/7?tab=policy", active.GetAttribute("href"));
        Assert.Equal("page", active.GetAttribute("aria-current"));
        Assert.Equal("/reports/7", html.QuerySelector("#report-tabs a[data-tab=overview]")!.GetAttribute("href"));
        Assert.Equal("overview", ReportTabNav.Normalize("bogus"));
        Assert.Equal("overview", ReportTabNav.Normalize(null));

        // Policy tab: the reform's parameter against the baseline's current law.
        var detail = Detail(Report());
        var policy = await renderer.RenderAsync<PolicyTab>(("Baseline", detail.BaselinePolicy), ("Reform", detail.ReformPolicy));
        var row = policy.QuerySelector("#policy-table tr[data-path='gov.irs.deductions.standard.SINGLE']")!;
        Assert.Equal("current law", row.QuerySelector("[data-side=baseline]")!.TextContent);
        Assert.Equal("2025-01-01.2100-12-31: 30000", row.QuerySelector("[data-side=reform]")!.TextContent);

        // Provenance: the bundle card links to the bundle page; the cache version is shown.
        var provenance = await renderer.RenderAsync<ProvenanceTab>(("Detail", detail));
        Assert.Equal("/bundles/bnd_aaaaaaaaaaaaaaaa", provenance.QuerySelector("#report-bundle-link")!.GetAttribute("href"));
        Assert.Equal("aaaaaaaaaaaa", provenance.QuerySelector("#cache-version")!.TextContent);
        Assert.Equal("/reports/9", provenance.QuerySelector("#sharing-reports a")!.GetAttribute("href"));

        // Reproduce: the exact requests, copyable.
        var reproduce = await renderer.RenderAsync<ReproduceTab>(("Detail", detail), ("BaseUrl", "https://portal.example"));
        Assert.Contains("\"$PORTAL/us/report/7\"", reproduce.QuerySelector("#reproduce-get")!.TextContent, StringComparison.Ordinal);
        var create = reproduce.QuerySelector("#reproduce-create")!.TextContent;
        Assert.Contains("\"simulation_1_id\":11,\"simulation_2_id\":12,\"year\":\"2025\",\"bundle\":\"" + BundleId + "\"", create, StringComparison.Ordinal);
        Assert.Contains("/us/economy/2/over/1?region=state%2FCA&time_period=2025", reproduce.QuerySelector("#reproduce-economy")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(reproduce.QuerySelector("button[data-copy='#reproduce-script']"));
    }

    [Fact]
    public async Task Live_part_polls_while_computing_and_stops_when_finished()
    {
        await using var renderer = new ComponentRenderer();
        var pending = await renderer.RenderAsync<ReportLive>(("Detail", Detail(Report(status: ReportStatuses.Pending))), ("Tab", "overview"));
        var body = pending.QuerySelector("#report-body")!;
        Assert.Equal("/reports/7/live?tab=overview", body.GetAttribute("hx-get"));
        Assert.Equal("every 1s", body.GetAttribute("hx-trigger"));
        Assert.Equal("40", pending.QuerySelector("[role=progressbar]")!.GetAttribute("aria-valuenow"));

        var failed = await renderer.RenderAsync<ReportLive>(("Detail", Detail(Report(status: ReportStatuses.Error, error: "Boom"))), ("Tab", "overview"));
        Assert.Null(failed.QuerySelector("#report-body")!.GetAttribute("hx-get"));
        Assert.Contains("Boom", failed.QuerySelector("#report-error")!.TextContent, StringComparison.Ordinal);

        var complete = await renderer.RenderAsync<ReportLive>(("Detail", Detail(Report())), ("Tab", "policy"), ("ShowResult", false));
        Assert.Null(complete.QuerySelector("#report-body")!.GetAttribute("hx-get"));
        Assert.NotNull(complete.QuerySelector("#report-complete"));
    }

    [Fact]
    public async Task Rerun_confirmation_lists_what_is_reset_and_warns_about_affected_reports()
    {
        var rows = new[]
        {
            new ReformImpactRowView(31, 1, 2, "state/CA", "national", "2025", "hash", "aaaaaaaaaaaa", ReformImpactStatuses.Ok, null, "job_a"),
            new ReformImpactRowView(32, 1, 2, "state/CA", "national", "2025", "hash", "aaaaaaaaaaaa", ReformImpactStatuses.Error, "failed", "job_b"),
        };
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<RerunPlanView>(("Plan", new RerunPlan(7, ReportTypes.Economy, ReportStatuses.Complete, [11, 12], rows, [8, 9], false, null)));
        Assert.Equal(["11", "12"], html.QuerySelectorAll("#rerun-items li[data-item=simulation]").Select(li => li.GetAttribute("data-id")));
        Assert.Equal(["31", "32"], html.QuerySelectorAll("[data-cache-row]").Select(li => li.GetAttribute("data-cache-row")));
        Assert.Equal(["/reports/8", "/reports/9"], html.QuerySelectorAll("#rerun-affected a").Select(a => a.GetAttribute("href")));
        Assert.Null(html.QuerySelector("#rerun-computing"));

        var alone = await renderer.RenderAsync<RerunPlanView>(("Plan", new RerunPlan(7, ReportTypes.Household, ReportStatuses.Running, [11], [], [], true, "job_1")));
        Assert.Null(alone.QuerySelector("#rerun-affected"));
        Assert.NotNull(alone.QuerySelector("#rerun-no-affected"));
        Assert.Null(alone.QuerySelector("[data-item=cache]"));
        Assert.Contains("job_1", alone.QuerySelector("#rerun-computing")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ana", PortalRoles.Analyst, true)]
    [InlineData("bob", PortalRoles.Analyst, false)]
    [InlineData("bob", PortalRoles.Maintainer, true)]
    [InlineData("bob", PortalRoles.Admin, true)]
    [InlineData("ana", PortalRoles.Reviewer, false)]
    public async Task Rerun_button_shows_for_the_owning_analyst_and_any_maintainer(string user, string role, bool shown)
    {
        await using var renderer = new ComponentRenderer(user: ComponentRenderer.User(user, role));
        var html = await renderer.RenderAsync<RerunButton>(("Report", Report(owner: "ana")));
        Assert.Equal(shown, html.QuerySelector("#rerun-report") is not null);
        if (shown)
        {
            Assert.Equal("/reports/7/rerun", html.QuerySelector("#rerun-report")!.GetAttribute("href"));
        }
    }
}
