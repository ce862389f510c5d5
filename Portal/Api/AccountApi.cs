using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Auth;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Dashboard;

namespace Portal.Api;

public sealed record MeResponse(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string AuthenticatedBy);

/// <summary>Optional members have defaults, so a missing one is fine and a missing required one is a 400.</summary>
public sealed record CreateOwnTokenBody(string Name, int? ExpiresInDays = null);

/// <summary>What any signed-in user or token may do about themselves.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Account").RequireAuthorization().RequireCsrfProtectionForCookies();

        api.MapGet("/me", (HttpContext http) => TypedResults.Ok(new MeResponse(
                http.User.UserId() ?? "",
                http.User.Identity?.Name ?? "",
                http.User.DisplayName(),
                http.User.PortalRolesOf(),
                http.User.IsTokenAuthenticated() ? "token" : "cookie")))
            .WithSummary("Who the caller is");

        api.MapGet("/dashboard", async (GetDashboardHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAsync(ct)))
            .WithSummary("Counts shown on the dashboard");

        api.MapGet("/tokens", async (HttpContext http, ListAccessTokensHandler handler, CancellationToken ct) =>
                TypedResults.Ok(await handler.HandleAsync(http.User.UserId(), includeInactive: true, ct)))
            .WithSummary("The caller's own access tokens");

        api.MapPost("/tokens", async Task<Results<Created<CreatedAccessToken>, ProblemHttpResult>> (
                CreateOwnTokenBody body, HttpContext http, CreateAccessTokenHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new CreateAccessTokenRequest(http.User.UserId() ?? "", body.Name, body.ExpiresInDays), http.User.ToActor(), ct))
                    .ToCreated(token => $"/api/tokens/{token.Id}"))
            .WithSummary("Create an access token for the caller (the secret is returned once)");

        api.MapDelete("/tokens/{id:long}", async Task<Results<Ok<AccessTokenSummary>, ProblemHttpResult>> (
                long id, HttpContext http, RevokeAccessTokenHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, http.User.ToActor(), ct)).ToHttp())
            .WithSummary("Revoke one of the caller's tokens");
    }

    /// <summary>
    /// Unknown paths under the API prefixes answer 404 problem details (405 or 415 when the path is
    /// a route but the method or Content-Type is not; see <see cref="ApiFallback"/>), after
    /// authentication: an anonymous caller learns nothing about which routes exist.
    /// </summary>
    public static void MapApiFallbacks(this IEndpointRouteBuilder app)
    {
        var fallback = new ApiFallback(new CompositeEndpointDataSource(app.DataSources));
        foreach (var prefix in new[] { "/api", "/simulate", "/jobs", "/budget-window-jobs", "/v1", "/us", "/uk" })
        {
            foreach (var pattern in new[] { prefix, prefix + "/{**rest}" })
            {
                app.MapFallback(pattern, fallback.Answer)
                    .RequireAuthorization()
                    .ExcludeFromDescription();
            }
        }
    }
}
