using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>Aliases, /versions and /deployment over HTTP, at the root paths and under /api/v2.</summary>
public sealed class AliasesApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private Task<ExecutionBundle> BundleAsync(string country, string model, bool certified = true) =>
        factory.WithDbAsync(db => TestBundles.AddAsync(db, country, model, $"2024.{Random.Shared.Next(1, 999_999)}.0", certified));

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/api/v2")]
    public async Task Promote_with_if_match_history_rollback_and_resolve_at(string prefix)
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var (a, b) = (await BundleAsync("us", "1.0.0"), await BundleAsync("us", "1.1.0"));
        var url = $"{prefix}/aliases/us/{UniqueName("api")}";

        var created = await PutAsync(maintainer, url, new { bundle_id = a.DisplayId, reason = "First" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);
        var get = await maintainer.GetAsync(url);
        Assert.Equal("\"1\"", get.Headers.ETag!.Tag);
        var view = await get.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.BundleId, view.GetProperty("bundle_id").GetString());
        Assert.Equal("1.0.0", view.GetProperty("bundle").GetProperty("model_version").GetString());

        var missing = await PutAsync(maintainer, url, new { bundle_id = b.BundleId, reason = "Second" });
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);

        var moved = await PutAsync(maintainer, url, new { bundle_id = b.BundleId, reason = "Second" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("\"2\"", moved.Headers.ETag!.Tag);

        var stale = await PutAsync(maintainer, url, new { bundle_id = a.BundleId, reason = "Third" }, "W/\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("current_revision").GetInt64());
        Assert.Equal(b.BundleId, problem.GetProperty("current_bundle_id").GetString());
        Assert.Contains(b.DisplayId, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var rollback = await maintainer.SendAsync(new HttpRequestMessage(HttpMethod.Post, url + "/rollback")
        {
            Content = JsonContent.Create(new { reason = "b misbehaves" }),
            Headers = { { "If-Match", $"\"{b.BundleId}\"" } },
        });
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        var change = await rollback.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.BundleId, change.GetProperty("alias").GetProperty("bundle_id").GetString());

        var history = await maintainer.GetFromJsonAsync<JsonElement>(url + "/history");
        var items = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([3L, 2, 1], items.Select(i => i.GetProperty("revision").GetInt64()));
        Assert.StartsWith($"Rollback to {a.DisplayId}", items[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.All(items, i => Assert.StartsWith("maintainer-", i.GetProperty("actor").GetString(), StringComparison.Ordinal));
        Assert.Equal(b.BundleId, items[0].GetProperty("from_bundle").GetString());

        var secondAt = items[1].GetProperty("at_utc").GetDateTime().ToString("O");
        var then = await maintainer.GetFromJsonAsync<JsonElement>($"{url}?at={Uri.EscapeDataString(secondAt)}");
        Assert.Equal(b.BundleId, then.GetProperty("bundle_id").GetString());
        Assert.Equal(2, then.GetProperty("revision").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await maintainer.GetAsync($"{url}?at=2000-01-01T00:00:00Z")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await maintainer.GetAsync($"{url}?at=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await maintainer.GetAsync($"{prefix}/aliases/us/no-such-alias")).StatusCode);
    }

    [Fact]
    public async Task Bad_promotions_are_problem_details_and_write_nothing()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var uncertified = await BundleAsync("us", "1.1.0", certified: false);
        var url = $"/aliases/us/{UniqueName("bad")}";
        var conflict = await PutAsync(maintainer, url, new { bundle_id = uncertified.BundleId, reason = "Try" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var invalid = await PutAsync(maintainer, "/aliases/us/UPPER", new { bundle_id = "nope", reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["name", "bundle_id", "reason"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.NotFound, (await maintainer.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await maintainer.GetAsync(url + "/history")).StatusCode);
    }

    [Fact]
    public async Task Roles_analysts_read_but_cannot_promote_and_anonymous_callers_get_401()
    {
        var bundle = await BundleAsync("uk", "1.0.0");
        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        var url = $"/aliases/uk/{UniqueName("roles")}";
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(analyst, url, new { bundle_id = bundle.BundleId, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync(url + "/rollback", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/aliases/uk")).StatusCode);
        var all = await analyst.GetAsync("/aliases");
        Assert.Equal("application/json", all.Content.Headers.ContentType!.MediaType);
        Assert.Equal(JsonValueKind.Array, (await all.Content.ReadFromJsonAsync<JsonElement>()).ValueKind);

        var anonymous = factory.ApiClient();
        foreach (var path in new[] { "/aliases/uk", url, "/versions", "/versions/uk", "/deployment", "/api/v2/aliases/uk", "/api/v2/deployment" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(anonymous, url, new { bundle_id = bundle.BundleId, reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task Versions_list_aliases_and_certified_bundles_by_model_version()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var (old, current, uncertified) = (await BundleAsync("uk", "1.0.0"), await BundleAsync("uk", "1.1.0"), await BundleAsync("uk", "1.1.0", certified: false));
        var name = UniqueName("ver");
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(maintainer, $"/aliases/uk/{name}", new { bundle_id = current.BundleId, reason = "x" })).StatusCode);

        var all = await maintainer.GetFromJsonAsync<JsonElement>("/versions");
        Assert.Equal(["uk", "us"], all.EnumerateObject().Select(p => p.Name));
        var uk = await maintainer.GetFromJsonAsync<JsonElement>("/api/v2/versions/uk");
        Assert.Equal(current.BundleId, uk.GetProperty("aliases").GetProperty(name).GetString());
        var byModel = uk.GetProperty("bundles");
        Assert.Contains(old.BundleId, byModel.GetProperty("1.0.0").EnumerateArray().Select(e => e.GetString()));
        var v11 = byModel.GetProperty("1.1.0").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(current.BundleId, v11);
        Assert.DoesNotContain(uncertified.BundleId, v11);
        Assert.Equal(all.GetProperty("uk").GetProperty("aliases").GetProperty(name).GetString(), current.BundleId);

        var unknown = await maintainer.GetAsync("/versions/fr");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Deployment_reports_build_engine_models_data_releases_and_the_alias_table()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var generated = await scope.ServiceProvider.GetRequiredService<GenerateDataReleaseHandler>()
                .HandleAsync(new GenerateDataReleaseRequest("us", "2031.1.0", 100, 3), Actor.Operator);
            Assert.True(generated.Succeeded, generated.Problem?.Describe());
        }

        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var bundle = await BundleAsync("us", "1.1.0");
        var name = UniqueName("dep");
        await PutAsync(maintainer, $"/aliases/us/{name}", new { bundle_id = bundle.BundleId, reason = "x" });

        var deployment = await maintainer.GetFromJsonAsync<JsonElement>("/deployment");
        var portal = deployment.GetProperty("portal");
        Assert.Equal(PortalBuild.Current.Version, portal.GetProperty("version").GetString());
        var commit = portal.GetProperty("git_commit").GetString()!;
        Assert.True(commit == "unknown" || (commit.Length == 40 && commit.All(char.IsAsciiHexDigitLower)), commit);
        Assert.Equal(BundleIdentity.CurrentEngineVersion, deployment.GetProperty("engine_version").GetString());
        Assert.Contains(deployment.GetProperty("models").EnumerateArray(), m =>
            m.GetProperty("country").GetString() == "us" && m.GetProperty("version").GetString() == "1.1.0"
            && m.GetProperty("sha256").GetString() == TestBundles.ModelSha("us", "1.1.0"));
        var release = deployment.GetProperty("data_releases").EnumerateArray().Single(r => r.GetProperty("version").GetString() == "2031.1.0");
        Assert.Equal(64, release.GetProperty("manifest_revision").GetString()!.Length);
        Assert.Equal(64, release.GetProperty("datasets")[0].GetProperty("sha256").GetString()!.Length);
        var alias = deployment.GetProperty("aliases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        Assert.Equal((bundle.BundleId, 1L), (alias.GetProperty("bundle_id").GetString(), alias.GetProperty("revision").GetInt64()));
        var events = deployment.GetProperty("alias_events");
        Assert.True(events.GetProperty("count").GetInt32() >= 1);
        Assert.Equal("/aliases/{country}/{name}?at={iso8601}", events.GetProperty("resolve_url").GetString());
        Assert.Equal(deployment.GetProperty("aliases").GetArrayLength(), (await maintainer.GetFromJsonAsync<JsonElement>("/api/v2/deployment")).GetProperty("aliases").GetArrayLength());
    }
}
