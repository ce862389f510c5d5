using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Templates;

/// <param name="Overrides">Parameter values by name; missing ones take their defaults.</param>
/// <param name="GeneratedAt">Null = now (the injected clock); the CLI's hidden <c>--generated-at</c> sets it to reproduce a file.</param>
public sealed record GenerateSpecRequest(string TemplateId, JsonObject? Overrides, bool EmbedProvenance, DateTimeOffset? GeneratedAt = null);

/// <param name="Model">The spec YAML (with the provenance block when embedding was asked for).</param>
/// <param name="ProvenanceJson">The provenance as <see cref="ModelProvenance.ToJson"/> writes it.</param>
public sealed record GeneratedSpec(string Model, ModelProvenance Provenance, string ProvenanceJson, SimulationSpec Spec, string SpecSha256)
{
    /// <summary>The API body: <c>{"model": "…", "provenance": {…}}</c>, the provenance member byte for byte <see cref="ProvenanceJson"/>.</summary>
    public string ResponseJson() =>
        "{\"model\":" + CanonicalJson.Scalar(JsonValue.Create(Model)) + ",\"provenance\":" + ProvenanceJson + "}";
}

/// <summary>
/// Sim: template + parameters → spec + provenance. Stateless: it reads templates and models and
/// stores nothing. Steps: effective parameters (defaults + checked overrides), type-aware
/// substitution, spec validation (shape, then reform paths against the country's latest model),
/// provenance with <c>model_id = "model_" + yyyyMMddTHHmmssZ + "_" + sha256(template_id + ":" + canonical
/// JSON of the effective parameters)[..8]</c>.
/// </summary>
public sealed class GenerateSpecHandler(TemplateStore templates, ModelCatalog models, TimeProvider clock)
{
    public async Task<Result<GeneratedSpec>> HandleAsync(GenerateSpecRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = await templates.GetAsync(request.TemplateId, ct);
        return found.Succeeded ? Generate(found.Value!, request.Overrides, request.EmbedProvenance, request.GeneratedAt ?? clock.GetUtcNow(), models) : found.Problem!;
    }

    public static Result<GeneratedSpec> Generate(SpecTemplate template, JsonObject? overrides, bool embed, DateTimeOffset generatedAt, ModelCatalog models)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(models);
        var effective = TemplateParameters.Effective(template, overrides);
        if (!effective.Succeeded)
        {
            return effective.Problem!;
        }

        var errors = new SpecErrors();
        var spec = SpecReader.Read(TemplateSubstitution.Apply(template.SpecBody, effective.Value!), errors);
        if (spec is null)
        {
            return errors.ToProblem("The generated spec is invalid");
        }

        var model = models.Find(spec.Country);
        if (model is null)
        {
            return Problem.Invalid("spec.country", $"No model release is installed for country '{spec.Country}'.");
        }

        if (SpecModelCheck.Check(spec, model) is { } pathProblem)
        {
            return pathProblem;
        }

        var time = generatedAt.ToUniversalTime();
        time = new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var provenance = new ModelProvenance(
            ModelProvenance.SimSource,
            ModelId(template.Id, effective.Value!, time),
            template.Id,
            template.Version,
            template.Title,
            template.Sha256,
            effective.Value!,
            time,
            ModelProvenance.SimGenerator,
            ModelProvenance.CurrentSchemaVersion);
        var document = new SpecDocument(SpecDocument.CurrentSchemaVersion, spec, provenance.ToJsonObject());
        return new GeneratedSpec(document.ToYaml(embed), provenance, provenance.ToJson(), spec, SpecCanonical.Sha256(spec));
    }

    /// <summary>
    /// <c>"model_" + UTC time as yyyyMMddTHHmmssZ + "_" + first 8 lowercase hex of
    /// sha256(UTF-8 of template_id + ":" + CanonicalJson.Canonical(effective parameters))</c>.
    /// </summary>
    public static string ModelId(string templateId, JsonObject effectiveParameters, DateTimeOffset generatedAt) =>
        "model_" + generatedAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "_" + ModelHash(templateId, effectiveParameters);

    public static string ModelHash(string templateId, JsonObject effectiveParameters) =>
        SpecCanonical.Sha256Hex(templateId + ":" + CanonicalJson.Canonical(effectiveParameters))[..8];
}

public static class TemplateServices
{
    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.AddSingleton(_ => TemplateCatalog.LoadShipped());
        // Scoped: uploaded templates live in the database.
        services.AddScoped<TemplateStore>();
        services.AddScoped<GenerateSpecHandler>();
        services.AddScoped<UploadTemplateHandler>();
        services.AddScoped<DeleteTemplateHandler>();
        return services;
    }
}
