using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;
using Portal.Core.Features.Models;

namespace Portal.Api;

/// <summary>PolicyEngine's calculate body: the household, an optional reform and an optional pinned release.</summary>
public sealed record CalculateBody(JsonObject Household, JsonNode? Policy = null, string? ModelVersion = null);

/// <summary>PolicyEngine's envelope (<c>status</c>, <c>message</c>, <c>result</c>) plus the exact release used.</summary>
public sealed record CalculateResponse(string Status, string? Message, JsonObject Result, ModelReleaseRef Model);

public sealed record MetadataResponse(string Status, string? Message, ModelMetadata Result);

/// <summary>
/// The household calculator and model metadata. Reads only: any signed-in user or bearer token may
/// call them (the fallback policy); cookie callers still need the antiforgery header to POST.
/// </summary>
public static class CalculatorApi
{
    public static void MapCalculatorApi(this IEndpointRouteBuilder app)
    {
        var country = app.MapGroup("/{country_id}").WithTags("Calculator").RequireAuthorization().RequireCsrfProtectionForCookies();

        country.MapPost("/calculate", Results<Ok<CalculateResponse>, ProblemHttpResult> (
                string country_id, CalculateBody body, CalculateHouseholdHandler handler) =>
            {
                var result = handler.Handle(new CalculateHouseholdRequest(country_id, body.Household, body.Policy, body.ModelVersion));
                return result.Succeeded
                    ? TypedResults.Ok(new CalculateResponse("ok", null, result.Value!.Household, result.Value.Model))
                    : WithPath(result.Problem!);
            })
            .WithSummary("Compute a household (PolicyEngine-compatible): null values are filled in");

        country.MapGet("/metadata", Results<Ok<MetadataResponse>, ProblemHttpResult> (
                string country_id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "model_version")] string? modelVersion, GetModelMetadataHandler handler) =>
            {
                var result = handler.Handle(country_id, modelVersion);
                return result.Succeeded ? TypedResults.Ok(new MetadataResponse("ok", null, result.Value!)) : result.Problem!.ToHttp();
            })
            .WithSummary("Variables, parameters and entities of the newest (or a pinned) release");

        var models = app.MapGroup("/api/v2/models").WithTags("Models").RequireAuthorization();

        models.MapGet("/", (ListModelsHandler handler) => TypedResults.Ok(handler.Handle()))
            .WithSummary("Countries and their model releases, newest first");

        models.MapGet("/{country}/{version}", Results<Ok<ModelMetadata>, ProblemHttpResult> (string country, string version, GetModelMetadataHandler handler) =>
                handler.Handle(country, version == "latest" ? null : version).ToHttp())
            .WithSummary("One release's variables and parameters ('latest' = newest)");

        models.MapGet("/{country}/diff", Results<Ok<ReleaseComparison>, ProblemHttpResult> (string country, string? from, string? to, CompareReleasesHandler handler) =>
                handler.Handle(new CompareReleasesRequest(country, from, to)).ToHttp())
            .WithSummary("Parameters and variables added, removed or changed between two releases");
    }

    /// <summary>Validation problems about the body also name the offending JSON path at the top level.</summary>
    private static ProblemHttpResult WithPath(Problem problem)
    {
        var http = problem.ToHttp();
        if (problem.Kind == ProblemKind.Validation && problem.Errors is { Count: > 0 } errors)
        {
            http.ProblemDetails.Extensions["path"] = errors.Keys.First();
        }

        return http;
    }
}
