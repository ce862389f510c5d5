using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Core.Features.Bundles;
using Portal.Core.Identity;
using Portal.Hosting;

namespace Portal.Api;

/// <summary>All optional so a missing field is reported by the use case with what exists, like a wrong one.</summary>
public sealed record CreateBundleBody(string? Country = null, string? ModelVersion = null, string? DataVersion = null, string? Dataset = null);

/// <summary>
/// Execution bundles. <c>/bundles</c> shares its paths with the bundle pages (content negotiation
/// picks the API for JSON clients); <c>/api/v2/bundles</c> is the same API without negotiation.
/// Every signed-in user can read; creating needs CanPublish.
/// </summary>
public static class BundlesApi
{
    public static void MapBundlesApi(this IEndpointRouteBuilder app)
    {
        MapBundles(app.MapGroup("/bundles").WithApiNegotiation());
        MapBundles(app.MapGroup("/api/v2/bundles"));
    }

    private static void MapBundles(RouteGroupBuilder api)
    {
        api.WithTags("Bundles").RequireAuthorization().RequireCsrfProtectionForCookies();

        api.MapGet("", async (ListBundlesHandler handler, CancellationToken ct, string? country, bool? certified, string? alias, int? page,
                    [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await handler.HandleAsync(new ListBundlesRequest(country, certified, alias, page, pageSize), ct)))
            .WithSummary("Bundles, newest first; filter by country, certification and the alias pointing at them now");

        api.MapGet("/{bundleId}", async Task<Results<Ok<BundleDetail>, ProblemHttpResult>> (string bundleId, GetBundleHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(bundleId, ct)).ToHttp())
            .WithSummary("One bundle by full id (sha256) or display id (bnd_…), with its aliases, alias history and recent jobs");

        api.MapPost("", async Task<Results<Created<BundleView>, Ok<BundleView>, ProblemHttpResult>> (
                CreateBundleBody body, HttpContext http, CreateBundleHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(new CreateBundleRequest(body.Country, body.ModelVersion, body.DataVersion, body.Dataset), http.User.ToActor(), ct);
                if (!result.Succeeded)
                {
                    return result.Problem!.ToHttp();
                }

                // Content-addressed: the same inputs name the same bundle, so a repeat is 200 with the existing row.
                var bundle = result.Value!.Bundle;
                return result.Value.Created
                    ? TypedResults.Created($"/bundles/{bundle.BundleId}", bundle)
                    : TypedResults.Ok(bundle);
            })
            .RequireAuthorization(PortalPolicies.CanPublish)
            .WithSummary("Create and certify a bundle from a model release and a data release (201 new, 200 existing)");
    }
}
