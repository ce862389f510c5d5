using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Portal.Core.Microdata;
using Portal.Hosting;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hostile;

/// <summary>HDF5 imports: hostile files, wrong content types, the byte cap, conflicts and roles.</summary>
public sealed partial class MalformedUploadTests
{
    /// <summary>A small import limit, so "over the limit" is a 1 MiB body rather than a 1 GiB one.</summary>
    public const long ImportLimit = 1 << 20;

    private const string Hdf5 = "application/x-hdf5";

    public static TheoryData<string> H5Cases => [.. H5Files().Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(H5Cases))]
    public async Task A_malformed_h5_import_is_rejected_with_a_clear_problem_and_nothing_is_stored(string name)
    {
        var (_, body, expected) = H5Files().Single(t => t.Name == name);
        var client = await factory.ApiClientForNewUserAsync("Maintainer");
        var (_, detail) = await RejectsImportAsync(client, name, body, Hdf5, body.Length > ImportLimit ? 413 : 400);
        Assert.Contains(expected, detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task An_h5_import_with_the_wrong_content_type_is_415(string? contentType)
    {
        var client = await factory.ApiClientForNewUserAsync("Maintainer");
        var (_, detail) = await RejectsImportAsync(client, $"content type {contentType}", ImportFiles.Valid(), contentType, 415);
        Assert.Contains("application/x-hdf5", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_h5_import_over_the_limit_without_a_length_is_413_while_streaming()
    {
        var client = await factory.ApiClientForNewUserAsync("Maintainer");
        var body = new byte[ImportLimit + 4096];
        var (_, detail) = await RejectsImportAsync(client, "chunked over the limit", body, Hdf5, 413, request =>
        {
            // No Content-Length: the guard cannot refuse up front, so the handler's byte count must.
            request.Content = new StreamContent(new UnseekableStream(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(Hdf5);
        });
        Assert.Contains("limit", detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_h5_import_of_an_existing_version_is_409_and_callers_without_the_role_are_refused()
    {
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var valid = ImportFiles.Valid();
        using (var content = new ByteArrayContent(valid))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(Hdf5);
            using var first = await maintainer.PostAsync(ImportUrl("7.0.0"), content);
            Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        }

        var (_, conflict) = await RejectsImportAsync(maintainer, "existing version", valid, Hdf5, 409, version: "7.0.0");
        Assert.Contains("already exists", conflict, StringComparison.Ordinal);

        await RejectsImportAsync(factory.ApiClient(), "anonymous", valid, Hdf5, 401);
        await RejectsImportAsync(await factory.ApiClientForNewUserAsync("Analyst"), "analyst", valid, Hdf5, 403);
        await RejectsImportAsync(await factory.ApiClientForNewUserAsync("Reviewer"), "reviewer", valid, Hdf5, 403);
    }

    /// <summary>
    /// The page's import form: a file over the import limit but inside the multipart allowance reaches
    /// the handler and is refused with a readable message; a chunked body past the form's multipart limit
    /// (the endpoint's form options, not ASP.NET's 128 MB default) is refused before the handler. Neither stores anything.
    /// </summary>
    [Fact]
    public async Task The_import_form_refuses_files_over_the_limit_and_stores_nothing()
    {
        var email = $"import-form-{Guid.NewGuid():N}@example.org";
        await factory.CreateUserAsync(email, TestPasswords.Strong, "Maintainer");
        var browser = await factory.SignedInClientAsync(email);
        var token = HtmlForms.AntiforgeryToken(await HtmlForms.GetDocumentAsync(browser, "/data"));
        using var state = new StateSnapshot(factory.DataDir);

        using (var over = await browser.PostAsync("/data/import", Form(token, new byte[ImportLimit + 10])))
        {
            Assert.Equal("/data#import-release", HtmlForms.RedirectTarget(over));
        }

        var page = await HtmlForms.GetDocumentAsync(browser, "/data");
        Assert.Contains(page.QuerySelectorAll(".alert"), a => a.TextContent.Contains("larger than the import limit", StringComparison.Ordinal));

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/data/import") { Content = Form(token, new byte[ImportLimit + RequestGuards.MultipartOverheadBytes + 65_536]) };
        chunked.Headers.TransferEncodingChunked = true;
        using var refused = await browser.SendAsync(chunked);
        Assert.True((int)refused.StatusCode is 400 or 413, $"expected 400/413, got {(int)refused.StatusCode}");
        Assert.Equal("", state.Changes());

        static MultipartFormDataContent Form(string token, byte[] file) => new()
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("us"), "country" },
            { new StringContent("9.3.0"), "version" },
            { new ByteArrayContent(file), "file", "big.h5" },
        };
    }

    /// <summary>Sends one import through <see cref="HostileClient"/> (problem+json, no state change) and checks status, detail and time.</summary>
    private async Task<(int Status, string Detail)> RejectsImportAsync(
        HttpClient client, string kind, byte[] body, string? contentType, int status, Action<HttpRequestMessage>? configure = null, string version = "9.1.0")
    {
        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(client, state);
        var clock = Stopwatch.StartNew();
        using var response = await hostile.SendAsync(new Payload("h5 import: " + kind, "POST", ImportUrl(version), body, contentType), configure);
        Assert.True(hostile.FailureCount == 0, hostile.Report());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{kind}: expected {status}, got {(int)response.StatusCode} {text}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{kind} took {clock.Elapsed}");
        var detail = JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        Assert.True(status == 401 || detail.Length >= 20, $"{kind}: the problem has no useful detail: {text}");
        var staging = Path.Combine(factory.DataDir, "artifacts", "staging");
        Assert.False(Directory.Exists(staging) && Directory.EnumerateFiles(staging, "import-*").Any(), "a staging file was left behind");
        return ((int)response.StatusCode, detail);
    }

    private static string ImportUrl(string version) => $"/api/v2/data-releases/us/{version}/import?period=2024";

    /// <summary>Hostile H5 bodies and a phrase the problem's detail must contain.</summary>
    private static IEnumerable<(string Name, byte[] Body, string Expected)> H5Files()
    {
        var valid = ImportFiles.Valid();
        var set = ImportFiles.Population();
        var persons = set.Rows["person"];
        var households = set.Rows["household"];
        yield return ("empty body", [], "empty");
        yield return ("random bytes", RandomBytes(65_536, 3), "no superblock signature");
        yield return ("HDF5 signature then garbage", [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A, .. RandomBytes(4_096, 4)], "not readable HDF5");
        foreach (var fraction in new[] { 0.02, 0.25, 0.5, 0.75, 0.999 })
        {
            yield return (string.Create(CultureInfo.InvariantCulture, $"truncated at {fraction:P1}"), valid[..(int)(valid.Length * fraction)], "not readable HDF5");
        }

        // Superblock v0: version (8), size of offsets (13), base address (24), root object header address (64, 71).
        foreach (var offset in new[] { 8, 13, 24, 64, 71 })
        {
            yield return ($"superblock byte {offset} flipped", Flip(valid, offset), "HDF5");
        }

        // The root group's object header (version 1): its version byte and its header size (a flipped
        // message count alone is harmless: the reader walks the messages the header size holds).
        var root = (int)BitConverter.ToInt64(valid, 64);
        yield return ("root object header version flipped", Flip(valid, root), "HDF5");
        yield return ("root object header size flipped", Flip(valid, root + 8), "HDF5");

        yield return ("a dataset shorter than its entity", ImportFiles.Write(ImportFiles.Replace(set, new DoubleColumn("employment_income", "person", new double[persons - 1]))),
            string.Create(CultureInfo.InvariantCulture, $"/employment_income/2024 has {persons - 1:N0} values, but person has {persons:N0} rows"));
        yield return ("a root row count that disagrees with the ids", RowsAttribute(set, households + 1), "rows_household");
        yield return ("missing required variable", ImportFiles.Write(ImportFiles.WithColumns(set, columns => columns.Where(c => c.Name != "person_household_id"))),
            "/person_household_id/2024 is missing");
        yield return ("strings where numbers are expected", ImportFiles.Write(ImportFiles.Replace(set, new CategoryColumn("employment_income", "person", ["lots", "little"], new int[persons]))),
            "employment_income");
        yield return ("NaN weights", ImportFiles.Write(ImportFiles.Replace(set, new DoubleColumn("household_weight", "household", Enumerable.Repeat(double.NaN, households).ToArray()))),
            "household_weight");
        yield return ("a file of another country", ImportFiles.Valid("uk"), "country is 'uk'");
        yield return ("a huge declared dimension", HugeDimension(set), "decoded data");
        yield return ("a deflate bomb", ImportFiles.DeflateBomb(), "expands beyond the chunk size");
        yield return ("over the import limit", new byte[ImportLimit + 1], "limit");
    }

    /// <summary>A file whose root attribute rows_household disagrees with /household_id/2024.</summary>
    private static byte[] RowsAttribute(MicrodataSet set, int households)
    {
        var rows = set.Rows.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        rows["household"] = households;
        return ImportFiles.Write(new MicrodataSet(set.Country, set.Period, rows, set.Columns, set.Raking));
    }

    /// <summary>An extra column of 777 values whose dataspace is patched to claim 2^40 of them.</summary>
    private static byte[] HugeDimension(MicrodataSet set)
    {
        var file = ImportFiles.Write(ImportFiles.WithColumns(set, columns => columns.Append(new DoubleColumn("survey_extra", "survey", new double[777]))));
        var patched = ImportFiles.PatchInt64(file, 777, 1L << 40, out var count);
        Assert.True(count >= 1, "the dataspace dimension was not found");
        return patched;
    }

    private static byte[] Flip(byte[] bytes, int offset)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] ^= 0xFF;
        return copy;
    }

    /// <summary>A body whose length the client cannot know up front: sent chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
