using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Features.Bundles;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The aliases page over HTTP with real sign-in and antiforgery: review, confirm, stale confirm, rollback, read-only view.</summary>
public sealed class AliasPagesTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly Actor Colleague = new(null, "colleague@example.org", new HashSet<string> { PortalRoles.Maintainer });

    private Task<ExecutionBundle> BundleAsync(string model) =>
        factory.WithDbAsync(db => TestBundles.AddAsync(db, "us", model, $"2024.{Random.Shared.Next(1, 999_999)}.0"));

    private async Task<HttpClient> SignInAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, role);
        return await factory.SignedInClientAsync(email);
    }

    [Fact]
    public async Task A_maintainer_creates_reviews_the_diff_promotes_and_rolls_back()
    {
        var browser = await SignInAsync("Maintainer");
        var (a, b) = (await BundleAsync("1.0.0"), await BundleAsync("1.1.0"));
        var name = $"page-{Guid.NewGuid():N}"[..16];

        var start = await HtmlForms.GetDocumentAsync(browser, "/aliases?country=us");
        Assert.NotNull(start.QuerySelector($"#promote-form select[name=to] option[value='{a.DisplayId}']"));
        var create = $"/aliases?country=us&alias={name}&to={a.DisplayId}&reason=First";
        var newReview = await HtmlForms.GetDocumentAsync(browser, create);
        Assert.Contains("new alias", newReview.QuerySelector("#model-note")!.TextContent, StringComparison.Ordinal);
        var created = await HtmlForms.SubmitAsync(browser, create, "promote", new() { ["Promote.Reason"] = "First" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal($"/aliases?country=us&alias={name}", HtmlForms.RedirectTarget(created));

        var page = await HtmlForms.GetDocumentAsync(browser, $"/aliases?country=us&alias={name}");
        Assert.NotNull(page.QuerySelector($"#alias-table tr[data-alias='{name}']"));
        Assert.Equal("1", page.QuerySelector("#promote-form input[name=rev]")!.GetAttribute("value"));
        Assert.Null(page.QuerySelector("#rollback-form"));

        // Step 1 → step 2: the diff of identity fields and the model's parameter changes.
        var upgrade = $"/aliases?country=us&alias={name}&rev=1&to={b.DisplayId}&reason=Model%201.1.0";
        var review = await HtmlForms.GetDocumentAsync(browser, upgrade);
        Assert.Contains("table-warning", review.QuerySelector("#bundle-diff tr[data-field=model_version]")!.ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("table-warning", review.QuerySelector("#bundle-diff tr[data-field=engine_version]")!.ClassName ?? "", StringComparison.Ordinal);
        Assert.NotNull(review.QuerySelector("#parameter-changes tbody[data-name='gov.irs.deductions.standard.SINGLE']"));
        Assert.Equal("1", review.QuerySelector("#confirm-promotion input[name='Promote.IfMatch']")!.GetAttribute("value"));
        Assert.Equal("Model 1.1.0", review.QuerySelector("#confirm-reason")!.GetAttribute("value"));
        var promoted = await HtmlForms.SubmitAsync(browser, review, upgrade, "promote", new() { ["Promote.Reason"] = "Model 1.1.0" });
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);

        var after = await HtmlForms.GetDocumentAsync(browser, $"/aliases?country=us&alias={name}");
        Assert.Equal(["2", "1"], after.QuerySelectorAll("#alias-history li").Select(li => li.GetAttribute("data-revision")));
        Assert.Equal("Model 1.1.0", after.QuerySelector("#alias-history li .event-reason")!.TextContent);
        Assert.Contains(a.DisplayId, after.QuerySelector("#rollback")!.GetAttribute("data-confirm"), StringComparison.Ordinal);

        var rolledBack = await HtmlForms.SubmitAsync(browser, $"/aliases?country=us&alias={name}", "rollback", new() { ["Undo.Note"] = "regression" });
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        var final = await HtmlForms.GetDocumentAsync(browser, $"/aliases?country=us&alias={name}");
        Assert.StartsWith($"Rollback to {a.DisplayId}", final.QuerySelector("#alias-history li .event-reason")!.TextContent, StringComparison.Ordinal);
        Assert.EndsWith("regression", final.QuerySelector("#alias-history li .event-reason")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirming_after_someone_else_promoted_shows_a_readable_message_and_writes_nothing()
    {
        var browser = await SignInAsync("Maintainer");
        var (a, b, c) = (await BundleAsync("1.0.0"), await BundleAsync("1.1.0"), await BundleAsync("1.1.0"));
        var name = $"race-{Guid.NewGuid():N}"[..16];
        await PromoteAsync(new PromoteAliasRequest("us", name, a.BundleId, "Start"));

        var url = $"/aliases?country=us&alias={name}&rev=1&to={b.DisplayId}&reason=Mine";
        var review = await HtmlForms.GetDocumentAsync(browser, url);
        await PromoteAsync(new PromoteAliasRequest("us", name, c.BundleId, "Theirs", "1"));

        var response = await HtmlForms.SubmitAsync(browser, review, url, "promote", new() { ["Promote.Reason"] = "Mine" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = HtmlForms.Parse(await response.Content.ReadAsStringAsync());
        var message = page.QuerySelector("#form-problem")!.TextContent;
        Assert.Contains($"Someone else moved {name}", message, StringComparison.Ordinal);
        Assert.Contains(c.DisplayId, message, StringComparison.Ordinal);
        Assert.Contains($"to={b.BundleId}", page.QuerySelector("#review-again a")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal(2, await factory.WithDbAsync(db => Task.FromResult(db.AliasEvents.Count(e => e.Alias == name))));
    }

    [Fact]
    public async Task An_analyst_sees_aliases_and_history_but_no_forms()
    {
        var (a, b) = (await BundleAsync("1.0.0"), await BundleAsync("1.1.0"));
        var name = $"ro-{Guid.NewGuid():N}"[..16];
        await PromoteAsync(new PromoteAliasRequest("us", name, a.BundleId, "Start"));
        await PromoteAsync(new PromoteAliasRequest("us", name, b.BundleId, "Next", "1"));

        var browser = await SignInAsync("Analyst");
        var page = await HtmlForms.GetDocumentAsync(browser, $"/aliases?country=us&alias={name}&to={a.DisplayId}");
        Assert.NotNull(page.QuerySelector($"#alias-table tr[data-alias='{name}']"));
        Assert.Equal(2, page.QuerySelectorAll("#alias-history li").Length);
        Assert.Null(page.QuerySelector("#promote-form"));
        Assert.Null(page.QuerySelector("#confirm-promotion"));
        Assert.Null(page.QuerySelector("#rollback-form"));
    }

    private async Task PromoteAsync(PromoteAliasRequest request)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<PromoteAliasHandler>().HandleAsync(request, Colleague);
        Assert.True(result.Succeeded, result.Problem?.Describe());
    }
}
