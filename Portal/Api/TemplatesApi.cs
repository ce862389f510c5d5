using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;
using Portal.Core.Features.Templates;

namespace Portal.Api;

/// <summary>
/// Sim: templates and spec generation. Any signed-in user may read and generate (generation is
/// read-only: it stores nothing). Mapped under <c>/api/v1</c> (the documented path) and <c>/api/v2</c>.
/// </summary>
public static class TemplatesApi
{
    public static void MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/v1", "/api/v2" })
        {
            var api = app.MapGroup(prefix + "/templates").WithTags("Templates").RequireAuthorization().RequireCsrfProtectionForCookies();

            api.MapGet("", (TemplateCatalog catalog, string? tag) => TypedResults.Ok(TemplateViews.List(catalog, tag)))
                .WithSummary("Templates (shipped), optionally filtered by tag");

            api.MapGet("/{id}", Results<Ok<TemplateDetail>, ProblemHttpResult> (string id, TemplateCatalog catalog) =>
                    catalog.Get(id) is { Succeeded: true } found ? TypedResults.Ok(TemplateViews.Detail(found.Value!)) : Problem.NotFound($"Template '{id}'").ToHttp())
                .WithSummary("One template: metadata, parameters (types, defaults, ranges, values) and its YAML");

            api.MapPost("/{id}/generate", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                    string id, HttpRequest request, GenerateSpecHandler handler, string? embed_provenance, CancellationToken ct) =>
                {
                    var overrides = await ReadOverridesAsync(request, ct);
                    if (!overrides.Succeeded)
                    {
                        return overrides.Problem!.ToHttp();
                    }

                    var embed = embed_provenance is not null && !string.Equals(embed_provenance, "false", StringComparison.OrdinalIgnoreCase);
                    var result = handler.Handle(new GenerateSpecRequest(id, overrides.Value, embed));

                    // Written by hand so the provenance member is byte for byte the CLI's provenance file.
                    return result.Succeeded
                        ? TypedResults.Text(result.Value!.ResponseJson(), "application/json")
                        : result.Problem!.ToHttp();
                })
                .WithSummary("Generate a spec from a template: body = parameter overrides (JSON object, may be empty); ?embed_provenance=true embeds the provenance in the YAML");
        }
    }

    private static async Task<Result<JsonObject?>> ReadOverridesAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (text.Length > 65_536)
        {
            return Problem.Invalid("$", "The body is larger than 64 KiB.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return (JsonObject?)null;
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject obj
                ? obj
                : Problem.Invalid("$", "The body must be a JSON object of parameter values, e.g. {\"year\": 2027}.");
        }
        catch (JsonException e)
        {
            return Problem.Invalid("$", $"The body is not valid JSON: {e.Message}");
        }
    }
}
