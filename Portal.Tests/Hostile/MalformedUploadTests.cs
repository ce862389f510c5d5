using System.Diagnostics;
using System.Text;
using Portal.Core.Features.Templates;
using Portal.Hosting;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hostile;

/// <summary>
/// Issue 9, malformed uploads: template YAML (POST /api/v1/templates), run specs (POST /v1/run) and
/// HDF5 imports (POST /api/v2/data-releases/{country}/{version}/import, in MalformedUploadTests.Hdf5.cs)
/// that are broken, bombs, wrong-typed, unknown-keyed, truncated, corrupted or huge get a clear 4xx
/// problem within seconds, and nothing is stored (database rows and data directory unchanged, the
/// import's staging file included). The H5 reader's own fuzzing is Hdf5/H5StreamingAndFuzzTests; the
/// import's happy path is Integration/DataImportTests.
/// </summary>
public sealed partial class MalformedUploadTests(MalformedUploadTests.Factory factory) : IClassFixture<MalformedUploadTests.Factory>
{
    private static readonly string Shipped = ReadShipped("us-standard-deduction");

    /// <summary>The real application with a small import limit (<see cref="ImportLimit"/>).</summary>
    public sealed class Factory : PortalFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Data:MaxImportBytes", ImportLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    public static TheoryData<string> TemplateCases => [.. Templates().Select(t => t.Name)];

    public static TheoryData<string> SpecCases => [.. Specs().Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TemplateCases))]
    public async Task A_malformed_template_is_rejected_and_nothing_is_stored(string name)
    {
        var (_, body, contentType) = Templates().Single(t => t.Name == name);
        await RejectsAsync(await factory.ApiClientForNewUserAsync("Admin"), new Payload("template: " + name, "POST", "/api/v1/templates", body, contentType));
    }

    [Theory]
    [MemberData(nameof(SpecCases))]
    public async Task A_malformed_spec_is_rejected_and_nothing_is_stored(string name)
    {
        var (_, body, contentType) = Specs().Single(t => t.Name == name);
        await RejectsAsync(await factory.ApiClientForNewUserAsync("Admin"), new Payload("spec: " + name, "POST", "/v1/run", body, contentType));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"source\": \"portal-sim\", \"source\": \"other\"}")]
    [InlineData("{\"model_id\": 5}")]
    public async Task A_malformed_provenance_header_is_rejected(string header)
    {
        var client = await factory.ApiClientForNewUserAsync("Admin");
        var spec = Encoding.UTF8.GetBytes(Spec("  bundle: latest\n"));
        await RejectsAsync(client, new Payload($"X-Model-Provenance: {header}", "POST", "/v1/run", spec, "application/yaml"),
            r => r.Headers.TryAddWithoutValidation("X-Model-Provenance", header));
    }

    private async Task RejectsAsync(HttpClient client, Payload payload, Action<HttpRequestMessage>? configure = null)
    {
        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(client, state);
        var clock = Stopwatch.StartNew();
        var response = await hostile.SendAsync(payload, configure);
        Assert.True(hostile.FailureCount == 0, hostile.Report());
        Assert.True((int)response.StatusCode is 400 or 413 or 415 or 422, $"{payload.Kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{payload.Kind} took {clock.Elapsed}");
    }

    private static IEnumerable<(string Name, byte[] Body, string ContentType)> Templates()
    {
        const string Yaml = "application/yaml";
        static byte[] U(string text) => Encoding.UTF8.GetBytes(text);
        yield return ("empty", [], Yaml);
        yield return ("unclosed flow mapping", U("schemaVersion: 1\nmetadata: {id: x\n"), Yaml);
        yield return ("tab indentation", U("schemaVersion: 1\nmetadata:\n\tid: x\n"), Yaml);
        yield return ("a sequence, not a mapping", U("- a\n- b\n"), Yaml);
        yield return ("a scalar", U("hello"), "text/plain");
        yield return ("billion laughs", U(BillionLaughs()), Yaml);
        yield return ("undefined alias", U("schemaVersion: 1\nmetadata: *nowhere\n"), Yaml);
        yield return ("deep flow nesting", U(new string('[', 10_000) + new string(']', 10_000)), Yaml);
        yield return ("deep block nesting", U(DeepBlocks(3_000)), Yaml);
        yield return ("over 256 KiB", U(Shipped + "\n" + string.Concat(Enumerable.Repeat("# padding padding padding padding padding\n", 7_000))), Yaml);
        yield return ("over the body limit", new byte[RequestGuards.MaxBodyBytes + 1], Yaml);
        yield return ("random bytes", RandomBytes(4_096, 1), "application/octet-stream");
        yield return ("invalid UTF-8", [.. U("schemaVersion: 1\nmetadata:\n  id: "), 0xC3, 0x28, 0xFF, .. U("\n")], Yaml);
        yield return ("wrong type: version is a list", U(Variant("typed").Replace("version: 1.0.0", "version: [1, 2]", StringComparison.Ordinal)), Yaml);
        yield return ("wrong type: parameters is a scalar", U(Shipped[..Shipped.IndexOf("parameters:", StringComparison.Ordinal)].Replace("id: us-standard-deduction", "id: scalar-params", StringComparison.Ordinal) + "parameters: 5\n"), Yaml);
        yield return ("unknown top-level key", U(Variant("unknown-key") + "surprise: 1\n"), Yaml);
        yield return ("id with path traversal", U(Variant("../../etc/passwd")), Yaml);
        yield return ("id with a NUL", U(Variant("nul\0id")), Yaml);
        yield return ("JSON: yaml is a number", U("{\"yaml\": 5}"), "application/json");
        yield return ("JSON: yaml is null", U("{\"yaml\": null}"), "application/json");
        yield return ("JSON: duplicate yaml member", U("{\"yaml\": \"a\", \"yaml\": \"b\"}"), "application/json");
        yield return ("JSON: not JSON", U("{yaml: "), "application/json");
        yield return ("JSON: an array", U("[]"), "application/json");
    }

    private static IEnumerable<(string Name, byte[] Body, string ContentType)> Specs()
    {
        const string Yaml = "application/yaml";
        static byte[] U(string text) => Encoding.UTF8.GetBytes(text);
        yield return ("empty", [], Yaml);
        yield return ("unclosed flow", U("schemaVersion: 1\nspec: {country: us\n"), Yaml);
        yield return ("a scalar", U("run it"), "text/plain");
        yield return ("billion laughs", U(BillionLaughs()), Yaml);
        yield return ("deep flow nesting", U("schemaVersion: 1\nspec: " + new string('[', 10_000) + new string(']', 10_000)), Yaml);
        yield return ("deep block nesting", U(DeepBlocks(3_000)), Yaml);
        yield return ("over 256 KiB", U(Spec("  bundle: latest\n") + string.Concat(Enumerable.Repeat("# padding padding padding padding padding\n", 7_000))), Yaml);
        yield return ("over the body limit", new byte[RequestGuards.MaxBodyBytes + 1], Yaml);
        // As YAML: under another content type the route does not match and the API fallback answers 415 (ApiFallbackTests).
        yield return ("random bytes", RandomBytes(4_096, 2), Yaml);
        yield return ("invalid UTF-8", [.. U("schemaVersion: 1\nspec:\n  country: "), 0xC3, 0x28, 0xFF, .. U("\n")], Yaml);
        yield return ("wrong type: time_period is text", U(Spec("  bundle: latest\n").Replace("time_period: 2024", "time_period: soon", StringComparison.Ordinal)), Yaml);
        yield return ("wrong type: reform is a number", U(Spec("  bundle: latest\n", reform: "  reform: 5\n")), Yaml);
        yield return ("wrong type: country is a list", U(Spec("  bundle: latest\n").Replace("country: us", "country: [us, uk]", StringComparison.Ordinal)), Yaml);
        yield return ("huge number", U(Spec("  bundle: latest\n").Replace("time_period: 2024", "time_period: 1e308", StringComparison.Ordinal)), Yaml);
        yield return ("unknown key in spec", U(Spec("  bundle: latest\n  surprise: 1\n")), Yaml);
        yield return ("unknown top-level key", U("surprise: 1\n" + Spec("  bundle: latest\n")), Yaml);
        yield return ("schema version 99", U(Spec("  bundle: latest\n").Replace("schemaVersion: 1", "schemaVersion: 99", StringComparison.Ordinal)), Yaml);
        yield return ("bundle with path traversal", U(Spec("  bundle: ../../../etc/passwd\n")), Yaml);
        yield return ("a bundle that does not exist", U(Spec("  bundle: nope-not-here\n")), Yaml);
    }

    private static string Spec(string bundleLine, string? reform = null) =>
        "schemaVersion: 1\nspec:\n  country: us\n" + bundleLine + "  time_period: 2024\n  region: us\n"
        + (reform ?? "  reform:\n    - path: gov.irs.deductions.standard.SINGLE\n      start: 2024-01-01\n      stop: null\n      value: 1\n")
        + "  outputs: [budget]\n";

    /// <summary>Nine anchors, each nine aliases of the one before: a billion strings if aliases were expanded.</summary>
    private static string BillionLaughs()
    {
        var text = new StringBuilder("schemaVersion: 1\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            text.Append($"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        return text.Append("metadata: *a9\nspec: *a9\n").ToString();
    }

    private static string DeepBlocks(int depth)
    {
        var text = new StringBuilder("schemaVersion: 1\nspec:\n");
        for (var i = 1; i <= depth; i++)
        {
            text.Append(' ', i).Append("k:\n");
        }

        return text.ToString();
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Variant(string id) => Shipped.Replace("id: us-standard-deduction", $"id: {id}", StringComparison.Ordinal);

    private static string ReadShipped(string id)
    {
        using var stream = typeof(TemplateCatalog).Assembly.GetManifestResourceStream($"templates/{id}.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
