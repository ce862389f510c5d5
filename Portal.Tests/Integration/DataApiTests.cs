using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

public sealed class DataApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Maintainers_generate_a_release_and_anyone_signed_in_reads_and_downloads_it()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var created = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "uk", version = "2024.9.0", households = 300, seed = 5, clones = 2 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.EndsWith("/api/v2/data-releases/uk/2024.9.0", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var detail = await created.Content.ReadFromJsonAsync<JsonElement>();
        var revision = detail.GetProperty("release").GetProperty("manifest_revision").GetString()!;

        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        var manifest = await analyst.GetAsync("/api/v2/data-releases/uk/2024.9.0");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        var manifestBytes = await manifest.Content.ReadAsByteArrayAsync();
        Assert.Equal(revision, Convert.ToHexStringLower(SHA256.HashData(manifestBytes)));
        var manifestJson = JsonDocument.Parse(manifestBytes).RootElement;
        Assert.Equal("uk", manifestJson.GetProperty("country").GetString());
        Assert.Equal(2, manifestJson.GetProperty("artifacts").GetArrayLength());

        var releases = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/data-releases?country=uk");
        Assert.Contains(releases.EnumerateArray(), r => r.GetProperty("version").GetString() == "2024.9.0");

        var datasets = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/datasets?country=uk");
        var national = datasets.EnumerateArray().First(d => d.GetProperty("name").GetString() == "national" && d.GetProperty("version").GetString() == "2024.9.0");
        var id = national.GetProperty("id").GetInt64();
        var one = await analyst.GetFromJsonAsync<JsonElement>($"/api/v2/datasets/{id}");
        Assert.Equal(300, one.GetProperty("rows").GetProperty("household").GetInt32());

        var download = await analyst.GetAsync($"/api/v2/datasets/{id}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/x-hdf5", download.Content.Headers.ContentType!.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(national.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(national.GetProperty("size_bytes").GetInt64(), bytes.LongLength);

        var verify = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/data-releases/uk/2024.9.0/verify");
        Assert.True(verify.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Bad_input_is_problem_details_and_roles_are_enforced()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var bad = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "fr", version = "x", households = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("country", out _));
        Assert.True(errors.TryGetProperty("households", out _));

        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync("/api/v2/data-releases", new { country = "us", version = "1.0.0" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient().GetAsync("/api/v2/datasets")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/api/v2/data-releases/us/9.9.9")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.GetAsync("/api/v2/data-releases/fr/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/api/v2/datasets/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/api/v2/datasets/999999/download")).StatusCode);

        var first = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "us", version = "3.0.0", households = 150 });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await maintainer.PostAsJsonAsync("/api/v2/data-releases", new { country = "us", version = "3.0.0", households = 150, seed = 7 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
