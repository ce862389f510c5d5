using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;

namespace Portal.Core.Features.Specs;

/// <summary>
/// Where a spec came from: the template (id, version, title, content hash) and the <b>effective</b>
/// parameters (defaults included) with their JSON types. The same record travels as JSON
/// (snake_case, <see cref="ToJson"/>) or embedded in the spec YAML; both forms read back to the same
/// values and types (the YAML writer quotes a string such as "6" so it stays a string).
/// </summary>
public sealed record ModelProvenance(
    string Source,
    string ModelId,
    string TemplateId,
    string TemplateVersion,
    string TemplateTitle,
    string TemplateSha256,
    JsonObject Parameters,
    DateTimeOffset GeneratedAt,
    string Generator,
    string SchemaVersion)
{
    public const string SimSource = "portal-sim";
    public const string CurrentSchemaVersion = "1";

    public static string SimGenerator => $"portal-sim/{PortalBuild.Current.Version}";

    /// <summary>ISO 8601 UTC to the second, e.g. <c>2026-12-02T03:51:32Z</c> (the precision of the model id).</summary>
    public string GeneratedAtText => FormatTime(GeneratedAt);

    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public JsonObject ToJsonObject() => new()
    {
        ["source"] = Source,
        ["model_id"] = ModelId,
        ["template_id"] = TemplateId,
        ["template_version"] = TemplateVersion,
        ["template_title"] = TemplateTitle,
        ["template_sha256"] = TemplateSha256,
        ["parameters"] = Parameters.DeepClone(),
        ["generated_at"] = GeneratedAtText,
        ["generator"] = Generator,
        ["schema_version"] = SchemaVersion,
    };

    /// <summary>Indented JSON (two spaces, <c>\n</c>, no trailing newline): the exact bytes of the CLI's provenance file and of the API's <c>provenance</c> member.</summary>
    public string ToJson() => CanonicalJson.Pretty(ToJsonObject());

    public static Result<ModelProvenance> FromJson(string json)
    {
        try
        {
            // Duplicate members would only throw later, when the object is first read (a 500), so refuse them here.
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject obj ? FromJson(obj) : Problem.Invalid("provenance", "Expected a JSON object.");
        }
        catch (JsonException e)
        {
            return Problem.Invalid("provenance", $"Not valid JSON: {e.Message}");
        }
    }

    /// <summary>Reads the JSON form or the embedded YAML form (after <see cref="YamlTree.ToJson"/>); unknown members are ignored.</summary>
    public static Result<ModelProvenance> FromJson(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new Validation();
        string Text(string name)
        {
            if (obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                return v.GetValue<string>();
            }

            errors.Add($"provenance.{name}", $"'{name}' is required and must be a string.");
            return "";
        }

        var source = Text("source");
        var modelId = Text("model_id");
        var templateId = Text("template_id");
        var templateVersion = Text("template_version");
        var templateTitle = Text("template_title");
        var templateSha = Text("template_sha256");
        var generatedText = Text("generated_at");
        var generator = Text("generator");
        var schemaVersion = Text("schema_version");
        var parameters = obj["parameters"] as JsonObject;
        if (parameters is null || parameters.Any(p => p.Value is not JsonValue))
        {
            errors.Add("provenance.parameters", "'parameters' must be an object of names to string, number or boolean values.");
        }

        var generatedAt = DateTimeOffset.MinValue;
        if (generatedText.Length > 0 && !DateTimeOffset.TryParse(generatedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out generatedAt))
        {
            errors.Add("provenance.generated_at", "'generated_at' must be an ISO 8601 time such as 2026-12-02T03:51:32Z.");
        }

        return errors.IsValid
            ? new ModelProvenance(source, modelId, templateId, templateVersion, templateTitle, templateSha, (JsonObject)parameters!.DeepClone(), generatedAt, generator, schemaVersion)
            : errors.ToProblem();
    }
}
