using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// Importing a microdata file produced elsewhere (here by <see cref="MicrodataFile.Write"/>) through
/// the API and through the data page's form: the release is registered with the file's exact bytes,
/// verifies, and certifies as a bundle. Hostile files: Hostile/MalformedUploadTests.Hdf5.cs.
/// </summary>
public sealed class DataImportTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_maintainer_imports_a_file_and_it_verifies_downloads_and_certifies()
    {
        var set = ImportFiles.WithColumns(ImportFiles.Population(), columns => columns.Append(new DoubleColumn("survey_flag", "person", new double[ImportFiles.Population().Rows["person"]])));
        var bytes = ImportFiles.Write(set);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");

        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-hdf5");
        var created = await maintainer.PostAsync("/api/v2/data-releases/us/2024.5.0/import?period=2024&file_name=../../survey%202024.h5", content);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        Assert.EndsWith("/api/v2/data-releases/us/2024.5.0", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var detail = JsonDocument.Parse(body).RootElement;
        var artifact = detail.GetProperty("artifacts").EnumerateArray().Single();
        Assert.Equal("national", artifact.GetProperty("name").GetString());
        Assert.Equal(sha256, artifact.GetProperty("sha256").GetString());
        Assert.Equal(bytes.LongLength, artifact.GetProperty("size_bytes").GetInt64());
        Assert.Equal("survey_2024.h5", artifact.GetProperty("path").GetString());
        foreach (var (entity, rows) in set.Rows)
        {
            Assert.Equal(rows, artifact.GetProperty("rows").GetProperty(entity).GetInt64());
        }

        Assert.Contains(detail.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("survey_flag", StringComparison.Ordinal));

        var analyst = await factory.ApiClientForNewUserAsync("Analyst");
        var manifest = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/data-releases/us/2024.5.0");
        var generator = manifest.GetProperty("generator");
        Assert.Equal("imported", generator.GetProperty("name").GetString());
        Assert.Equal("../../survey 2024.h5", generator.GetProperty("original_file_name").GetString());
        Assert.StartsWith("maintainer-", generator.GetProperty("uploaded_by").GetString(), StringComparison.Ordinal);
        Assert.Equal(2024, manifest.GetProperty("period").GetInt32());

        var verify = await analyst.GetFromJsonAsync<JsonElement>("/api/v2/data-releases/us/2024.5.0/verify");
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
        var download = await analyst.GetByteArrayAsync($"/api/v2/datasets/{artifact.GetProperty("id").GetInt64()}/download");
        Assert.Equal(bytes, download);

        var bundle = await maintainer.PostAsJsonAsync("/bundles", new { country = "us", model_version = "1.1.0", data_version = "2024.5.0" });
        var bundleBody = await bundle.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(bundle.StatusCode == HttpStatusCode.Created, bundleBody.ToString());
        Assert.True(bundleBody.GetProperty("certified").GetBoolean(), bundleBody.ToString());
    }

    [Fact]
    public async Task The_period_defaults_to_the_files_attribute_and_octet_stream_is_accepted()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Admin");
        using var content = new ByteArrayContent(ImportFiles.Valid("uk"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var created = await maintainer.PostAsync("/api/v2/data-releases/uk/2024.6.0/import", content);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var detail = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2024, detail.GetProperty("release").GetProperty("period").GetInt32());
        Assert.Equal("uk_2024.h5", detail.GetProperty("artifacts")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_maintainer_imports_through_the_data_page_form_and_reads_why_a_bad_file_is_refused()
    {
        var email = $"import-maintainer-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var browser = await factory.SignedInClientAsync(email);

        var refused = await PostImportAsync(browser, "us", "6.1.0", "2024", "random.h5", RandomBytes(8_192));
        Assert.Equal("/data#import-release", HtmlForms.RedirectTarget(refused));
        var page = await HtmlForms.GetDocumentAsync(browser, "/data");
        var alert = page.QuerySelectorAll(".alert").Select(a => a.TextContent).FirstOrDefault(t => t.Contains("Import refused", StringComparison.Ordinal));
        Assert.True(alert is not null, page.Body!.TextContent);
        Assert.Contains("not readable HDF5", alert, StringComparison.Ordinal);
        Assert.Null(await factory.WithDbAsync(db => Task.FromResult(db.DataReleases.FirstOrDefault(r => r.Version == "6.1.0"))));

        var badVersion = await PostImportAsync(browser, "us", "not-semver", "", "file.h5", ImportFiles.Valid());
        Assert.Equal("/data#import-release", HtmlForms.RedirectTarget(badVersion));
        var again = await HtmlForms.GetDocumentAsync(browser, "/data");
        var alerts = string.Join(" | ", again.QuerySelectorAll(".alert").Select(a => a.TextContent.Trim()));
        Assert.True(alerts.Contains("Version must be semantic", StringComparison.Ordinal), alerts);

        var imported = await PostImportAsync(browser, "us", "6.0.0", "", "survey.h5", ImportFiles.Valid());
        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        Assert.Equal("/data/us/6.0.0", HtmlForms.RedirectTarget(imported));
        var release = await HtmlForms.GetDocumentAsync(browser, "/data/us/6.0.0");
        Assert.Equal(64, release.QuerySelector("#manifest-revision")!.TextContent.Length);
        Assert.Contains(release.QuerySelectorAll(".alert"), a => a.TextContent.Contains("Imported us@6.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_analyst_gets_no_import_form_and_cannot_post_one()
    {
        var email = $"import-analyst-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Analyst");
        var browser = await factory.SignedInClientAsync(email);
        var page = await HtmlForms.GetDocumentAsync(browser, "/data");
        Assert.Null(page.QuerySelector("#import-release"));

        var token = HtmlForms.AntiforgeryToken(page);
        using var form = Multipart(token, "us", "6.2.0", "", "file.h5", ImportFiles.Valid());
        var response = await browser.PostAsync("/data/import", form);
        Assert.StartsWith("/account/access-denied", HtmlForms.RedirectTarget(response), StringComparison.Ordinal);
        Assert.Null(await factory.WithDbAsync(db => Task.FromResult(db.DataReleases.FirstOrDefault(r => r.Version == "6.2.0"))));
    }

    /// <summary>
    /// Two imports of one version with different files: at most one is registered, and the loser's
    /// blob does not stay in the store (it is deleted when registration fails after the put).
    /// </summary>
    [Fact]
    public async Task Concurrent_imports_of_one_version_register_one_and_leave_no_orphaned_blob()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var files = new[] { ImportFiles.Valid(seed: 21), ImportFiles.Valid(seed: 22) };
        var blobs = Path.Combine(factory.DataDir, "artifacts", "sha256");
        var before = Blobs(blobs);
        var responses = await Task.WhenAll(files.Select(async file =>
        {
            using var content = new ByteArrayContent(file);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-hdf5");
            return await maintainer.PostAsync("/api/v2/data-releases/us/2024.7.0/import?period=2024", content);
        }));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var winner = files[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Created)];
        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(winner))], Blobs(blobs).Except(before));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "artifacts", "staging"), "import-*"));

        static HashSet<string> Blobs(string root) =>
            Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().ToHashSet() : [];
    }

    /// <summary>Posts the data page's import form as a browser would: its antiforgery token, fields and the file.</summary>
    private static async Task<HttpResponseMessage> PostImportAsync(HttpClient browser, string country, string version, string period, string fileName, byte[] file)
    {
        var page = await HtmlForms.GetDocumentAsync(browser, "/data");
        var form = page.QuerySelector("#import-release form") as IHtmlFormElement ?? throw new Xunit.Sdk.XunitException("No import form on /data.");
        Assert.Equal("multipart/form-data", form.GetAttribute("enctype"));
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = Multipart(token, country, version, period, fileName, file);
        return await browser.PostAsync(form.GetAttribute("action"), content);
    }

    private static MultipartFormDataContent Multipart(string token, string country, string version, string period, string fileName, byte[] file)
    {
        var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(country), "country" },
            { new StringContent(version), "version" },
            { new StringContent(period), "period" },
        };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/x-hdf5");
        content.Add(part, "file", fileName);
        return content;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}
