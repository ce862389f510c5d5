using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Deployment;
using Portal.Core.Identity;
using Portal.Hosting;

namespace Portal.Api;

public sealed record PromoteAliasBody(string? BundleId, string? Reason);

public sealed record RollbackAliasBody(string? Reason);

/// <summary>
/// Aliases (moving names for bundles), version discovery and deployment metadata. Served at the
/// PolicyEngine-style root paths and again under <c>/api/v2</c>. Reading needs a signed-in user;
/// moving an alias needs CanPromote and an <c>If-Match</c> (see docs/aliases.md).
/// </summary>
public static class AliasesApi
{
    public static void MapAliasesApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "", "/api/v2" })
        {
            var api = app.MapGroup(prefix).WithTags("Aliases and deployment").RequireAuthorization().RequireCsrfProtectionForCookies();
            MapAliases(api);
            MapDiscovery(api);
        }
    }

    private static void MapAliases(RouteGroupBuilder api)
    {
        // The same path as the aliases page: content negotiation sends browsers to the page.
        api.MapGet("/aliases", async (ListAliasesHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAllAsync(ct)))
            .WithApiNegotiation()
            .WithSummary("Every alias of every country with its current bundle and revision");

        api.MapGet("/aliases/{country}", async Task<Results<Ok<IReadOnlyList<AliasView>>, ProblemHttpResult>> (
                string country, ListAliasesHandler handler, CancellationToken ct) => (await handler.HandleAsync(country, ct)).ToHttp())
            .WithSummary("A country's aliases with their current bundles and revisions");

        api.MapGet("/aliases/{country}/{name}", async Task<Results<Ok<AliasView>, Ok<AliasResolution>, ProblemHttpResult>> (
                string country, string name, string? at, HttpContext http, GetAliasHandler get, ResolveAliasAtHandler resolve, CancellationToken ct) =>
            {
                if (at is not null)
                {
                    if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                    {
                        return Problem.Invalid("at", "'at' must be an ISO 8601 instant, e.g. 2025-01-31T12:00:00Z.").ToHttp();
                    }

                    var resolved = await resolve.HandleAsync(country, name, instant.UtcDateTime, ct);
                    return resolved.Succeeded ? TypedResults.Ok(resolved.Value!) : resolved.Problem!.ToHttp();
                }

                var alias = await get.HandleAsync(country, name, ct);
                if (!alias.Succeeded)
                {
                    return alias.Problem!.ToHttp();
                }

                http.Response.Headers.ETag = alias.Value!.ETag;
                return TypedResults.Ok(alias.Value);
            })
            .WithSummary("An alias's current bundle (ETag = revision), or with ?at=<ISO 8601> what it pointed at then");

        api.MapGet("/aliases/{country}/{name}/history", async Task<Results<Ok<Page<AliasEventView>>, ProblemHttpResult>> (
                string country, string name, int? page, [FromQuery(Name = "page_size")] int? pageSize, AliasHistoryHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(country, name, page, pageSize, ct)).ToHttp())
            .WithSummary("Every change of an alias, newest first");

        api.MapPut("/aliases/{country}/{name}", async Task<Results<Ok<AliasChange>, Created<AliasChange>, ProblemHttpResult>> (
                string country, string name, PromoteAliasBody body, HttpContext http, PromoteAliasHandler handler, CancellationToken ct) =>
            {
                var request = new PromoteAliasRequest(country, name, body.BundleId, body.Reason, http.Request.Headers.IfMatch.ToString(), http.Request.Headers.IfNoneMatch.ToString());
                return Changed(await handler.HandleAsync(request, http.User.ToActor(), ct), http);
            })
            .RequireAuthorization(PortalPolicies.CanPromote)
            .WithSummary("Point an alias at a certified bundle (If-Match: current revision or bundle id; not needed to create)");

        api.MapPost("/aliases/{country}/{name}/rollback", async Task<Results<Ok<AliasChange>, Created<AliasChange>, ProblemHttpResult>> (
                string country, string name, RollbackAliasBody? body, HttpContext http, RollbackAliasHandler handler, CancellationToken ct) =>
            {
                var request = new RollbackAliasRequest(country, name, body?.Reason, http.Request.Headers.IfMatch.ToString());
                return Changed(await handler.HandleAsync(request, http.User.ToActor(), ct), http);
            })
            .RequireAuthorization(PortalPolicies.CanPromote)
            .WithSummary("Move an alias back to the bundle its latest change replaced (If-Match required)");
    }

    private static void MapDiscovery(RouteGroupBuilder api)
    {
        api.MapGet("/versions", async (GetVersionsHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAsync(ct)))
            .WithSummary("Per country: aliases (name → bundle id) and certified bundles by model version");

        api.MapGet("/versions/{country}", async Task<Results<Ok<CountryVersions>, ProblemHttpResult>> (
                string country, GetVersionsHandler handler, CancellationToken ct) => (await handler.HandleAsync(country, ct)).ToHttp())
            .WithSummary("One country's aliases and certified bundles by model version");

        api.MapGet("/deployment", async (GetDeploymentHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAsync(ct)))
            .WithSummary("Portal build (version, git commit), engine, model packages, data releases and the alias table");
    }

    private static Results<Ok<AliasChange>, Created<AliasChange>, ProblemHttpResult> Changed(Result<AliasChange> result, HttpContext http)
    {
        if (!result.Succeeded)
        {
            return result.Problem!.ToHttp();
        }

        var change = result.Value!;
        http.Response.Headers.ETag = change.Alias.ETag;
        return change.Created
            ? TypedResults.Created($"/aliases/{change.Alias.Country}/{change.Alias.Name}", change)
            : TypedResults.Ok(change);
    }
}
