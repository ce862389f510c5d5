using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Components.Pages.Runs;
using Portal.Core.Features.Runs;

namespace Portal.Hosting;

/// <summary>
/// The run page's htmx fragment: the live part of <c>/runs/{id}</c> (progress while it computes, then
/// the replay outcome, manifest and result). Reading needs a signed-in user (the fallback policy), like the page.
/// </summary>
public static class RunPageEndpoints
{
    public static void MapRunPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/runs/{run_id}/live", async (string run_id, GetRunViewHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(run_id, ct);
                return result.Succeeded
                    ? (IResult)new RazorComponentResult<RunLive>(new Dictionary<string, object?> { [nameof(RunLive.View)] = result.Value })
                    : TypedResults.NotFound();
            })
            .ExcludeFromDescription();
    }
}
