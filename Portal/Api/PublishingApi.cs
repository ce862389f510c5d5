using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Publishing;
using Portal.Core.Identity;

namespace Portal.Api;

public sealed record PublishBody(string? DataRelease, string? Scope, IReadOnlyList<string>? Areas = null, int? Workers = null, bool Resume = true, bool Force = false);

/// <summary>
/// Publish runs of area H5 files (<c>/api/publish</c>, also under <c>/api/v2/publish</c>). Starting a
/// run needs CanPublish; reading runs, manifests and files any signed-in user or token.
/// </summary>
public static class PublishingApi
{
    public const string Hdf5ContentType = "application/x-hdf5";

    public static void MapPublishingApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/api/publish", "/api/v2/publish" })
        {
            var api = app.MapGroup(prefix).WithTags("Publishing").RequireAuthorization().RequireCsrfProtectionForCookies();

            api.MapPost("", async Task<Results<Created<PublishRunDetail>, ProblemHttpResult>> (PublishBody body, HttpContext http, StartPublishHandler handler, CancellationToken ct) =>
                {
                    var request = new StartPublishRequest(body.DataRelease ?? "", body.Scope ?? "", body.Areas, body.Workers, body.Resume, body.Force);
                    return (await handler.HandleAsync(request, http.User.ToActor(), ct)).ToCreated(d => $"{prefix}/{d.Run.RunId}");
                })
                .RequireAuthorization(PortalPolicies.CanPublish)
                .WithSummary("Start a publish run of a data release's area files (one Quartz job; resumable)");

            api.MapGet("", async (ListPublishRunsHandler handler, string? country, CancellationToken ct) =>
                    TypedResults.Ok(await handler.HandleAsync(country, ct)))
                .WithSummary("Publish runs, newest first");

            api.MapGet("/{run_id}", async Task<Results<Ok<PublishRunDetail>, ProblemHttpResult>> (string run_id, GetPublishRunHandler handler, CancellationToken ct) =>
                    (await handler.HandleAsync(run_id, ct)).ToHttp())
                .WithSummary("A run with every area's progress and result (live while it runs)");

            api.MapGet("/{run_id}/manifest", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (string run_id, GetPublishManifestHandler handler, CancellationToken ct) =>
                    File(await handler.HandleAsync(run_id, ct), "application/json"))
                .WithSummary("The run's publish manifest (area → path, sha256, size, counts, validation status)");

            api.MapGet("/{run_id}/files/{**path}", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (string run_id, string path, OpenPublishedFileHandler handler, CancellationToken ct) =>
                    File(await handler.HandleAsync(run_id, path, ct), Hdf5ContentType))
                .WithSummary("Download one published area file, re-verified against its sha256");
        }
    }

    /// <summary>The verified file, with its sha256 as ETag and header so a client can check it again.</summary>
    public static Results<FileStreamHttpResult, ProblemHttpResult> File(Result<PublishedFile> result, string contentType)
    {
        if (!result.Succeeded)
        {
            return result.Problem!.ToHttp();
        }

        var file = result.Value!;
        return TypedResults.Stream(file.Content, contentType, file.FileName, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
    }
}
