using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Components.Pages.Reports;
using Portal.Core.Features.Reports;

namespace Portal.Hosting;

/// <summary>
/// The report pages' htmx fragment (the live part of a report page) and the page-only services.
/// Reading needs a signed-in user (the fallback policy), like the page.
/// </summary>
public static class ReportPageEndpoints
{
    public static IServiceCollection AddReportPages(this IServiceCollection services) =>
        services.AddScoped<ReportEarningsCurvesHandler>().AddScoped<ReportCreation>();

    public static void MapReportPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/{id:long}/live", async (long id, GetReportHandler handler, string? tab, [FromQuery(Name = "area_sort")] string? areaSort, string? areas, CancellationToken ct) =>
            {
                var result = await ReportLoader.LoadAsync(handler, id, ct);
                if (!result.Succeeded)
                {
                    return (IResult)TypedResults.NotFound();
                }

                var shown = ReportTabNav.Normalize(tab);
                return new RazorComponentResult<ReportLive>(new Dictionary<string, object?>
                {
                    [nameof(ReportLive.Detail)] = result.Value,
                    [nameof(ReportLive.Tab)] = shown,
                    [nameof(ReportLive.ShowResult)] = shown == "overview",
                    [nameof(ReportLive.AreaSort)] = string.IsNullOrWhiteSpace(areaSort) ? null : areaSort.Trim(),
                    [nameof(ReportLive.ShowAllAreas)] = areas == "all",
                });
            })
            .ExcludeFromDescription();
    }
}
