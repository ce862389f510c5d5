using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Templates;
using Portal.Core.Identity;

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

            api.MapGet("", async (TemplateStore store, string? tag, CancellationToken ct) => TypedResults.Ok(TemplateViews.List(await store.AllAsync(ct), tag)))
                .WithSummary("Templates (shipped and uploaded), optionally filtered by tag");

            api.MapGet("/{id}", async Task<Results<Ok<TemplateDetail>, ProblemHttpResult>> (string id, TemplateStore store, CancellationToken ct) =>
                    await store.GetAsync(id, ct) is { Succeeded: true } found ? TypedResults.Ok(TemplateViews.Detail(found.Value!)) : Problem.NotFound($"Template '{id}'").ToHttp())
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
                    var result = await handler.HandleAsync(new GenerateSpecRequest(id, overrides.Value, embed), ct);

                    // Written by hand so the provenance member is byte for byte the CLI's provenance file.
                    return result.Succeeded
                        ? TypedResults.Text(result.Value!.ResponseJson(), "application/json")
                        : result.Problem!.ToHttp();
                })
                .WithSummary("Generate a spec from a template: body = parameter overrides (JSON object, may be empty); ?embed_provenance=true embeds the provenance in the YAML");

            api.MapPost("", async Task<Results<Created<TemplateDetail>, ProblemHttpResult>> (HttpRequest request, HttpContext http, UploadTemplateHandler handler, CancellationToken ct) =>
                {
                    var yaml = await ReadTemplateTextAsync(request, ct);
                    if (!yaml.Succeeded)
                    {
                        return yaml.Problem!.ToHttp();
                    }

                    var result = await handler.HandleAsync(new UploadTemplateRequest(yaml.Value!), http.User.ToActor(), ct);
                    return result.Succeeded ? TypedResults.Created($"{prefix}/templates/{result.Value!.Id}", result.Value) : result.Problem!.ToHttp();
                })
                .RequireAuthorization(PortalPolicies.CanPublish)
                .WithSummary("Upload a template (Maintainer): body = the YAML (application/yaml or text/plain) or {\"yaml\": \"...\"}; a shipped id or a not-higher version of an uploaded one is 409");

            api.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, HttpContext http, DeleteTemplateHandler handler, CancellationToken ct) =>
                    await handler.HandleAsync(id, http.User.ToActor(), ct) is { Succeeded: false } failed ? failed.Problem!.ToHttp() : TypedResults.NoContent())
                .RequireAuthorization(PortalPolicies.CanPublish)
                .WithSummary("Delete an uploaded template (Maintainer); shipped templates are 409");
        }
    }

    /// <summary>The upload body: the YAML itself, or a JSON object <c>{"yaml": "..."}</c> when sent as application/json.</summary>
    private static async Task<Result<string>> ReadTemplateTextAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        if (text.Length > UploadTemplateHandler.MaxYamlLength)
        {
            return Problem.Invalid("yaml", $"The template is larger than {UploadTemplateHandler.MaxYamlLength / 1024} KiB.");
        }

        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return text;
        }

        try
        {
            // Duplicate members would only throw when the object is first read (a 500): refuse them while parsing.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject { } obj && obj["yaml"] is JsonValue v && v.TryGetValue<string>(out var yaml)
                ? yaml
                : Problem.Invalid("yaml", "A JSON body must be {\"yaml\": \"<the template text>\"}.");
        }
        catch (JsonException e)
        {
            return Problem.Invalid("$", $"The body is not valid JSON: {e.Message}");
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
