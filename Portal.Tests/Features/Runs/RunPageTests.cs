using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Runs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Runs;

/// <summary>/runs/{id} on a real Portal: the cards, the live fragment, and the Replay form (same handler as the API) with its role check.</summary>
public sealed class RunPageTests(RunsFixture portal) : IClassFixture<RunsFixture>
{
    private async Task<HttpClient> BrowserAsync(string role)
    {
        var email = $"run-page-{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await portal.CreateUserAsync(email, TestPasswords.Strong, role);
        return await portal.SignedInClientAsync(email);
    }

    [Fact]
    public async Task A_complete_run_page_shows_provenance_bundle_manifest_and_result_and_an_analyst_replays_it_to_identical()
    {
        var provenance = RunsFixture.Provenance("raise-standard-deduction", "model_20261202T035132Z_33333333", 21_000);
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(21_000), provenance);
        var analyst = await BrowserAsync("Analyst");

        var page = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{runId}");
        Assert.Equal("model_20261202T035132Z_33333333", page.QuerySelector("#provenance-card code[data-field=model_id]")!.TextContent);
        Assert.Equal("string", page.QuerySelector("tr[data-parameter=label] [data-type]")!.TextContent);
        Assert.Equal(portal.Latest.BundleId, page.QuerySelector("#bundle-card code[data-field=bundle_id]")!.TextContent);
        Assert.Equal($"/bundles/{portal.Latest.DisplayId}", page.QuerySelector("#bundle-card a[href^='/bundles/']")!.GetAttribute("href"));
        var resultSha = page.QuerySelector("tr[data-item=result_sha256] td code")!.TextContent;
        Assert.Matches("^[0-9a-f]{64}$", resultSha);
        var specLink = page.QuerySelector("tr[data-file='spec.yaml'] a")!.GetAttribute("href")!;
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(specLink)).StatusCode);
        Assert.NotNull(page.QuerySelector("#economy-result"));
        Assert.Null(page.QuerySelector("#run-body")!.GetAttribute("hx-get"));
        Assert.NotNull(page.QuerySelector("#replay-run"));

        var live = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{runId}/live");
        Assert.Equal("complete", live.QuerySelector("#run-body")!.GetAttribute("data-status"));
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/runs/run_00000000000000000000000000/live")).StatusCode);

        var posted = await HtmlForms.SubmitAsync(analyst, page, $"/runs/{runId}", $"/runs/{runId}/replay", []);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var replayId = HtmlForms.RedirectTarget(posted).Split('/').Last();
        Assert.Equal(runId, await portal.WithDbAsync(db => db.Runs.Where(r => r.RunId == replayId).Select(r => r.ReplayOf).SingleAsync()));
        await RunsFixture.WaitRunAsync(portal.Analyst, replayId);

        var replay = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{replayId}");
        Assert.Equal("identical", replay.QuerySelector("#replay-outcome")!.GetAttribute("data-outcome"));
        Assert.Equal(resultSha, replay.QuerySelector("#original-result-sha256")!.TextContent);
        Assert.Equal(resultSha, replay.QuerySelector("#replay-result-sha256")!.TextContent);
        var original = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{runId}");
        Assert.Contains("identical", original.QuerySelector($"#run-replays [data-replay='{replayId}']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reviewer_gets_no_replay_button_and_a_hand_made_post_is_403_and_replays_nothing()
    {
        var runId = await RunsFixture.CompleteRunAsync(portal.Analyst, RunsFixture.Spec(21_500));
        var reviewer = await BrowserAsync("Reviewer");
        var page = await HtmlForms.GetDocumentAsync(reviewer, $"/runs/{runId}");
        Assert.Null(page.QuerySelector("#replay-run"));
        Assert.Null(page.QuerySelector("#replay-form"));

        var confirm = await reviewer.GetAsync($"/runs/{runId}/replay");
        Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
        var confirmPage = HtmlForms.Parse(await confirm.Content.ReadAsStringAsync());
        Assert.Null(confirmPage.QuerySelector("#confirm-replay"));
        var token = confirmPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var before = await portal.WithDbAsync(db => db.Runs.CountAsync(r => r.ReplayOf == runId));
        var post = await reviewer.PostAsync($"/runs/{runId}/replay", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "replay-run",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Contains("Analyst, Maintainer or Admin", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.Runs.CountAsync(r => r.ReplayOf == runId)));
    }

    [Fact]
    public async Task A_failed_run_shows_its_error_and_an_unfinished_run_cannot_be_replayed_from_the_page()
    {
        var failed = new RunRecord
        {
            RunId = RunIds.New(), Kind = RunKinds.Template, Source = "api", Country = "us", BundleId = portal.Latest.BundleId, SpecSha256 = new string('0', 64),
            Status = RunStatuses.Failed, Error = "The dataset could not be read.", SpecText = RunsFixture.Spec(1), SubmittedBy = "test", CreatedAt = DateTime.UtcNow,
        };
        failed.SearchText = RunSearch.Text(failed);
        await portal.WithDbAsync(db =>
        {
            db.Runs.Add(failed);
            return db.SaveChangesAsync();
        });

        var analyst = await BrowserAsync("Analyst");
        var page = await HtmlForms.GetDocumentAsync(analyst, $"/runs/{failed.RunId}");
        Assert.Contains("The dataset could not be read.", page.QuerySelector("#run-error")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("#replay-run"));
        Assert.Null(page.QuerySelector("#manifest-table"));

        var post = await HtmlForms.SubmitAsync(analyst, $"/runs/{failed.RunId}/replay", "replay-run", []);
        Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
        Assert.Contains("only a complete run can be replayed", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
