using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Components.Pages.Publishing;
using Portal.Core.Features.Publishing;

namespace Portal.Hosting;

/// <summary>The run page's htmx fragment: the live progress, summary and area table of one publish run (any signed-in user).</summary>
public static class PublishingPageEndpoints
{
    public static void MapPublishingPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/publishing/{run_id}/live", async (string run_id, string? failed, string? type, GetPublishRunHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(run_id, ct);
                if (!result.Succeeded)
                {
                    return (IResult)TypedResults.NotFound();
                }

                return new RazorComponentResult<PublishRunBody>(new Dictionary<string, object?>
                {
                    [nameof(PublishRunBody.Detail)] = result.Value,
                    [nameof(PublishRunBody.FailedOnly)] = failed == "1",
                    [nameof(PublishRunBody.AreaType)] = string.IsNullOrWhiteSpace(type) ? null : type.Trim(),
                });
            })
            .ExcludeFromDescription();
    }
}
