using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Portal.Auth;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;

namespace Portal.Api;

public sealed record GenerateDataReleaseBody(string Country, string Version, int Households = 2_000, long Seed = 42, int Clones = 0, int Period = 2024);

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
                var request = new GenerateDataReleaseRequest(body.Country, body.Version, body.Households, body.Seed, body.Clones, body.Period);
                var result = await handler.HandleAsync(request, http.User.ToActor(), ct);
                return result.Succeeded
                    ? TypedResults.Created($"/api/v2/data-releases/{body.Country}/{body.Version}", result.Value!.Release)
                    : result.Problem!.ToHttp();
            })
            .RequireAuthorization(PortalPolicies.CanPublish)
            .WithSummary("Generate a synthetic data release and register it");
    }
}
