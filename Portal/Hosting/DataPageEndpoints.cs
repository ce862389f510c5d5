using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;

namespace Portal.Hosting;

/// <summary>
/// The data page's "Import an HDF5 file" form target: a multipart post (a file cannot travel in
/// Blazor's url-encoded form handling), checked for its antiforgery token by the middleware because
/// it binds the form, and handed to the same <see cref="ImportDataReleaseHandler"/> as the API.
/// Post → redirect → get: the new release on success, back to the form with the problem otherwise.
/// </summary>
public static class DataPageEndpoints
{
    public const string ImportPath = "/data/import";

    private const int MaxFlashLength = 700;

    public static void MapDataPageEndpoints(this IEndpointRouteBuilder app)
    {
        // ASP.NET buffers a multipart file to a temp file first; its default 128 MB cap is raised to the import limit.
        var limit = app.ServiceProvider.GetRequiredService<IOptions<DataImportOptions>>().Value.MaxImportBytes;
        app.MapPost(ImportPath, async (
                [FromForm(Name = "country")] string? country, [FromForm(Name = "version")] string? version, [FromForm(Name = "period")] string? period,
                IFormFile? file, HttpContext http, ImportDataReleaseHandler handler, FlashMessages flash, CancellationToken ct) =>
            {
                var problem = file is null || file.Length == 0 ? "Choose a non-empty HDF5 file to import." : null;
                if (!ImportDataReleaseRequest.TryParsePeriod(string.IsNullOrWhiteSpace(period) ? null : period.Trim(), out var year))
                {
                    problem ??= ImportDataReleaseRequest.PeriodRule;
                }

                if (problem is null)
                {
                    await using var stream = file!.OpenReadStream();
                    var request = new ImportDataReleaseRequest((country ?? "").Trim(), (version ?? "").Trim(), year, file.FileName, stream);
                    var result = await handler.HandleAsync(request, http.User.ToActor(), ct);
                    if (result.Succeeded)
                    {
                        // One message: a second Add in the same response would replace the first flash cookie.
                        var r = result.Value!.Release;
                        var notes = result.Value.Warnings.Count == 0 ? "" : " Note: " + string.Join(" ", result.Value.Warnings.Take(2));
                        flash.Add(FlashKind.Success, Shorten($"Imported {r.Country}@{r.Version} ({file.Length:N0} bytes) for {r.Period}.{notes}"));

                        return TypedResults.LocalRedirect($"/data/{r.Country}/{r.Version}");
                    }

                    problem = Readable(result.Problem!);
                }

                flash.Add(FlashKind.Danger, "Import refused: " + Shorten(problem));
                return TypedResults.LocalRedirect("/data#import-release");
            })
            .RequireAuthorization(PortalPolicies.CanPublish)
            .WithFormOptions(multipartBodyLengthLimit: limit + RequestGuards.MultipartOverheadBytes)
            .ExcludeFromDescription();
    }

    /// <summary>File problems carry a detail that names the first issues; field problems are read from their messages.</summary>
    private static string Readable(Problem problem) =>
        problem.Errors?.ContainsKey("file") == true || problem.Errors is not { Count: > 0 } ? problem.Detail : problem.Describe();

    // The flash travels in a cookie: keep it well under the 4 KB a browser stores.
    private static string Shorten(string text) => text.Length > MaxFlashLength ? text[..MaxFlashLength] + "…" : text;
}
