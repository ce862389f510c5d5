using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Components.Pages.Simulations;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Results;
using Portal.Core.Identity;

namespace Portal.Hosting;

/// <summary>
/// The simulation pages' htmx fragments (live job list, live job body, reform parameter search) and
/// the result downloads. Reading needs a signed-in user (the fallback policy); the parameter search
/// belongs to the submit form, so it needs CanRun like the form.
/// </summary>
public static class SimulationPageEndpoints
{
    public static void MapSimulationPageEndpoints(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/simulations").ExcludeFromDescription();

        pages.MapGet("/live", (string? country, string? status, string? bundle, int? page, string? sort, string? dir) =>
            new RazorComponentResult<SimulationJobsLive>(new Dictionary<string, object?>
            {
                [nameof(SimulationJobsLive.Country)] = Blank(country),
                [nameof(SimulationJobsLive.Status)] = Blank(status),
                [nameof(SimulationJobsLive.Bundle)] = Blank(bundle),
                [nameof(SimulationJobsLive.PageNumber)] = page,
                [nameof(SimulationJobsLive.Sort)] = sort,
                [nameof(SimulationJobsLive.Dir)] = dir,
            }));

        pages.MapGet("/parameters", async (SearchReformParametersHandler handler, HttpContext http,
                [FromQuery(Name = "Input.Country")] string? country, [FromQuery(Name = "Input.Bundle")] string? bundle,
                [FromQuery(Name = "Input.Year")] string? year, [FromQuery(Name = "Input.Query")] string? query, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(country ?? "", bundle, int.TryParse(year, out var y) ? y : null, query, ct);
                return new RazorComponentResult<ParameterSearchResults>(new Dictionary<string, object?>
                {
                    [nameof(ParameterSearchResults.Search)] = result.Value,
                    [nameof(ParameterSearchResults.Problem)] = result.Problem,
                });
            })
            .RequireAuthorization(PortalPolicies.CanRun);

        pages.MapGet("/{job_id}/live", async (string job_id, GetSimulationJobHandler handler, [FromQuery(Name = "area_sort")] string? areaSort, string? areas, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(job_id, ct);
                if (!result.Succeeded)
                {
                    return (IResult)TypedResults.NotFound();
                }

                var job = result.Value!;
                return new RazorComponentResult<JobBody>(new Dictionary<string, object?>
                {
                    [nameof(JobBody.JobId)] = job.JobId,
                    [nameof(JobBody.Kind)] = job.Kind,
                    [nameof(JobBody.Country)] = job.Country,
                    [nameof(JobBody.Status)] = job.Status,
                    [nameof(JobBody.Progress)] = job.Progress,
                    [nameof(JobBody.Stage)] = job.Stage,
                    [nameof(JobBody.Error)] = job.Error,
                    [nameof(JobBody.ResultJson)] = job.ResultJson,
                    [nameof(JobBody.AreaSort)] = Blank(areaSort),
                    [nameof(JobBody.ShowAllAreas)] = areas == "all",
                });
            });

        pages.MapGet("/{job_id}/result.json", async (string job_id, GetSimulationJobHandler handler, CancellationToken ct) =>
            await DownloadAsync(job_id, handler, job => TypedResults.Text(job.ResultJson!, "application/json", Encoding.UTF8), "json", ct));

        pages.MapGet("/{job_id}/result.csv", async (string job_id, GetSimulationJobHandler handler, CancellationToken ct) =>
            await DownloadAsync(job_id, handler, job => TypedResults.Text(EconomyResultCsv.Write(EconomyResultView.Parse(job.ResultJson!)), "text/csv", Encoding.UTF8), "csv", ct));
    }

    /// <summary>
    /// The stored result of a completed job as an attachment named after the job; 404 for an unknown
    /// job, 409 while it has no result (still running, or failed).
    /// </summary>
    private static async Task<IResult> DownloadAsync(string jobId, GetSimulationJobHandler handler, Func<SimulationJobView, IResult> body, string extension, CancellationToken ct)
    {
        var result = await handler.HandleAsync(jobId, ct);
        if (!result.Succeeded)
        {
            return TypedResults.NotFound();
        }

        var job = result.Value!;
        if (job.Status != SimulationJobStatuses.Complete || job.ResultJson is null)
        {
            return TypedResults.Conflict();
        }

        return new Attachment(body(job), $"{job.JobId}.{extension}");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Adds <c>Content-Disposition: attachment</c> to a body result.</summary>
    private sealed class Attachment(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
            httpContext.Response.Headers.CacheControl = "private, no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
