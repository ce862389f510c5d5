using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// The simulation pages over HTTP on a running Portal (real SQLite, Quartz, a generated US release
/// and bundles): submit through the form, follow the redirect, poll the live fragment until the job
/// completes, then the result page, its bundle card, the list and the downloads; and roles.
/// </summary>
public sealed class SimulationPagesTests(GatewayFixture portal) : IClassFixture<GatewayFixture>
{
    private async Task<HttpClient> BrowserAsync(string role)
    {
        var email = $"sim-{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await portal.CreateUserAsync(email, TestPasswords.Strong, role);
        return await portal.SignedInClientAsync(email);
    }

    private static Dictionary<string, string> Form(string path, string value, string action = "submit", string title = "") => new()
    {
        ["Input.Bundle"] = "latest",
        ["Input.Year"] = "2024",
        ["Input.Region"] = "us",
        ["Input.Title"] = title,
        ["Input.Changes[0].Path"] = path,
        ["Input.Changes[0].Value"] = value,
        ["Input.Action"] = action,
    };

    [Fact]
    public async Task An_analyst_submits_through_the_form_watches_it_complete_and_sees_charts_bundle_and_downloads()
    {
        var browser = await BrowserAsync(PortalRoles.Analyst);
        var form = await HtmlForms.GetDocumentAsync(browser, "/simulations/new");
        Assert.Equal("latest", form.QuerySelector("#bundle option[selected]")!.GetAttribute("value"));
        Assert.NotNull(form.QuerySelector("#region option[value='district/CA-12']"));
        Assert.Equal("us", form.QuerySelector("#region option[selected]")!.GetAttribute("value"));

        // The parameter search fragment reads the alias's model release at the year.
        var search = HtmlForms.Parse(await browser.GetStringAsync("/simulations/parameters?Input.Country=us&Input.Bundle=latest&Input.Year=2024&Input.Query=standard%20deduction"));
        Assert.Contains("1.1.0", search.QuerySelector("#parameter-results")!.TextContent, StringComparison.Ordinal);
        var pick = search.QuerySelector("li[data-path='gov.irs.deductions.standard.SINGLE'] button")!.GetAttribute("value");
        Assert.Equal("pick:gov.irs.deductions.standard.SINGLE|14600", pick);

        // Editing actions only re-render: picking fills the blank row, "add" appends one.
        var pickResponse = await HtmlForms.SubmitAsync(browser, "/simulations/new", "submit-simulation", new()
        {
            ["Input.Country"] = "us", ["Input.Year"] = "2024", ["Input.Query"] = "standard deduction", ["Input.Action"] = pick!,
        });
        var pickedHtml = await pickResponse.Content.ReadAsStringAsync();
        var picked = HtmlForms.Parse(pickedHtml);
        Assert.True(picked.QuerySelector("input[name='Input.Changes[0].Path']") is not null, $"{(int)pickResponse.StatusCode} {pickResponse.Headers.Location} {pickedHtml}");
        Assert.Equal("gov.irs.deductions.standard.SINGLE", picked.QuerySelector("input[name='Input.Changes[0].Path']")!.GetAttribute("value"));
        Assert.Equal("14600", picked.QuerySelector("input[name='Input.Changes[0].Value']")!.GetAttribute("value"));
        Assert.NotNull(picked.QuerySelector("#parameter-results li[data-path='gov.irs.deductions.standard.SINGLE']"));
        var added = HtmlForms.Parse(await (await HtmlForms.SubmitAsync(browser, "/simulations/new", "submit-simulation", Form("a.b", "1", action: "add"))).Content.ReadAsStringAsync());
        Assert.Equal(2, added.QuerySelectorAll("#reform-rows tbody tr").Length);

        // A problem from the handler is shown next to the row it names, nothing is queued.
        var before = await portal.WithDbAsync(db => db.SimulationJobs.CountAsync());
        var bad = HtmlForms.Parse(await (await HtmlForms.SubmitAsync(browser, "/simulations/new", "submit-simulation", Form("gov.irs.nope", "1"))).Content.ReadAsStringAsync());
        Assert.Contains("unknown parameter", bad.QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("unknown parameter", bad.QuerySelector("tr[data-row='0'] .row-error")!.TextContent, StringComparison.Ordinal);
        var badValue = HtmlForms.Parse(await (await HtmlForms.SubmitAsync(browser, "/simulations/new", "submit-simulation", Form("gov.irs.deductions.standard.SINGLE", "lots"))).Content.ReadAsStringAsync());
        Assert.Contains("is not a number", badValue.QuerySelector("tr[data-row='0'] .row-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.SimulationJobs.CountAsync()));

        // Submit → redirect to the job page.
        var response = await HtmlForms.SubmitAsync(browser, "/simulations/new", "submit-simulation", Form("gov.irs.deductions.standard.SINGLE", "30000", title: "Pages: deduction 30k"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = HtmlForms.RedirectTarget(response);
        Assert.Matches("^/simulations/job_[0-9a-z]{26}$", target);
        var jobId = target["/simulations/".Length..];

        // The live fragment is what htmx polls; it stops carrying a trigger once the job is done.
        var live = await Poll.UntilAsync(async () =>
        {
            var fragment = HtmlForms.Parse(await browser.GetStringAsync($"{target}/live"));
            var body = fragment.QuerySelector("#job-body")!;
            Assert.Equal(SimulationJobStatuses.IsTerminal(body.GetAttribute("data-status")!), body.GetAttribute("hx-trigger") is null);
            return SimulationJobStatuses.IsTerminal(body.GetAttribute("data-status")!) ? fragment : null;
        }, TimeSpan.FromSeconds(60), "the job to finish");
        Assert.Equal("complete", live.QuerySelector("#job-body")!.GetAttribute("data-status"));
        Assert.NotNull(live.QuerySelector("canvas[data-chart=winners][data-chart-data]"));

        var page = await HtmlForms.GetDocumentAsync(browser, target);
        Assert.Equal("Pages: deduction 30k", page.QuerySelector("main h1")!.TextContent);
        var card = page.QuerySelector("#bundle-card")!;
        Assert.Equal(portal.Latest.BundleId, card.GetAttribute("data-bundle"));
        Assert.Equal($"/bundles/{portal.Latest.DisplayId}", card.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal(portal.Latest.ModelSha256, card.QuerySelector("[data-field=model_sha256]")!.TextContent);
        Assert.Equal(portal.Latest.DatasetSha256, card.QuerySelector("[data-field=dataset_sha256]")!.TextContent);
        Assert.Equal(portal.Latest.DataManifestRevision, card.QuerySelector("[data-field=manifest_revision]")!.TextContent);
        Assert.Contains("latest", card.QuerySelector("#bundle-via")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2024-01-01", page.QuerySelector("#reform-table tr[data-path='gov.irs.deductions.standard.SINGLE'] td:nth-child(2)")!.TextContent);
        Assert.Equal("2024", page.QuerySelector("#input-year")!.TextContent);
        Assert.Null(page.QuerySelector("#job-body")!.GetAttribute("hx-get"));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.Contains("simulation-charts", StringComparison.Ordinal));

        // The charts' data is the job's result, as the API serves it.
        var api = JsonNode.Parse(await portal.Analyst.GetStringAsync($"/jobs/{jobId}"))!["result"]!;
        var budget = page.QuerySelector("#budget-headline")!.GetAttribute("data-value");
        Assert.Equal((double)api["budget"]!["budgetary_impact"]!, double.Parse(budget!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10, page.QuerySelectorAll("#decile-table tbody tr").Length);
        Assert.NotNull(page.QuerySelector("#poverty-table tr[data-key='poverty.child']"));
        Assert.NotNull(page.QuerySelector("#inequality-table tr[data-key=gini]"));

        // Downloads: the stored JSON byte for byte, and the long CSV.
        var json = await browser.GetAsync($"{target}/result.json");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{jobId}.json", json.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(await json.Content.ReadAsStringAsync())));
        var csv = await browser.GetAsync($"{target}/result.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"{jobId}.csv", csv.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("section,key,subkey,baseline,reform,change", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("budget,budgetary_impact,,,,", StringComparison.Ordinal));

        // The list links the job and its bundle; filters come from the query string.
        var list = await HtmlForms.GetDocumentAsync(browser, "/simulations?country=us&status=complete");
        var row = list.QuerySelector($"tr[data-job='{jobId}']")!;
        Assert.Equal(target, row.QuerySelector("a")!.GetAttribute("href"));
        Assert.NotNull(row.QuerySelector($"a[href='/bundles/{portal.Latest.DisplayId}']"));
        Assert.NotNull(list.QuerySelector("#new-simulation"));
        Assert.Null((await HtmlForms.GetDocumentAsync(browser, "/simulations?status=failed")).QuerySelector($"tr[data-job='{jobId}']"));
    }

    [Fact]
    public async Task Running_jobs_poll_and_failed_jobs_explain_themselves_and_cannot_be_downloaded()
    {
        var browser = await BrowserAsync(PortalRoles.Reviewer);
        var running = await AddJobAsync(SimulationJobStatuses.Running, progress: 0.55, stage: "reform");
        var failed = await AddJobAsync(SimulationJobStatuses.Failed, error: "The dataset has no households in state/WY.");

        var list = await HtmlForms.GetDocumentAsync(browser, "/simulations");
        var jobs = list.QuerySelector("#simulation-jobs")!;
        Assert.Equal("every 1s", jobs.GetAttribute("hx-trigger"));
        Assert.Equal("/simulations/live", jobs.GetAttribute("hx-get"));
        Assert.Equal("55", list.QuerySelector($"tr[data-job='{running}'] .progress")!.GetAttribute("aria-valuenow"));
        var finished = await HtmlForms.GetDocumentAsync(browser, "/simulations?status=failed");
        Assert.Null(finished.QuerySelector("#simulation-jobs")!.GetAttribute("hx-trigger"));
        Assert.NotNull(HtmlForms.Parse(await browser.GetStringAsync("/simulations/live?status=running")).QuerySelector($"tr[data-job='{running}']"));

        var runningPage = await HtmlForms.GetDocumentAsync(browser, $"/simulations/{running}");
        Assert.Equal($"/simulations/{running}/live", runningPage.QuerySelector("#job-body")!.GetAttribute("hx-get"));
        Assert.Contains("reform", runningPage.QuerySelector(".job-progress")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.GetAsync($"/simulations/{running}/result.csv")).StatusCode);

        var failedPage = await HtmlForms.GetDocumentAsync(browser, $"/simulations/{failed}");
        Assert.Contains("no households in state/WY", failedPage.QuerySelector("#job-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.GetAsync($"/simulations/{failed}/result.json")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/simulations/job_unknown/result.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/simulations/job_unknown/live")).StatusCode);
        Assert.Contains("does not exist", (await HtmlForms.GetDocumentAsync(browser, "/simulations/job_unknown")).QuerySelector("#form-problem")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reviewer_sees_simulations_but_has_no_form_and_a_post_is_rejected()
    {
        var browser = await BrowserAsync(PortalRoles.Reviewer);
        var list = await HtmlForms.GetDocumentAsync(browser, "/simulations");
        Assert.Null(list.QuerySelector("#new-simulation"));

        var page = await browser.GetAsync("/simulations/new");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/access-denied", HtmlForms.RedirectTarget(page), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/simulations/parameters?Input.Country=us&Input.Query=tax")).StatusCode);

        // A hand-made post with a valid antiforgery token for this session is still refused.
        var token = HtmlForms.AntiforgeryToken(list);
        var before = await portal.WithDbAsync(db => db.SimulationJobs.CountAsync());
        var post = await browser.PostAsync("/simulations/new", new FormUrlEncodedContent(new Dictionary<string, string>(Form("gov.irs.deductions.standard.SINGLE", "31000"))
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "submit-simulation",
            ["Input.Country"] = "us",
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("/account/access-denied", HtmlForms.RedirectTarget(post), StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.SimulationJobs.CountAsync()));
    }

    /// <summary>A job row in a given state, as the runner leaves it (no trigger: it never runs).</summary>
    private async Task<string> AddJobAsync(string status, double progress = 0, string? stage = null, string? error = null)
    {
        var jobId = SimulationJobQueue.NewJobId();
        await portal.WithDbAsync(async db =>
        {
            db.SimulationJobs.Add(new SimulationJob
            {
                JobId = jobId,
                Kind = SimulationJobKinds.EconomyComparison,
                Country = "us",
                BundleId = portal.Latest.BundleId,
                Status = status,
                Progress = progress,
                Stage = stage,
                Error = error,
                RequestJson = $$"""{"kind":"economy_comparison","country":"us","region":"us","time_period":2024,"reform":null,"baseline":null,"options":{"include_cliffs":false},"title":"{{status}} job"}""",
                RunId = "run_" + jobId,
                SubmittedBy = "test",
                SubmittedUtc = DateTime.UtcNow,
                CompletedUtc = status == SimulationJobStatuses.Failed ? DateTime.UtcNow : null,
            });
            return await db.SaveChangesAsync();
        });
        return jobId;
    }
}
