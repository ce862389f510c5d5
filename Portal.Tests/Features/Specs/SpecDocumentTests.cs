using System.Text.Json.Nodes;
using Portal.Core.Features.Specs;
using Portal.Tests.Models;

namespace Portal.Tests.Features.Specs;

public sealed class SpecDocumentTests
{
    private const string Sample = """
        schemaVersion: 1
        spec:
          country: us
          bundle: latest
          time_period: 2026
          region: state/ca
          reform:
            - {path: gov.irs.deductions.standard.SINGLE, start: 2026-01-01, stop: null, value: 16000}
            - path: gov.irs.credits.ctc.refundable.rate
              start: 2026-01-01
              stop: 2027-12-31
              value: 0.2
          outputs: [decile, budget]
        """;

    // Computed independently: python3 json.dumps(sort_keys=True, separators=(",",":"), ensure_ascii=False) + hashlib.sha256.
    private const string SampleCanonical =
        """{"bundle":"latest","country":"us","outputs":["budget","decile"],"reform":[{"path":"gov.irs.credits.ctc.refundable.rate","start":"2026-01-01","stop":"2027-12-31","value":0.2},{"path":"gov.irs.deductions.standard.SINGLE","start":"2026-01-01","stop":null,"value":16000}],"region":"state/CA","time_period":2026}""";

    private const string SampleSha256 = "2dec1470e1adbd582ee8e28c54dfc64990ec1d5bc69c3e93b09ad00616950a02";

    [Fact]
    public void Parses_the_pinned_format_and_normalises_region()
    {
        var doc = SpecDocument.Parse(Sample);
        Assert.True(doc.Succeeded, doc.Problem?.Describe());
        var spec = doc.Value!.Spec;
        Assert.Equal(("us", "latest", 2026, "state/CA"), (spec.Country, spec.Bundle, spec.TimePeriod, spec.Region));
        Assert.Equal(2, spec.Reform.Count);
        Assert.Null(spec.Reform[0].Stop);
        Assert.Equal(new DateOnly(2027, 12, 31), spec.Reform[1].Stop);
        Assert.Equal(["decile", "budget"], spec.Outputs);
        Assert.Null(doc.Value.EmbeddedProvenance);
    }

    [Fact]
    public void Canonical_json_and_hash_match_fixed_vectors()
    {
        var spec = SpecDocument.Parse(Sample).Value!.Spec;
        Assert.Equal(SampleCanonical, SpecCanonical.Json(spec));
        Assert.Equal(SampleSha256, SpecCanonical.Sha256(spec));
        Assert.Equal("sha256-canonical-json-v1", SpecCanonical.Algorithm);
    }

    [Fact]
    public void Empty_baseline_vector()
    {
        var spec = SpecDocument.Parse("schemaVersion: 1\nspec: {country: UK, bundle: latest, time_period: 2026, region: uk, reform: [], outputs: [budget]}\n").Value!.Spec;
        Assert.Equal("""{"bundle":"latest","country":"uk","outputs":["budget"],"reform":[],"region":"uk","time_period":2026}""", SpecCanonical.Json(spec));
        Assert.Equal("8b906c493c51171371f9152a1eb480d5f4a81b9cdf1afeb62497451f302b1910", SpecCanonical.Sha256(spec));
    }

    [Fact]
    public void ToYaml_round_trips_and_the_hash_ignores_embedded_provenance_and_layout()
    {
        var doc = SpecDocument.Parse(Sample).Value!;
        var yaml = doc.ToYaml(withProvenance: false);
        Assert.Equal("""
            schemaVersion: 1
            spec:
              country: us
              bundle: latest
              time_period: 2026
              region: state/CA
              reform:
                - path: gov.irs.deductions.standard.SINGLE
                  start: 2026-01-01
                  stop: null
                  value: 16000
                - path: gov.irs.credits.ctc.refundable.rate
                  start: 2026-01-01
                  stop: 2027-12-31
                  value: 0.2
              outputs: [decile, budget]

            """.Replace("\r\n", "\n", StringComparison.Ordinal), yaml);
        Assert.Equal(yaml, SpecDocument.Parse(yaml).Value!.ToYaml(false));

        var withProvenance = doc with { EmbeddedProvenance = new JsonObject { ["source"] = "portal-sim", ["parameters"] = new JsonObject { ["count"] = "6" } } };
        var embedded = withProvenance.ToYaml(withProvenance: true);
        Assert.Equal("schemaVersion: 1\nprovenance:\n  source: portal-sim\n  parameters:\n    count: \"6\"\nspec:\n", embedded[..embedded.IndexOf("  country", StringComparison.Ordinal)]);
        var reparsed = SpecDocument.Parse(embedded).Value!;
        Assert.Equal(SampleSha256, SpecCanonical.Sha256(reparsed.Spec));
        Assert.Equal("\"6\"", reparsed.EmbeddedProvenance!["parameters"]!["count"]!.ToJsonString());
        Assert.Equal(yaml, reparsed.ToYaml(withProvenance: false));
    }

    [Theory]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundle: latest\n  time_period: 2026\n  region: us\n  reform: []\n  outputs: [budget, bogus]\n", 8, 21, "spec.outputs[1]", "unknown output 'bogus'")]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundle: latest\n  time_period: \"2026\"\n  region: us\n  outputs: [budget]\n", 5, 16, "spec.time_period", "expected a year")]
    [InlineData("schemaVersion: 2\nspec: {}\n", 1, 16, "schemaVersion", "unsupported schemaVersion 2")]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundel: latest\n", 4, 3, "spec.bundel", "unknown key 'bundel'")]
    [InlineData("schemaVersion: 1\nspec:\n  country: [us\n", 4, 1, "$", "")]
    [InlineData("schemaVersion: 1\nspec:\n  country: uk\n  bundle: latest\n  time_period: 2026\n  region: uk\n  reform:\n    - path: gov.x\n      start: 2026-13-01\n      value: 1\n  outputs: [district]\n", 9, 14, "spec.reform[0].start", "expected a date")]
    [InlineData("schemaVersion: 1\nspec:\n  country: us\n  bundle: latest\n  time_period: 2026\n  region: us\n  reform:\n    - {path: gov.x, start: 2026-01-01, value: \"5\"}\n  outputs: [budget]\n", 8, 47, "spec.reform[0].value", "expected a number")]
    public void Errors_carry_line_and_column(string yaml, int line, int column, string field, string message)
    {
        var result = SpecDocument.Parse(yaml);
        Assert.False(result.Succeeded);
        var problem = result.Problem!;
        Assert.True(problem.Errors!.ContainsKey(field), string.Join(" | ", problem.Errors.Select(e => $"{e.Key}: {string.Join(";", e.Value)}")));
        Assert.Contains(problem.Errors[field], m => m.StartsWith($"line {line}, column {column}: ", StringComparison.Ordinal) && m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Overlapping_periods_and_country_specific_outputs_are_rejected()
    {
        var result = SpecDocument.Parse("""
            schemaVersion: 1
            spec:
              country: uk
              bundle: latest
              time_period: 2026
              region: uk
              reform:
                - {path: gov.hmrc.x, start: 2026-01-01, value: 1}
                - {path: GOV.hmrc.x, start: 2027-01-01, value: 2}
              outputs: [district, constituency]
            """);
        var errors = result.Problem!.Errors!;
        Assert.Contains("overlaps", errors["spec.reform[1]"][0], StringComparison.Ordinal);
        Assert.Contains("only for country us", errors["spec.outputs[0]"][0], StringComparison.Ordinal);
        Assert.False(errors.ContainsKey("spec.outputs[1]"));
    }

    [Fact]
    public void Model_check_resolves_paths()
    {
        var spec = SpecDocument.Parse(Sample).Value!.Spec;
        var model = ShippedModels.Catalog.Find("us")!;
        Assert.Null(SpecModelCheck.Check(spec, model));
        var bad = spec with { Reform = [spec.Reform[0] with { Path = "gov.irs.deductions.standard.SINGEL" }] };
        var problem = SpecModelCheck.Check(bad, model)!;
        Assert.Contains("spec.reform[0].path", problem.Errors!.Keys);
    }

    [Theory]
    [InlineData(16000.0, "16000")]
    [InlineData(0.2, "0.2")]
    [InlineData(-0.0, "0")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(123.456, "123.456")]
    [InlineData(-5e-324, "-5e-324")]
    public void Numbers_are_written_the_ecmascript_way(double value, string expected) =>
        Assert.Equal(expected, CanonicalJson.Number(value));
}
