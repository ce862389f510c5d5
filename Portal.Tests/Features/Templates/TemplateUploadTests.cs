using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.Templates;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Templates;

/// <summary>Uploaded templates: POST /api/v1/templates and the form on /templates, on real SQLite.</summary>
public sealed class TemplateUploadTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly string Shipped = ReadShipped("us-standard-deduction");

    /// <summary>A shipped template under a new id (and version), so it is known to be valid.</summary>
    private static string Variant(string id, string version = "1.0.0") =>
        Shipped.Replace("id: us-standard-deduction", $"id: {id}", StringComparison.Ordinal)
            .Replace("version: 1.0.0", $"version: {version}", StringComparison.Ordinal);

    [Fact]
    public async Task Upload_is_listed_and_generates_like_a_shipped_template()
    {
        var client = await factory.ApiClientForNewUserAsync("Maintainer");
        var yaml = Variant("my-deduction");
        var created = await client.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var detail = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(detail.GetProperty("shipped").GetBoolean());

        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        var list = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/templates");
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("id").GetString() == "my-deduction" && !t.GetProperty("shipped").GetBoolean());
        Assert.Equal(yaml, (await analyst.GetFromJsonAsync<JsonElement>("/api/v1/templates/my-deduction")).GetProperty("yaml").GetString());

        var generated = await analyst.PostAsync(new Uri("/api/v1/templates/my-deduction/generate", UriKind.Relative), new StringContent("""{"year": 2027}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        var provenance = (await generated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("provenance");
        Assert.Equal("my-deduction", provenance.GetProperty("template_id").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), provenance.GetProperty("template_sha256").GetString());

        // Same version again, or lower: 409; higher: replaced. JSON {yaml} works too.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "text/plain"))).StatusCode);
        var newer = await client.PostAsJsonAsync("/api/v1/templates", new { yaml = Variant("my-deduction", "1.10.0") });
        Assert.Equal(HttpStatusCode.Created, newer.StatusCode);
        Assert.Equal("1.10.0", await factory.WithDbAsync(db => db.UploadedTemplates.Where(t => t.Id == "my-deduction").Select(t => t.Version).SingleAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/templates", new { yaml = Variant("my-deduction", "1.9.0") })).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.DeleteAsync(new Uri("/api/v1/templates/my-deduction", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync(new Uri("/api/v1/templates/us-standard-deduction", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(new Uri("/api/v1/templates/my-deduction", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync(new Uri("/api/v1/templates/my-deduction", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Bad_yaml_is_400_with_the_line_and_stores_nothing()
    {
        var client = await factory.ApiClientForNewUserAsync("Maintainer");
        var bad = Variant("bad-one").Replace("    default: 2026\n", "    default: 1999\n", StringComparison.Ordinal);
        var response = await client.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent(bad, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("line ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("line").GetInt32() > 1);

        var broken = await client.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent("schemaVersion: 1\nmetadata: [\n", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.UploadedTemplates.CountAsync(t => t.Id == "bad-one")));
    }

    [Fact]
    public async Task Shipped_id_is_409_and_only_maintainers_may_upload()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        Assert.Equal(HttpStatusCode.Conflict, (await maintainer.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent(Variant("us-standard-deduction", "9.0.0"), Encoding.UTF8, "application/yaml"))).StatusCode);
        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync(new Uri("/api/v1/templates", UriKind.Relative), new StringContent(Variant("analyst-one"), Encoding.UTF8, "application/yaml"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient().PostAsync(new Uri("/api/v2/templates", UriKind.Relative), new StringContent(Variant("anon-one"), Encoding.UTF8, "application/yaml"))).StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.UploadedTemplates.CountAsync(t => t.Id == "analyst-one" || t.Id == "anon-one")));
    }

    [Fact]
    public async Task Maintainer_uploads_through_the_page_and_sees_the_line_on_bad_input()
    {
        var email = $"m-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var browser = await factory.SignedInClientAsync(email);

        var bad = await HtmlForms.SubmitAsync(browser, "/templates", "upload-template", new() { ["Input.Yaml"] = "schemaVersion: 1\nmetadata: [\n" });
        var badHtml = await bad.Content.ReadAsStringAsync();
        Assert.Contains("form-problem", badHtml, StringComparison.Ordinal);
        Assert.Contains("line ", badHtml, StringComparison.Ordinal);

        var ok = await HtmlForms.SubmitAsync(browser, "/templates", "upload-template", new() { ["Input.Yaml"] = Variant("page-upload") });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.EndsWith("/templates/page-upload", ok.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Contains("page-upload", await browser.GetStringAsync(new Uri("/templates", UriKind.Relative)), StringComparison.Ordinal);

        // Analysts do not get the form.
        var analystEmail = $"a-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(analystEmail, TestPasswords.Strong, "Analyst");
        var analyst = await factory.SignedInClientAsync(analystEmail);
        Assert.DoesNotContain("upload-form", await analyst.GetStringAsync(new Uri("/templates", UriKind.Relative)), StringComparison.Ordinal);
    }

    private static string ReadShipped(string id)
    {
        using var stream = typeof(TemplateCatalog).Assembly.GetManifestResourceStream($"templates/{id}.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
