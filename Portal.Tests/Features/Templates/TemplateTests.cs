using System.Text.Json.Nodes;
using Portal.Core.Features.Specs;
using Portal.Core.Features.Templates;
using Portal.Tests.Models;

namespace Portal.Tests.Features.Templates;

public sealed class TemplateTests
{
    internal static readonly DateTimeOffset FixedTime = new(2026, 12, 2, 3, 51, 32, TimeSpan.Zero);

    internal const string TypesTemplate = """
        schemaVersion: 1
        metadata: {id: test-types, version: "1", title: Types}
        parameters:
          - {name: label, type: string, title: Label, default: "6"}
          - {name: count, type: integer, title: Count, default: 6, min: 0, max: 100}
        spec:
          country: us
          bundle: ${label}
          time_period: 2026
          region: us
          reform:
            - path: gov.irs.credits.ctc.amount.child
              start: 2026-01-01
              value: ${count}
          outputs: [budget]
        """;

    private static readonly TemplateCatalog Catalog = TemplateCatalog.LoadShipped();

    [Fact]
    public void Every_shipped_template_generates_with_defaults_and_its_paths_resolve_in_every_release()
    {
        Assert.True(Catalog.Shipped.Count >= 6);
        Assert.Contains(Catalog.Shipped, t => t.Tags.Contains("ubi"));
        foreach (var template in Catalog.Shipped)
        {
            var generated = GenerateSpecHandler.Generate(template, null, embed: false, FixedTime, ShippedModels.Catalog);
            Assert.True(generated.Succeeded, $"{template.Id}: {generated.Problem?.Describe()}");
            var reparsed = SpecDocument.Parse(generated.Value!.Model);
            Assert.True(reparsed.Succeeded, $"{template.Id}: {reparsed.Problem?.Describe()}");
            Assert.NotEmpty(reparsed.Value!.Spec.Reform);
            foreach (var model in ShippedModels.Catalog.Releases(reparsed.Value.Spec.Country))
            {
                Assert.Null(SpecModelCheck.Check(reparsed.Value.Spec, model));
            }
        }
    }

    // Expected hashes computed independently:
    // python3 -c 'import hashlib,json; print(hashlib.sha256((tid+":"+json.dumps(p,sort_keys=True,separators=(",",":"),ensure_ascii=False)).encode()).hexdigest()[:8])'
    [Fact]
    public void Model_id_fixed_vectors()
    {
        var defaults = new JsonObject { ["year"] = 2026L, ["single_amount"] = 20000d, ["region"] = "us", ["joint_amount"] = 40000d, ["head_of_household_amount"] = 30000d, ["bundle"] = "latest" };
        Assert.Equal("model_20261202T035132Z_d9f76912", GenerateSpecHandler.ModelId("us-standard-deduction", defaults, FixedTime));
        Assert.Equal("77e28777", GenerateSpecHandler.ModelHash("test-types", new JsonObject { ["label"] = "6" }));
        Assert.Equal("d9795671", GenerateSpecHandler.ModelHash("test-types", new JsonObject { ["count"] = 6L, ["label"] = "6" }));

        var template = Catalog.Find("us-standard-deduction")!;
        var byDefaults = GenerateSpecHandler.Generate(template, null, false, FixedTime, ShippedModels.Catalog).Value!;
        Assert.Equal("model_20261202T035132Z_d9f76912", byDefaults.Provenance.ModelId);
        // Sending a default explicitly does not change the id (upstream recorded overrides only).
        var explicitDefault = GenerateSpecHandler.Generate(template, new JsonObject { ["year"] = 2026 }, false, FixedTime.AddHours(1), ShippedModels.Catalog).Value!;
        Assert.Equal("model_20261202T045132Z_d9f76912", explicitDefault.Provenance.ModelId);
        var changed = GenerateSpecHandler.Generate(template, new JsonObject { ["single_amount"] = 16000.5, ["year"] = 2027, ["region"] = "state/CA" }, false, FixedTime, ShippedModels.Catalog).Value!;
        Assert.Equal("model_20261202T035132Z_501115cf", changed.Provenance.ModelId);
        Assert.Equal(2027, changed.Spec.TimePeriod);
        Assert.Equal("state/CA", changed.Spec.Region);
        Assert.Equal(new DateOnly(2027, 1, 1), changed.Spec.Reform[0].Start);
    }

    [Fact]
    public void Types_survive_json_and_embedded_yaml()
    {
        var template = TemplateParser.Parse(TypesTemplate, shipped: false).Value!;
        var separate = GenerateSpecHandler.Generate(template, null, embed: false, FixedTime, ShippedModels.Catalog).Value!;
        var embedded = GenerateSpecHandler.Generate(template, null, embed: true, FixedTime, ShippedModels.Catalog).Value!;
        Assert.Equal("""{"count":6,"label":"6"}""", CanonicalJson.Canonical(separate.Provenance.Parameters));
        Assert.Equal("6", separate.Spec.Bundle);
        Assert.Equal("6", separate.Spec.Reform[0].Value.GetRawText());
        Assert.Contains("  parameters:\n    count: 6\n    label: \"6\"\n", embedded.Model, StringComparison.Ordinal);
        Assert.Equal(separate.ProvenanceJson, embedded.ProvenanceJson);

        // Embedded → parse → provenance JSON is byte-identical to the separate provenance; the spec identical too.
        var parsed = SpecDocument.Parse(embedded.Model).Value!;
        Assert.Equal(separate.ProvenanceJson, ModelProvenance.FromJson(parsed.EmbeddedProvenance!).Value!.ToJson());
        Assert.Equal(separate.Model, parsed.ToYaml(withProvenance: false));
        Assert.Equal(separate.SpecSha256, SpecCanonical.Sha256(parsed.Spec));
        Assert.Equal(separate.ProvenanceJson, ModelProvenance.FromJson(separate.ProvenanceJson).Value!.ToJson());

        // Provenance sits right after schemaVersion and before spec.
        Assert.StartsWith("schemaVersion: 1\nprovenance:\n  source: portal-sim\n  model_id: model_20261202T035132Z_d9795671\n  template_id: test-types\n  template_version: \"1\"\n", embedded.Model, StringComparison.Ordinal);
        Assert.Contains("  generated_at: \"2026-12-02T03:51:32Z\"\n  generator: " + ModelProvenance.SimGenerator + "\n  schema_version: \"1\"\nspec:\n", embedded.Model, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"bogus": 1}""", "bogus", "Unknown parameter 'bogus'")]
    [InlineData("""{"year": "2026"}""", "year", "'year' must be an integer, not the string")]
    [InlineData("""{"year": 2026.5}""", "year", "'year' must be an integer")]
    [InlineData("""{"year": 2040}""", "year", "between 2025 and 2035")]
    [InlineData("""{"single_amount": true}""", "single_amount", "must be a number")]
    [InlineData("""{"region": "state/ZZ"}""", "region", "must be one of us, state/CA")]
    [InlineData("""{"bundle": 5}""", "bundle", "must be a string")]
    public void Bad_overrides_name_the_parameter(string overrides, string field, string message)
    {
        var result = GenerateSpecHandler.Generate(Catalog.Find("us-standard-deduction")!, JsonNode.Parse(overrides)!.AsObject(), false, FixedTime, ShippedModels.Catalog);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Problem!.Errors![field], m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_that_breaks_the_spec_is_reported_against_the_template()
    {
        var result = GenerateSpecHandler.Generate(Catalog.Find("us-standard-deduction")!, new JsonObject { ["bundle"] = "has space" }, false, FixedTime, ShippedModels.Catalog);
        Assert.Contains(result.Problem!.Errors!["spec.bundle"], m => m.StartsWith("line ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("  bundle: ${label}", "  bundle: ${lable}", "spec", "placeholder ${lable} is not a declared parameter")]
    [InlineData("default: 6, min: 0", "default: 600, min: 0", "parameters[1].default", "between 0 and 100")]
    [InlineData("{name: count, type: integer", "{name: label, type: integer", "parameters[1].name", "declared twice")]
    [InlineData("{name: count, type: integer", "{name: count, type: decimal", "parameters[1].type", "unknown type 'decimal'")]
    [InlineData("      value: ${count}", "      value: 1", "parameters.count", "no ${count} placeholder uses it")]
    [InlineData("  outputs: [budget]", "  outputs: [budget, constituency]", "spec.outputs[1]", "only for country uk")]
    [InlineData("id: test-types", "id: Test Types", "metadata.id", "lowercase")]
    public void Invalid_templates_are_rejected_with_line_numbers(string find, string replace, string field, string message)
    {
        var result = TemplateParser.Parse(TypesTemplate.Replace(find, replace, StringComparison.Ordinal), shipped: false);
        Assert.False(result.Succeeded);
        var errors = result.Problem!.Errors!;
        Assert.True(errors.ContainsKey(field), string.Join(" | ", errors.Select(e => $"{e.Key}: {string.Join(";", e.Value)}")));
        Assert.Contains(errors[field], m => m.StartsWith("line ", StringComparison.Ordinal) && m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Template_sha256_is_over_the_exact_text()
    {
        var template = TemplateParser.Parse(TypesTemplate, shipped: false).Value!;
        Assert.Equal(SpecCanonical.Sha256Hex(TypesTemplate), template.Sha256);
        Assert.NotEqual(template.Sha256, TemplateParser.Parse(TypesTemplate + "\n# comment\n", shipped: false).Value!.Sha256);
    }
}
