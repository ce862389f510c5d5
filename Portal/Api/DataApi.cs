using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;

namespace Portal.Api;

public sealed record GenerateDataReleaseBody(string Country, string Version, int Households = 2_000, long Seed = 42, int Clones = 0, int Period = 2024, bool Compress = false);

/// <summary>Data releases and their datasets (artifacts). Every signed-in user can read; publishing needs CanPublish.</summary>
public static class DataApi
{
    public const string Hdf5ContentType = "application/x-hdf5";

    public static void MapDataApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v2").WithTags("Data releases").RequireAuthorization().RequireCsrfProtectionForCookies();

        api.MapGet("/datasets", async (ListDatasetsHandler handler, CancellationToken ct, string? country) =>
                TypedResults.Ok(await handler.HandleAsync(country, ct)))
            .WithSummary("Every dataset (artifact) of every data release, newest first");

        api.MapGet("/datasets/{id:long}", async Task<Results<Ok<DatasetSummary>, ProblemHttpResult>> (long id, GetDatasetHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("One dataset: release, sha256, size and row counts");

        api.MapGet("/datasets/{id:long}/download", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (long id, HttpContext http, OpenDatasetHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(id, ct);
                if (!result.Succeeded)
                {
                    return result.Problem!.ToHttp();
                }

                // Verified before the first byte: the ETag is the content hash the client can check again.
                var download = result.Value!;
                http.Response.Headers["X-Content-SHA256"] = download.Dataset.Sha256;
                return TypedResults.Stream(download.Content, Hdf5ContentType, download.FileName,
                    entityTag: new EntityTagHeaderValue($"\"{download.Dataset.Sha256}\""));
            })
            .WithSummary("Stream a dataset's HDF5 file after re-verifying its sha256");

        api.MapGet("/data-releases", async (ListDataReleasesHandler handler, CancellationToken ct, string? country) =>
                TypedResults.Ok(await handler.HandleAsync(country, ct)))
            .WithSummary("Data releases, newest first");

        api.MapGet("/data-releases/{country}/{version}", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                string country, string version, HttpContext http, GetDataReleaseHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(country, version, ct);
                if (!result.Succeeded)
                {
                    return result.Problem!.ToHttp();
                }

                // The canonical bytes themselves, so sha256(body) equals the manifest revision.
                http.Response.Headers.ETag = $"\"{result.Value!.Release.ManifestRevision}\"";
                return TypedResults.Text(result.Value.ManifestJson, "application/json");
            })
            .WithSummary("A release's canonical manifest JSON (its sha256 is the manifest revision)");

        api.MapGet("/data-releases/{country}/{version}/verify", async Task<Results<Ok<DataReleaseVerification>, ProblemHttpResult>> (
                string country, string version, VerifyDataReleaseHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(country, version, ct)).ToHttp())
            .WithSummary("Re-hash the manifest and every artifact of a release");

        api.MapPost("/data-releases", async Task<Results<Created<DataReleaseDetail>, ProblemHttpResult>> (
                GenerateDataReleaseBody body, HttpContext http, GenerateDataReleaseHandler handler, CancellationToken ct) =>
            {
                var request = new GenerateDataReleaseRequest(body.Country, body.Version, body.Households, body.Seed, body.Clones, body.Period, body.Compress);
                var result = await handler.HandleAsync(request, http.User.ToActor(), ct);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v2/data-releases/{body.Country}/{body.Version}", result.Value!.Release)
                    : result.Problem!.ToHttp();
            })
            .RequireAuthorization(PortalPolicies.CanPublish)
            .WithSummary("Generate a synthetic data release and register it");

        // The raw file is the body (no multipart), streamed to disk by the handler; RequestGuards lifts
        // the 4 MiB body cap for exactly this route, to Data:MaxImportBytes.
        api.MapPost("/data-releases/{country}/{version}/import", async Task<Results<Created<ImportedDataRelease>, ProblemHttpResult>> (
                string country, string version, string? period, string? file_name, HttpRequest request, ImportDataReleaseHandler handler, CancellationToken ct) =>
            {
                if (!IsHdf5Body(request.ContentType))
                {
                    return TypedResults.Problem(
                        $"Send the HDF5 file as the raw body with Content-Type {Hdf5ContentType} or application/octet-stream (got '{request.ContentType ?? "none"}').",
                        statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
                }

                if (!ImportDataReleaseRequest.TryParsePeriod(period, out var year))
                {
                    return Problem.Invalid("period", ImportDataReleaseRequest.PeriodRule).ToHttp();
                }

                var result = await handler.HandleAsync(new ImportDataReleaseRequest(country, version, year, file_name, request.Body), request.HttpContext.User.ToActor(), ct);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v2/data-releases/{country}/{version}", result.Value!)
                    : result.Problem!.ToHttp();
            })
            .RequireAuthorization(PortalPolicies.CanPublish)
            .WithSummary("Import an HDF5 microdata file (PolicyEngine layout) as a new data release")
            .WithDescription("The body is the raw file (application/x-hdf5 or application/octet-stream), at most Data:MaxImportBytes (default 1 GiB). " +
                             "It is checked before anything is stored: readable HDF5, /<variable>/<period> layout with entity row counts that agree, " +
                             "it loads into the country's newest model and the baseline smoke simulation gives finite values. " +
                             "period defaults to the file's root attribute; file_name is recorded in the manifest.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Documented here rather than with Accepts(): the endpoint checks the content type itself, so its
                // 415 can say how to send the file (routing's own answer, via ApiFallback, would only list types).
                var binary = new Microsoft.OpenApi.OpenApiMediaType { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } };
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Description = "The HDF5 file itself.",
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { [Hdf5ContentType] = binary, ["application/octet-stream"] = binary },
                };
                return Task.CompletedTask;
            });
    }

    private static bool IsHdf5Body(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.MediaType.Equals(Hdf5ContentType, StringComparison.OrdinalIgnoreCase) || parsed.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase));
}
