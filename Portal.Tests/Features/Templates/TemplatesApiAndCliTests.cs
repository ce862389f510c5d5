using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Cli;
using Portal.Core.Features.Specs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Templates;

/// <summary>The Sim API and the <c>generate</c> verb (in-process, console captured), and their byte equality.</summary>
[Collection("Console")]
public sealed class TemplatesApiAndCliTests(PortalFactory factory) : IClassFixture<PortalFactory>, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Lists_filters_and_shows_templates_to_any_signed_in_user()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient().GetAsync(new Uri("/api/v1/templates", UriKind.Relative))).StatusCode);
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates");
        Assert.True(all.GetArrayLength() >= 6);
        var uk = await client.GetFromJsonAsync<JsonElement>("/api/v2/templates?tag=UK");
        Assert.All(uk.EnumerateArray(), t => Assert.StartsWith("uk-", t.GetProperty("id").GetString(), StringComparison.Ordinal));
        var detail = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/us-ctc-expansion");
        var year = detail.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "year");
        Assert.Equal(("integer", 2026, 2025d), (year.GetProperty("type").GetString(), year.GetProperty("default").GetInt32(), year.GetProperty("min").GetDouble()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/templates/nope", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Generate_returns_model_and_provenance_and_bad_parameters_are_400_naming_them()
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var ok = await client.PostAsync(new Uri("/api/v1/templates/uk-child-benefit-uplift/generate?embed_provenance=true", UriKind.Relative), Json("""{"eldest_weekly": 40}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        var model = body.GetProperty("model").GetString()!;
        Assert.StartsWith("schemaVersion: 1\nprovenance:\n", model, StringComparison.Ordinal);
        Assert.Equal(40, body.GetProperty("provenance").GetProperty("parameters").GetProperty("eldest_weekly").GetInt32());
        Assert.Equal("portal-sim", body.GetProperty("provenance").GetProperty("source").GetString());
        Assert.True(SpecDocument.Parse(model).Succeeded);

        var empty = await client.PostAsync(new Uri("/api/v1/templates/uk-child-benefit-uplift/generate", UriKind.Relative), Json(""));
        Assert.StartsWith("schemaVersion: 1\nspec:\n", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString(), StringComparison.Ordinal);

        var bad = await client.PostAsync(new Uri("/api/v1/templates/uk-child-benefit-uplift/generate", UriKind.Relative), Json("""{"eldest_weekly": 1000, "colour": "red"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("between 0 and 200", problem.GetProperty("errors").GetProperty("eldest_weekly")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Unknown parameter 'colour'", problem.GetProperty("errors").GetProperty("colour")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(new Uri("/api/v1/templates/uk-child-benefit-uplift/generate", UriKind.Relative), Json("[1]"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri("/api/v1/templates/nope/generate", UriKind.Relative), Json("{}"))).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cli_files_equal_the_api_output_byte_for_byte(bool embed)
    {
        var client = await factory.ApiClientForNewUserAsync("Analyst");
        var response = await client.PostAsync(new Uri($"/api/v1/templates/us-standard-deduction/generate?embed_provenance={embed}", UriKind.Relative),
            Json("""{"single_amount": 18000.5, "year": 2027, "region": "state/CA"}"""));
        var raw = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(raw);
        var generatedAt = doc.RootElement.GetProperty("provenance").GetProperty("generated_at").GetString()!;

        var spec = Path.Combine(_temp.Path, "spec.yaml");
        var provenance = Path.Combine(_temp.Path, "provenance.json");
        var parameters = Path.Combine(_temp.Path, "params.json");
        File.WriteAllText(parameters, """{"single_amount": 1, "region": "state/CA"}""");
        string[] args = ["generate", "--template", "us-standard-deduction", "--params", parameters, "--param", "single_amount=18000.5", "--param", "year=2027",
            "--output", spec, "--generated-at", generatedAt];
        var (exit, _, err) = await Run(embed ? [.. args, "--embed-provenance"] : [.. args, "--provenance", provenance]);
        Assert.True(exit == 0, err);

        Assert.Equal(Encoding.UTF8.GetBytes(doc.RootElement.GetProperty("model").GetString()!), File.ReadAllBytes(spec));
        if (!embed)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(doc.RootElement.GetProperty("provenance").GetRawText()), File.ReadAllBytes(provenance));
        }
    }

    [Fact]
    public async Task Cli_rejects_both_provenance_flags_and_bad_params()
    {
        var spec = Path.Combine(_temp.Path, "spec.yaml");
        var (exit, _, err) = await Run("generate", "--template", "us-ctc-expansion", "--output", spec, "--provenance", Path.Combine(_temp.Path, "p.json"), "--embed-provenance");
        Assert.Equal(2, exit);
        Assert.Contains("mutually exclusive", err, StringComparison.Ordinal);
        Assert.False(File.Exists(spec));

        (exit, _, err) = await Run("generate", "--template", "us-ctc-expansion", "--param", "year=soon", "--output", spec);
        Assert.Equal(1, exit);
        Assert.Contains("'year' is an integer; 'soon' is not", err, StringComparison.Ordinal);

        (exit, _, err) = await Run("generate", "--template", "us-ctc-expansion", "--param", "year=2050", "--output", spec);
        Assert.Equal(1, exit);
        Assert.Contains("between 2025 and 2035", err, StringComparison.Ordinal);

        (exit, _, _) = await Run("generate", "--template", "nope", "--output", spec);
        Assert.Equal(3, exit);

        // Neither flag: the spec alone; stdout when no --output.
        string output;
        (exit, output, _) = await Run("generate", "--template", "us-ctc-expansion", "--param", "amount_per_child=3600");
        Assert.Equal(0, exit);
        Assert.StartsWith("schemaVersion: 1\nspec:\n  country: us\n", output, StringComparison.Ordinal);
        Assert.Contains("value: 3600\n", output, StringComparison.Ordinal);
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await PortalCli.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
